#include "common/optimizer/working_placement.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

#include "common/optimizer/utilisation.hpp"

namespace berth::optimizer {
namespace {

const Candidate* find_candidate(const std::vector<Candidate>& candidates, std::uint32_t service) {
  const auto it = std::lower_bound(candidates.begin(), candidates.end(), service,
                                   [](const Candidate& c, std::uint32_t s) { return c.service < s; });
  return it != candidates.end() && it->service == service ? &*it : nullptr;
}

auto find_hosted(std::vector<model::ServiceCount>& hosted, std::uint32_t service) {
  return std::lower_bound(hosted.begin(), hosted.end(), service,
                          [](const model::ServiceCount& sc, std::uint32_t s) { return sc.service.value < s; });
}

}  // namespace

WorkingPlacement::WorkingPlacement(const Instance& instance)
    : instance_(&instance),
      used_(instance.node_count() * instance.dims, 0),
      hosted_(instance.node_count()),
      placed_(instance.service_count(), 0),
      domain_counts_(instance.service_count()),
      occupied_(instance.service_count(), 0),
      held_(instance.transient_held),
      moved_(instance.running_total) {
  for (const std::int64_t m : moved_) ++services_moving_[m];  // nothing placed: all running replicas move
  for (std::size_t s = 0; s < instance.service_count(); ++s)
    if (instance.has_spread(s)) domain_counts_[s].assign(instance.domain_count[s], 0);
  for (const auto& rule : instance.near) {
    near_dependent_.emplace_back(instance.value_count[rule.key], 0);
    near_target_.emplace_back(instance.value_count[rule.key], 0);
  }
}

int WorkingPlacement::count(std::size_t node, std::uint32_t service) const {
  const auto& hosted = hosted_[node];
  const auto it = std::lower_bound(hosted.begin(), hosted.end(), service,
                                   [](const model::ServiceCount& sc, std::uint32_t s) { return sc.service.value < s; });
  return it != hosted.end() && it->service.value == service ? it->count : 0;
}

int WorkingPlacement::room_by_rules(std::size_t node, std::uint32_t service) const {
  const Candidate* c = find_candidate(instance_->candidates(node), service);
  if (c == nullptr) return 0;
  for (const auto t : instance_->conflicts[service])
    if (count(node, t) > 0) return 0;
  return std::max(0, c->limit - count(node, service));
}

std::int64_t WorkingPlacement::room_by_capacity(std::size_t node, std::uint32_t service) const {
  std::int64_t room = std::numeric_limits<std::int64_t>::max();
  const auto* cap = instance_->cap(node);
  const auto* req = instance_->req(service);
  const auto* used = used_resources(node);
  for (int r = 0; r < instance_->dims; ++r)
    if (req[r] > 0) room = std::min(room, (cap[r] - used[r]) / req[r]);
  const auto& transient = instance_->transient;
  if (transient.empty() || room <= 0) return std::max<std::int64_t>(room, 0);
  const std::int64_t home = std::max(0, running(node, service) - count(node, service));
  for (std::size_t j = 0; j < transient.size(); ++j)
    if (const auto r = transient[j]; req[r] > 0)
      room = std::min(room, home + std::max<std::int64_t>(0, transient_room(node, j)) / req[r]);
  return std::max<std::int64_t>(room, 0);
}

std::int64_t WorkingPlacement::transient_room(std::size_t node, std::size_t j) const {
  const std::size_t t = instance_->transient.size();
  return instance_->held_limit(node)[j] - used_resources(node)[instance_->transient[j]] - held_[node * t + j];
}

int WorkingPlacement::running(std::size_t node, std::uint32_t service) const {
  const Candidate* c = find_candidate(instance_->candidates(node), service);
  return c == nullptr ? 0 : c->running;
}

// Replicas running on the node now hold their transient resources there until the change
// is done unless the placement keeps them: held = request · max(0, running − count).
void WorkingPlacement::hold(std::size_t node, std::uint32_t service, int before, int after) {
  const auto& transient = instance_->transient;
  if (transient.empty()) return;
  const int run = running(node, service);
  if (run == 0) return;
  const int kept = std::min(run, after) - std::min(run, before);  // more running replicas kept
  if (kept == 0) return;
  const auto* req = instance_->req(service);
  auto* held = &held_[node * transient.size()];
  for (std::size_t j = 0; j < transient.size(); ++j) held[j] -= req[transient[j]] * kept;
}

// A replica placed where one runs now keeps it from moving away: moved = Σ over nodes not
// lost of max(0, running − count); the largest over services is the tally's last key.
void WorkingPlacement::count_moved(std::size_t node, std::uint32_t service, int before, int after) {
  if (moved_.empty()) return;
  const int run = running(node, service);
  if (run == 0 || instance_->problem->nodes[node].state == model::NodeState::lost) return;
  const int kept = std::min(run, after) - std::min(run, before);
  if (kept == 0) return;
  std::int64_t& moved = moved_[service];
  if (const auto it = services_moving_.find(moved); --it->second == 0) services_moving_.erase(it);
  moved -= kept;
  ++services_moving_[moved];
}

bool WorkingPlacement::spread_ok(std::uint32_t service) const {
  if (!instance_->has_spread(service)) return true;
  const auto& counts = domain_counts_[service];
  if (counts.empty()) return true;
  const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  return *hi - *lo <= instance_->max_skew[service] &&
         occupied_[service] >= std::min(instance_->min_domains[service], placed_[service]);
}

int WorkingPlacement::spread_room(std::size_t node, std::uint32_t service) const {
  if (!instance_->has_spread(service)) return std::numeric_limits<int>::max();
  const int domain = instance_->domain_of(service, node);
  if (domain < 0) return 0;
  const auto& counts = domain_counts_[service];
  int lo = std::numeric_limits<int>::max();
  for (const int c : counts) lo = std::min(lo, c);
  // Adding to the (sole) smallest domain raises the minimum with it.
  int others_lo = std::numeric_limits<int>::max();
  for (int z = 0; z < static_cast<int>(counts.size()); ++z)
    if (z != domain) others_lo = std::min(others_lo, counts[z]);
  // min_domains: every replica added must keep occupied ≥ min(min_domains, placed), so
  // until enough domains hold one, a replica may only open a new domain.
  std::int64_t room = std::numeric_limits<int>::max();
  if (const int wanted = instance_->min_domains[service]; wanted > 0) {
    const int occupied = occupied_[service] + (counts[static_cast<std::size_t>(domain)] == 0 ? 1 : 0);
    if (occupied < wanted) room = std::max(0, occupied - placed_[service]);
  }
  if (others_lo == std::numeric_limits<int>::max()) return static_cast<int>(room);  // one domain
  return static_cast<int>(std::min<std::int64_t>(room, std::max<std::int64_t>(
                                                           0, std::int64_t{others_lo} + instance_->max_skew[service] -
                                                                  counts[static_cast<std::size_t>(domain)])));
}

bool WorkingPlacement::near_room(std::size_t node, std::uint32_t service) const {
  for (const auto k : instance_->near_rules_of[service]) {
    const auto& rule = instance_->near[k];
    if (rule.dependent != service || rule.target == service) continue;
    if (near_targets(k, node) == 0) return false;
  }
  return true;
}

bool WorkingPlacement::near_ok(std::uint32_t service) const {
  for (const auto k : instance_->near_rules_of[service]) {
    const auto& dependent = near_dependent_[k];
    const auto& target = near_target_[k];
    for (std::size_t v = 0; v < dependent.size(); ++v)
      if (dependent[v] > 0 && target[v] == 0) return false;
  }
  return true;
}

int WorkingPlacement::near_targets(std::size_t rule, std::size_t node) const {
  const int value = instance_->value_of_node[instance_->near[rule].key][node];
  return value < 0 ? 0 : near_target_[rule][value];
}

void WorkingPlacement::count_near(std::size_t node, std::uint32_t service, int delta) {
  for (const auto k : instance_->near_rules_of[service]) {
    const auto& rule = instance_->near[k];
    const int value = instance_->value_of_node[rule.key][node];
    if (value < 0) continue;
    if (rule.dependent == service) near_dependent_[k][value] += delta;
    if (rule.target == service) near_target_[k][value] += delta;
  }
}

bool WorkingPlacement::can_add(std::size_t node, std::uint32_t service, int k) const {
  // Capacity first: it is O(dims) and rejects most candidates.
  return room_by_capacity(node, service) >= k && room_by_rules(node, service) >= k && spread_room(node, service) >= k &&
         near_room(node, service);
}

void WorkingPlacement::add(std::size_t node, std::uint32_t service, int k) {
  auto& hosted = hosted_[node];
  auto it = find_hosted(hosted, service);
  if (it != hosted.end() && it->service.value == service) {
    hold(node, service, it->count, it->count + k);
    count_moved(node, service, it->count, it->count + k);
    it->count += k;
  } else {
    hold(node, service, 0, k);
    count_moved(node, service, 0, k);
    hosted.insert(it, model::ServiceCount{model::ServiceId{service}, k});
  }
  const auto* req = instance_->req(service);
  for (int r = 0; r < instance_->dims; ++r) used_[node * instance_->dims + r] += req[r] * k;
  placed_[service] += k;
  if (instance_->has_near(service)) count_near(node, service, k);
  if (instance_->has_spread(service)) {
    int& in_domain = domain_counts_[service][static_cast<std::size_t>(instance_->domain_of(service, node))];
    if (in_domain == 0 && k > 0) ++occupied_[service];
    in_domain += k;
  }
}

void WorkingPlacement::remove(std::size_t node, std::uint32_t service, int k) {
  auto& hosted = hosted_[node];
  auto it = find_hosted(hosted, service);
  assert(it != hosted.end() && it->service.value == service && it->count >= k);
  hold(node, service, it->count, it->count - k);
  count_moved(node, service, it->count, it->count - k);
  it->count -= k;
  if (it->count == 0) hosted.erase(it);
  const auto* req = instance_->req(service);
  for (int r = 0; r < instance_->dims; ++r) used_[node * instance_->dims + r] -= req[r] * k;
  placed_[service] -= k;
  if (instance_->has_near(service)) count_near(node, service, -k);
  if (instance_->has_spread(service)) {
    int& in_domain = domain_counts_[service][static_cast<std::size_t>(instance_->domain_of(service, node))];
    in_domain -= k;
    if (in_domain == 0 && k > 0) --occupied_[service];
  }
}

double WorkingPlacement::node_cost(std::size_t node) const {
  const auto& w = instance_->problem->objective.weights;
  double cost = instance_->forced_migration(node);
  for (const auto& c : instance_->running(node))
    cost += instance_->migration[c.service] * std::max(0, c.running - count(node, c.service));
  const auto& problem = *instance_->problem;
  if (!problem.objective.free_ratio.empty() && problem.nodes[node].state != model::NodeState::lost)
    cost += free_ratio_cost(problem.objective.free_ratio, used_resources(node), instance_->cap(node));
  const auto& hosted = hosted_[node];
  if (hosted.empty()) return cost;
  cost += instance_->node_cost[node];
  for (const auto& sc : hosted)
    for (const auto t : instance_->prefers[sc.service.value])
      if (count(node, t) == 0) cost += w.colocation * sc.count;
  cost += utilisation_cost(w.load_spread, w.balance, used_resources(node), instance_->cap(node), instance_->dims);
  if (instance_->has_overload)
    cost += overload_cost(instance_->overload_weight.data(), used_resources(node), instance_->soft(node), instance_->cap(node),
                          instance_->dims);
  return cost;
}

double WorkingPlacement::fill(std::size_t node) const {
  const auto* cap = instance_->cap(node);
  const auto* used = used_resources(node);
  double fill = 0;
  int dims = 0;
  for (int r = 0; r < instance_->dims; ++r) {
    if (cap[r] <= 0) continue;
    fill += static_cast<double>(used[r]) / static_cast<double>(cap[r]);
    ++dims;
  }
  return dims > 0 ? fill / dims : 0.0;
}

double WorkingPlacement::unplaced_cost() const {
  double cost = 0;
  for (std::size_t s = 0; s < placed_.size(); ++s) cost += instance_->penalty[s] * std::max(0, unplaced(static_cast<std::uint32_t>(s)));
  return cost;
}

double WorkingPlacement::objective() const {
  double total = unplaced_cost() + global_cost();
  for (std::size_t n = 0; n < hosted_.size(); ++n) total += node_cost(n);
  return total;
}

model::Placement WorkingPlacement::to_placement() const {
  model::Placement placement;
  placement.by_node = hosted_;
  return placement;
}

WorkingPlacement WorkingPlacement::from_placement(const Instance& instance, const model::Placement& placement) {
  WorkingPlacement working(instance);
  for (std::size_t n = 0; n < placement.by_node.size(); ++n)
    for (const auto& sc : placement.by_node[n]) working.add(n, sc.service.value, sc.count);
  return working;
}

}  // namespace berth::optimizer
