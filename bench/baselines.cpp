#include "bench/baselines.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/model/rules.hpp"

namespace berth::bench {
namespace {

using model::NodeId;
using model::ServiceId;

// Services with the same model::eligibility_key are eligible on the same nodes, so
// eligibility is computed once per such class, with model::is_eligible itself, instead of once per replica and node.
struct Eligibility {
  std::vector<std::size_t> class_of_service;
  std::vector<std::vector<char>> eligible;    // [class][node]
  std::vector<model::SpreadDomains> domains;  // [class]; names empty unless the class spreads
};

Eligibility classify(const model::Problem& problem) {
  Eligibility result;
  std::map<std::string, std::size_t> classes;
  for (std::uint32_t s = 0; s < problem.services.size(); ++s) {
    const model::Service& service = problem.services[s];
    const auto [it, inserted] = classes.try_emplace(model::eligibility_key(service), result.eligible.size());
    result.class_of_service.push_back(it->second);
    if (!inserted) continue;
    std::vector<char> eligible(problem.nodes.size());
    for (std::size_t n = 0; n < problem.nodes.size(); ++n) eligible[n] = model::is_eligible(problem.nodes[n], service) ? 1 : 0;
    result.eligible.push_back(std::move(eligible));
    // The domains depend only on eligibility and the spread key, both shared by the class.
    result.domains.push_back(model::spread_domains(problem, ServiceId{s}));
  }
  return result;
}

// Loads, placement and the rules' bookkeeping while a baseline places one service's
// replicas at a time. Both baselines handle a service's replicas consecutively, so the
// per-node and per-domain counts of the current service live here and are reset between
// services instead of being looked up in the placement. Per-node data is kept in flat
// arrays: the baselines test millions of (replica, node) pairs on the largest instances.
class PlacementState {
 public:
  PlacementState(const model::Problem& problem, const Eligibility& eligibility)
      : problem_(problem),
        eligibility_(eligibility),
        conflicts_(model::avoid_conflicts(problem)),
        dims_(problem.resources.size()),
        capacity_(problem.nodes.size() * dims_),
        used_(problem.nodes.size() * dims_, 0),
        cordoned_(problem.nodes.size()),
        count_on_node_(problem.nodes.size(), 0),
        placement_(model::Placement::empty_for(problem)) {
    for (std::size_t n = 0; n < problem.nodes.size(); ++n) {
      const model::Node& node = problem.nodes[n];
      for (std::size_t r = 0; r < dims_; ++r) capacity_[n * dims_ + r] = node.capacity[r];
      cordoned_[n] = node.state == model::NodeState::cordoned ? 1 : 0;
    }
  }

  void begin(ServiceId service) {
    for (const auto n : touched_) count_on_node_[n] = 0;
    touched_.clear();
    service_ = service;
    const model::Service& s = problem_.service(service);
    request_ = s.request.data();
    max_per_node_ = s.max_per_node > 0 ? s.max_per_node : std::numeric_limits<int>::max();
    conflicts_of_ = &conflicts_[service.value];
    const std::size_t cls = eligibility_.class_of_service[service.value];
    eligible_ = eligibility_.eligible[cls].data();
    if (s.spread) {
      domain_of_node_ = eligibility_.domains[cls].domain_of_node.data();
      domain_counts_.assign(eligibility_.domains[cls].names.size(), 0);
      max_skew_ = s.spread->max_skew;
    } else {
      domain_of_node_ = nullptr;
      domain_counts_.assign(1, 0);
      max_skew_ = std::numeric_limits<int>::max() / 2;
    }
    min_domain_count_ = 0;
  }

  const std::int64_t* request() const { return request_; }
  std::size_t domain_count() const { return domain_counts_.size(); }
  int domain_of(std::size_t node) const { return domain_of_node_ ? domain_of_node_[node] : 0; }

  // PodTopologySpread with DoNotSchedule: one more replica in `domain` must keep it within
  // max_skew of the least loaded domain. Checking every placement this way keeps
  // max − min ≤ max_skew throughout, which is what model::check asks of the result.
  bool domain_allows(int domain) const {
    return domain >= 0 && domain_counts_[domain] + 1 - min_domain_count_ <= max_skew_;
  }
  bool spread_allows(std::size_t node) const { return domain_allows(domain_of(node)); }

  // One more replica fits on `node` by capacity and every per-node rule (spread is
  // checked apart). Cheapest and most selective tests first.
  bool feasible(std::size_t node) const {
    const std::int64_t* capacity = &capacity_[node * dims_];
    const std::int64_t* used = &used_[node * dims_];
    for (std::size_t r = 0; r < dims_; ++r)
      if (used[r] + request_[r] > capacity[r]) return false;
    if (!eligible_[node] || count_on_node_[node] >= max_per_node_) return false;
    if (cordoned_[node] && count_on_node_[node] >= cordon_limit(node)) return false;
    for (const ServiceId t : *conflicts_of_)
      if (placement_.count(NodeId{static_cast<std::uint32_t>(node)}, t) > 0) return false;
    return true;
  }

  // How many more replicas `node` takes by capacity and every rule, spread included,
  // assuming feasible(node).
  int room(std::size_t node) const {
    std::int64_t room = std::numeric_limits<int>::max();
    for (std::size_t r = 0; r < dims_; ++r)
      if (request_[r] > 0) room = std::min(room, (capacity(node, r) - used(node, r)) / request_[r]);
    room = std::min<std::int64_t>(room, std::int64_t{max_per_node_} - count_on_node_[node]);
    if (cordoned_[node]) room = std::min<std::int64_t>(room, cordon_limit(node) - count_on_node_[node]);
    if (domain_of_node_) room = std::min<std::int64_t>(room, max_skew_ + min_domain_count_ - domain_counts_[domain_of(node)]);
    return static_cast<int>(std::max<std::int64_t>(room, 0));
  }

  void place(std::size_t node, int count) {
    std::int64_t* used = &used_[node * dims_];
    for (std::size_t r = 0; r < dims_; ++r) used[r] += request_[r] * count;
    placement_.add(NodeId{static_cast<std::uint32_t>(node)}, service_, count);
    if (count_on_node_[node] == 0) touched_.push_back(node);
    count_on_node_[node] += count;
    if (domain_of_node_) {
      domain_counts_[domain_of(node)] += count;
      min_domain_count_ = *std::min_element(domain_counts_.begin(), domain_counts_.end());
    }
  }

  std::int64_t capacity(std::size_t node, std::size_t r) const { return capacity_[node * dims_ + r]; }
  std::int64_t used(std::size_t node, std::size_t r) const { return used_[node * dims_ + r]; }
  model::Placement take_placement() { return std::move(placement_); }

 private:
  // A cordoned node takes nothing new; the rules allow up to what runs there now.
  int cordon_limit(std::size_t node) const {
    return model::replica_limit(problem_, NodeId{static_cast<std::uint32_t>(node)}, service_);
  }

  const model::Problem& problem_;
  const Eligibility& eligibility_;
  std::vector<std::vector<ServiceId>> conflicts_;
  std::size_t dims_;
  std::vector<std::int64_t> capacity_;  // [node * dims + r]
  std::vector<std::int64_t> used_;      // [node * dims + r]
  std::vector<char> cordoned_;
  std::vector<int> count_on_node_;      // replicas of the current service per node
  std::vector<std::size_t> touched_;
  model::Placement placement_;
  // The current service.
  ServiceId service_;
  const std::int64_t* request_ = nullptr;
  int max_per_node_ = 0;
  const std::vector<ServiceId>* conflicts_of_ = nullptr;
  const char* eligible_ = nullptr;
  const int* domain_of_node_ = nullptr;
  std::vector<int> domain_counts_;
  int min_domain_count_ = 0;
  int max_skew_ = 0;
};

// Nodes the filter rejected for the current service. A rejection by a per-node rule
// (capacity, eligibility, max_per_node, avoid, cordon) holds until the service is done,
// because loads and counts only grow, so the next replicas skip those nodes in near-constant
// time instead of filtering them again. Only speed changes: the same nodes pass, in the
// same order, and the round robin advances by the same count. A circular union-find:
// next_[n] == n for a node still in play, else a later node with only rejected ones between.
class RejectedNodes {
 public:
  explicit RejectedNodes(std::size_t node_count) : next_(node_count) {
    for (std::size_t n = 0; n < node_count; ++n) next_[n] = n;
  }
  void reset() {
    for (const std::size_t n : rejected_) next_[n] = n;
    rejected_.clear();
  }
  bool all() const { return rejected_.size() == next_.size(); }
  void reject(std::size_t n) {
    next_[n] = n + 1 == next_.size() ? 0 : n + 1;
    rejected_.push_back(n);
  }
  // The first node at or after `n`, circularly, not rejected. Precondition: !all().
  std::size_t next(std::size_t n) {
    std::size_t root = n;
    while (next_[root] != root) root = next_[root];
    while (n != root) {  // path compression
      const std::size_t up = next_[n];
      next_[n] = root;
      n = up;
    }
    return root;
  }

 private:
  std::vector<std::size_t> next_;
  std::vector<std::size_t> rejected_;
};

// Resource dimensions NodeResourcesFit scores by default: cpu and memory, weight 1 each.
std::vector<std::size_t> scored_dimensions(const model::Problem& problem) {
  std::vector<std::size_t> dims;
  for (std::size_t r = 0; r < problem.resources.size(); ++r)
    if (problem.resources[r] == "cpu" || problem.resources[r] == "memory") dims.push_back(r);
  if (dims.empty())
    for (std::size_t r = 0; r < problem.resources.size(); ++r) dims.push_back(r);
  return dims;
}

// NodeResourcesFit's score with the replica added, in kube-scheduler's integer arithmetic
// (0–100 per resource, averaged with integer division), so ties happen where they do there.
std::int64_t kube_score(const PlacementState& state, std::size_t node,
                        const std::vector<std::size_t>& dims, KubeScoring scoring) {
  std::int64_t total = 0;
  for (const std::size_t r : dims) {
    const std::int64_t capacity = state.capacity(node, r);
    if (capacity == 0) continue;
    const std::int64_t requested = std::min(capacity, state.used(node, r) + state.request()[r]);
    const std::int64_t numerator = (scoring == KubeScoring::least_allocated ? capacity - requested : requested) * 100;
    // ⌊numerator / capacity⌋ in double, which is exact here and much faster than idiv:
    // both operands are integers below 2^53, so an integral quotient comes out exact, and
    // any other is at least 1/capacity (> 2^-41) away from the next integer, far more than
    // the rounding error of a quotient ≤ 100.
    total += static_cast<std::int64_t>(static_cast<double>(numerator) / static_cast<double>(capacity));
  }
  return total / static_cast<std::int64_t>(dims.size());
}

// Services in the order kube-scheduler's active queue pops their pods: priority
// descending, then creation (input) order.
std::vector<std::uint32_t> queue_order(const model::Problem& problem) {
  std::vector<std::uint32_t> order(problem.services.size());
  for (std::uint32_t s = 0; s < order.size(); ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return problem.services[a].priority > problem.services[b].priority;
  });
  return order;
}

}  // namespace

const char* to_string(KubeScoring scoring) {
  switch (scoring) {
    case KubeScoring::least_allocated: return "least_allocated";
    case KubeScoring::most_allocated: return "most_allocated";
  }
  return "unknown";
}

int kube_feasible_nodes_to_find(int node_count, int percentage) {
  constexpr int kMinFeasibleNodesToFind = 100;
  constexpr int kMinFeasibleNodesPercentageToFind = 5;
  if (node_count < kMinFeasibleNodesToFind || percentage >= 100) return node_count;
  int adaptive = percentage;
  if (adaptive <= 0) adaptive = std::max(kMinFeasibleNodesPercentageToFind, 50 - node_count / 125);
  const int count = static_cast<int>(static_cast<std::int64_t>(node_count) * adaptive / 100);
  return std::max(count, kMinFeasibleNodesToFind);
}

model::Placement kube_greedy(const model::Problem& problem, KubeScoring scoring, const KubeOptions& options) {
  const Eligibility eligibility = classify(problem);
  PlacementState state(problem, eligibility);
  const auto dims = scored_dimensions(problem);
  const std::size_t node_count = problem.nodes.size();
  const auto to_find = static_cast<std::size_t>(kube_feasible_nodes_to_find(static_cast<int>(node_count),
                                                                            options.percentage_of_nodes_to_score));
  std::mt19937_64 random(options.seed);
  std::size_t next_start = 0;  // round robin over the node list, as nextStartNodeIndex

  RejectedNodes rejected(node_count);

  for (const std::uint32_t s : queue_order(problem)) {
    state.begin(ServiceId{s});
    rejected.reset();
    for (int replica = 0; replica < problem.services[s].replicas; ++replica) {
      std::size_t best = node_count;
      std::int64_t best_score = -1;
      std::uint64_t ties = 0;
      std::size_t found = 0;
      std::size_t examined = 0;  // nodes from next_start up to the last one filtered
      while (found < to_find && examined < node_count && !rejected.all()) {
        std::size_t from = next_start + examined;  // no % in this loop: division is slow
        if (from >= node_count) from -= node_count;
        const std::size_t n = rejected.next(from);
        const std::size_t distance = n >= next_start ? n - next_start : n + node_count - next_start;
        if (distance < examined) break;  // wrapped around: every node was examined
        examined = distance + 1;
        if (!state.feasible(n)) {
          rejected.reject(n);
          continue;
        }
        if (!state.spread_allows(n)) continue;  // may pass again once other domains catch up
        ++found;
        const std::int64_t score = kube_score(state, n, dims, scoring);
        if (score > best_score) {
          best = n;
          best_score = score;
          ties = 1;
        } else if (score == best_score && random() % ++ties == 0) {
          best = n;  // selectHost: reservoir sampling among the top scores
        }
      }
      // processedNodes: up to the last feasible node found, or every node.
      const std::size_t processed = found == to_find ? examined : node_count;
      next_start = node_count > 0 ? (next_start + processed) % node_count : 0;
      // Unschedulable: nothing changes until this service's pods are placed elsewhere, so
      // its remaining replicas would fail the same way.
      if (best == node_count) break;
      state.place(best, 1);
    }
  }
  return state.take_placement();
}

// Best-fit decreasing, exploiting that a service's replicas are identical.
//
// Best fit puts a replica on the used node with the least normalized capacity left after
// placing it. With one scalar size per service, that is the feasible used node with the
// least remaining capacity ≥ size: used nodes live in a set ordered by remaining capacity,
// and the scan starts at lower_bound(size). Once a node is best it stays best for the next
// replica of the same service while it takes one (its remaining capacity only shrinks and
// no other node changes), so the replicas go there in one batch of room() replicas.
// A node found infeasible for a service stays so while that service is placed (loads only
// grow), so each spread domain keeps a resume point in the set and each scan continues
// where the last one stopped; the node just filled (the "hot" node) is the only one before
// the resume point that can still be feasible. Each service thus scans the used nodes at
// most once per domain: O(S · U) in the worst case, far less in practice because the scan
// stops at the first feasible node. New nodes come from a per-class list sorted by cost per
// normalized capacity with a cursor past the nodes already used.
model::Placement best_fit_decreasing(const model::Problem& problem) {
  const Eligibility eligibility = classify(problem);
  PlacementState state(problem, eligibility);
  const std::size_t dims = problem.resources.size();
  const std::size_t node_count = problem.nodes.size();

  std::vector<double> inverse_mean(dims, 0);
  for (std::size_t r = 0; r < dims; ++r) {
    double total = 0;
    for (const auto& node : problem.nodes) total += static_cast<double>(node.capacity[r]);
    if (total > 0) inverse_mean[r] = static_cast<double>(node_count) / total;
  }
  auto normalized = [&](const std::vector<std::int64_t>& amounts) {
    double sum = 0;
    for (std::size_t r = 0; r < dims; ++r) sum += static_cast<double>(amounts[r]) * inverse_mean[r];
    return sum;
  };
  auto remaining = [&](std::size_t n) {
    double sum = 0;
    for (std::size_t r = 0; r < dims; ++r)
      sum += static_cast<double>(state.capacity(n, r) - state.used(n, r)) * inverse_mean[r];
    return sum;
  };

  std::vector<double> size(problem.services.size());
  for (std::size_t s = 0; s < size.size(); ++s) size[s] = normalized(problem.services[s].request);
  std::vector<std::uint32_t> order(problem.services.size());
  for (std::uint32_t s = 0; s < order.size(); ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return size[a] > size[b]; });

  // Opening order: cheapest per normalized capacity, then the smaller (better fitting)
  // node, then index; one list per eligibility class with a cursor past used nodes.
  std::vector<double> total(node_count);
  std::vector<double> cost_rate(node_count);
  for (std::size_t n = 0; n < node_count; ++n) {
    total[n] = normalized(problem.nodes[n].capacity);
    cost_rate[n] = total[n] > 0 ? problem.nodes[n].cost / total[n] : std::numeric_limits<double>::infinity();
  }
  std::vector<std::size_t> by_rate(node_count);
  for (std::size_t n = 0; n < node_count; ++n) by_rate[n] = n;
  std::sort(by_rate.begin(), by_rate.end(), [&](std::size_t a, std::size_t b) {
    if (cost_rate[a] != cost_rate[b]) return cost_rate[a] < cost_rate[b];
    if (total[a] != total[b]) return total[a] < total[b];
    return a < b;
  });
  std::vector<std::vector<std::size_t>> opening(eligibility.eligible.size());
  for (std::size_t c = 0; c < opening.size(); ++c)
    for (const std::size_t n : by_rate)
      if (eligibility.eligible[c][n]) opening[c].push_back(n);
  std::vector<std::size_t> opening_cursor(opening.size(), 0);

  using Key = std::pair<double, std::size_t>;  // (remaining normalized capacity, node)
  std::set<Key> open;
  std::vector<double> key(node_count, 0);
  std::vector<char> is_open(node_count, 0);

  struct DomainScan {
    Key resume;
    std::size_t hot = 0;
    bool has_hot = false;
    std::size_t candidate = 0;
    bool has_candidate = false;
    bool valid = false;
  };
  std::vector<DomainScan> scans;

  // Retiring full nodes: a used node with less free capacity in some dimension than every
  // service still to come requests is full for good, so it leaves the set instead of being
  // skipped by every later scan. floor[i] is that smallest request from order[i] on.
  std::vector<std::vector<std::int64_t>> floor(order.size() + 1,
                                               std::vector<std::int64_t>(dims, std::numeric_limits<std::int64_t>::max()));
  for (std::size_t i = order.size(); i-- > 0;) {
    floor[i] = floor[i + 1];
    if (problem.services[order[i]].replicas <= 0) continue;
    for (std::size_t r = 0; r < dims; ++r) floor[i][r] = std::min(floor[i][r], problem.services[order[i]].request[r]);
  }
  std::size_t position = 0;  // of the current service in `order`
  auto full = [&](std::size_t n) {
    for (std::size_t r = 0; r < dims; ++r)
      if (state.capacity(n, r) - state.used(n, r) < floor[position][r]) return true;
    return false;
  };

  for (; position < order.size(); ++position) {
    const std::uint32_t s = order[position];
    state.begin(ServiceId{s});
    const std::size_t cls = eligibility.class_of_service[s];
    scans.assign(state.domain_count(), DomainScan{.resume = {size[s] - 1e-9, 0}});

    // The best used node of `domain` for the current service, if any.
    auto candidate = [&](int domain) -> DomainScan& {
      DomainScan& scan = scans[domain];
      if (scan.valid) return scan;
      scan.valid = true;
      if (scan.has_hot && state.feasible(scan.hot)) {
        scan.candidate = scan.hot;
        scan.has_candidate = true;
        return scan;
      }
      scan.has_hot = false;
      scan.has_candidate = false;
      for (auto it = open.lower_bound(scan.resume); it != open.end();) {
        const std::size_t n = it->second;
        if (state.domain_of(n) != domain || !state.feasible(n)) {
          it = full(n) ? open.erase(it) : std::next(it);
          continue;
        }
        scan.resume = *it;
        scan.candidate = n;
        scan.has_candidate = true;
        return scan;
      }
      scan.resume = {std::numeric_limits<double>::infinity(), 0};
      return scan;
    };

    auto open_new = [&]() -> std::optional<std::size_t> {
      auto& list = opening[cls];
      auto& cursor = opening_cursor[cls];
      while (cursor < list.size() && is_open[list[cursor]]) ++cursor;
      for (std::size_t i = cursor; i < list.size(); ++i) {
        const std::size_t n = list[i];
        if (!is_open[n] && state.spread_allows(n) && state.feasible(n)) return n;
      }
      return std::nullopt;
    };

    int left = problem.services[s].replicas;
    while (left > 0) {
      std::optional<std::size_t> best;
      for (int d = 0; d < static_cast<int>(state.domain_count()); ++d) {
        if (!state.domain_allows(d)) continue;
        const DomainScan& scan = candidate(d);
        if (!scan.has_candidate) continue;
        const Key k{key[scan.candidate], scan.candidate};
        if (!best || k < Key{key[*best], *best}) best = scan.candidate;
      }
      if (!best) best = open_new();
      if (!best) break;  // nothing fits: the rest stays unplaced
      const std::size_t n = *best;
      const int batch = std::min(left, state.room(n));
      assert(batch > 0);  // feasible and spread-allowed nodes take at least one
      if (batch <= 0) break;  // never loop forever on a broken invariant in release builds
      if (is_open[n]) open.erase(Key{key[n], n});  // no-op for a node retired as full
      state.place(n, batch);
      left -= batch;
      is_open[n] = 1;
      key[n] = remaining(n);
      if (!full(n)) open.insert(Key{key[n], n});
      DomainScan& scan = scans[state.domain_of(n)];
      scan.hot = n;
      scan.has_hot = true;
      scan.valid = false;
    }
  }
  return state.take_placement();
}

}  // namespace berth::bench
