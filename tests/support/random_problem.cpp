#include "tests/support/random_problem.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace berth::testing {
namespace {

using model::kGiB;
using model::kMiB;

// SplitMix64: tiny, fast, and the same stream everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed ^ 0x6A09E667F3BCC909ULL) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi]; the modulo bias is irrelevant for test data.
  int between(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[next() % values.size()];
  }

 private:
  std::uint64_t state_;
};

const std::string kInfraTaint = "dedicated=infra:NoSchedule";
const std::string kLegacyTaint = "legacy=yes:NoExecute";
const std::string kSpotTaint = "spot=true:PreferNoSchedule";

model::NodeState random_state(Rng& rng, double cordoned, double lost) {
  const double u = rng.unit();
  if (u < cordoned) return model::NodeState::cordoned;
  if (u < cordoned + lost) return model::NodeState::lost;
  return model::NodeState::ready;
}

// Over "zone", max_skew up to `most_skew`; a fifth also ask for 2 or 3 domains (3 can be
// more than there are), half of those with no skew limit.
model::SpreadRule random_spread(Rng& rng, int most_skew) {
  model::SpreadRule rule{"zone", rng.between(1, most_skew)};
  if (rng.chance(0.2)) {
    rule.min_domains = rng.between(2, 3);
    if (rng.chance(0.5)) rule.max_skew = model::kAnySkew;
  }
  return rule;
}

// Cost rules beyond the strategy's weights. A quarter of the problems: soft capacities of 50–90% of cpu and memory on most nodes,
// at an overload weight from mild to dominant.
void add_cost_rules(Rng& rng, model::Problem& problem) {
  // And a third: services that cost from nothing to four times the weight to move.
  if (rng.chance(0.33))
    for (auto& service : problem.services) service.move_cost = rng.pick(std::vector<double>{0.0, 0.5, 1.0, 4.0});
  // And a fifth: a free ratio rule between cpu and memory, either way round.
  if (rng.chance(0.2)) {
    const bool memory_for_cpu = rng.chance(0.5);
    problem.objective.free_ratio.push_back({.per = memory_for_cpu ? 0 : 1,
                                            .keep = memory_for_cpu ? 1 : 0,
                                            .ratio = rng.pick(std::vector<double>{0.5, 1.0, 2.0}),
                                            .weight = rng.pick(std::vector<double>{0.5, 5.0})});
  }
  if (!rng.chance(0.25)) return;
  problem.objective.weights.overload = rng.pick(std::vector<double>{0.5, 2.0, 10.0});
  for (auto& node : problem.nodes) {
    if (rng.chance(0.2)) continue;
    node.soft_capacity = node.capacity;
    for (std::size_t r = 0; r < 2; ++r) node.soft_capacity[r] = node.capacity[r] * rng.between(5, 9) / 10;
  }
}

// A third of the problems: cpu, memory or both transient, so replicas that move keep
// holding them where they ran. Drawn last, so the rest of each problem stays as it was.
void add_rollout_rules(Rng& rng, model::Problem& problem) {
  if (!rng.chance(0.33)) return;
  switch (rng.between(0, 2)) {
    case 0: problem.rollout.transient = {0}; break;
    case 1: problem.rollout.transient = {1}; break;
    default: problem.rollout.transient = {0, 1}; break;
  }
}

// A seventh of the problems: overload weighed per resource, from nothing to dominant.
// Drawn after everything else, like the rollout rules.
void add_resource_weights(Rng& rng, model::Problem& problem) {
  if (!rng.chance(0.15)) return;
  for (std::size_t r = 0; r < problem.resources.size(); ++r)
    problem.objective.overload_by_resource.push_back(rng.pick(std::vector<double>{0.0, 0.5, 2.0, 10.0}));
}

// A fifth of the problems: the service move term, which only counts where replicas run.
// Drawn last, like the rules above.
void add_service_move(Rng& rng, model::Problem& problem) {
  if (rng.chance(0.2)) problem.objective.weights.service_move = rng.pick(std::vector<double>{0.5, 2.0, 10.0});
}

model::Strategy random_strategy(Rng& rng) {
  switch (rng.between(0, 2)) {
    case 0: return model::Strategy::binpack;
    case 1: return model::Strategy::spread;
    default: return model::Strategy::balanced;
  }
}

// A different service than `self`, or nothing when there is only one.
std::vector<model::ServiceId> another_service(Rng& rng, int service_count, int self) {
  if (service_count < 2) return {};
  int other = rng.between(0, service_count - 2);
  if (other >= self) ++other;
  return {model::ServiceId{static_cast<std::uint32_t>(other)}};
}

// A fifth of the problems: a service or two must run near another in the same zone (or
// the same disk label value). Drawn after everything else, like the rollout rules.
void add_near_rules(Rng& rng, model::Problem& problem) {
  const int service_count = static_cast<int>(problem.services.size());
  if (service_count < 2 || !rng.chance(0.2)) return;
  const int rules = rng.between(1, std::min(2, service_count - 1));
  for (int k = 0; k < rules; ++k) {
    const int s = rng.between(0, service_count - 1);
    auto target = another_service(rng, service_count, s);
    const model::NearRule rule{target.front(), rng.chance(0.7) ? "zone" : "disk"};
    auto& near = problem.services[static_cast<std::size_t>(s)].near;
    if (std::find(near.begin(), near.end(), rule) == near.end()) near.push_back(rule);
  }
}

void sort_running(model::Node& node) {
  std::sort(node.running.begin(), node.running.end());
}

}  // namespace

int total_replicas(const model::Problem& problem) {
  int total = 0;
  for (const auto& service : problem.services) total += service.replicas;
  return total;
}

model::Problem random_tiny_problem(std::uint64_t seed) {
  Rng rng(seed);
  model::Problem problem;
  const bool gpu = rng.chance(0.2);
  problem.resources = gpu ? std::vector<std::string>{"cpu", "memory", "gpu"}
                          : std::vector<std::string>{"cpu", "memory"};

  const int node_count = rng.chance(0.1) ? 1 : rng.between(2, 4);
  for (int n = 0; n < node_count; ++n) {
    model::Node node;
    node.name = "n" + std::to_string(n);
    if (!rng.chance(0.05)) node.labels["zone"] = rng.chance(0.5) ? "a" : "b";
    node.labels["disk"] = rng.chance(0.5) ? "ssd" : "hdd";
    node.capacity = {1000 * rng.between(1, 4), kGiB * rng.between(2, 8)};
    if (gpu) node.capacity.push_back(rng.between(0, 2));
    if (rng.chance(0.12)) node.taints.push_back(kInfraTaint);
    if (rng.chance(0.03)) node.taints.push_back(kLegacyTaint);
    if (rng.chance(0.1)) node.taints.push_back(kSpotTaint);
    node.cost = rng.between(2, 6) / 2.0;
    node.state = random_state(rng, 0.06, 0.05);
    problem.nodes.push_back(std::move(node));
  }

  // Requests relative to node capacities (cpu 1000..4000, memory 2..8 GiB): loose instances
  // fit easily, tight ones barely, overfull ones leave replicas unplaced.
  enum class Tightness { loose, tight, overfull };
  const double t = rng.unit();
  const Tightness tightness = t < 0.45 ? Tightness::loose : t < 0.85 ? Tightness::tight : Tightness::overfull;
  const int service_count = rng.between(1, 3);
  int budget = kTinyMaxReplicas;
  for (int s = 0; s < service_count; ++s) {
    model::Service service;
    service.name = "s" + std::to_string(s);
    const int still_to_come = service_count - s - 1;
    service.replicas = rng.between(1, std::min(4, budget - still_to_come));
    budget -= service.replicas;
    switch (tightness) {
      case Tightness::loose:
        service.request = {100 * rng.between(1, 8), 128 * kMiB * rng.between(1, 8)};
        break;
      case Tightness::tight:
        service.request = {250 * rng.between(1, 6), 256 * kMiB * rng.between(1, 10)};
        break;
      case Tightness::overfull:
        service.request = {500 * rng.between(2, 8), kGiB * rng.between(2, 8)};
        break;
    }
    if (rng.chance(0.05)) service.request[1] = 0;
    if (gpu) service.request.push_back(rng.chance(0.2) ? rng.between(1, 2) : 0);
    if (rng.chance(0.15)) service.node_selector["disk"] = "ssd";
    if (rng.chance(0.02)) service.node_selector["disk"] = "nvme";  // matches no node
    if (rng.chance(0.1)) {  // In admits only labelled nodes, NotIn also the unlabelled ones
      const auto op = rng.chance(0.5) ? model::AffinityOperator::in : model::AffinityOperator::not_in;
      service.node_affinity.push_back({"zone", op, {rng.chance(0.5) ? "a" : "b"}});
    }
    if (rng.chance(0.5)) service.tolerations.push_back(kInfraTaint);
    if (rng.chance(0.1)) service.tolerations.push_back(kLegacyTaint);
    if (rng.chance(0.15)) service.max_per_node = rng.between(1, 3);
    if (rng.chance(0.25)) service.spread = random_spread(rng, 2);
    service.priority = rng.between(0, 3);
    problem.services.push_back(std::move(service));
  }
  for (int s = 0; s < service_count; ++s) {
    auto& service = problem.services[s];
    if (rng.chance(0.2)) service.avoid = another_service(rng, service_count, s);
    if (rng.chance(0.2)) service.prefer = another_service(rng, service_count, s);
  }

  // What runs now is history: it may overfill a node, sit where the rules no longer allow,
  // or exceed the replicas now asked for.
  if (rng.chance(0.5)) {
    for (auto& node : problem.nodes)
      for (int s = 0; s < service_count; ++s)
        if (rng.chance(0.3)) node.running.push_back({model::ServiceId{static_cast<std::uint32_t>(s)}, rng.between(1, 2)});
  }

  const auto strategy = random_strategy(rng);
  problem.objective.strategy = strategy;
  problem.objective.weights = model::default_weights(strategy);
  problem.objective.weights.migration = rng.pick(std::vector<double>{0.0, 0.5, 1.0, 2.0, 5.0});
  problem.objective.weights.colocation = rng.pick(std::vector<double>{0.0, 0.1, 0.5, 2.0});
  add_cost_rules(rng, problem);
  add_rollout_rules(rng, problem);
  add_near_rules(rng, problem);
  add_resource_weights(rng, problem);
  add_service_move(rng, problem);
  return problem;
}

model::Problem random_medium_problem(std::uint64_t seed, const MediumShape& shape) {
  Rng rng(seed * 0x2545F4914F6CDD1DULL + 7);
  model::Problem problem;
  const bool gpu = rng.chance(0.3);
  problem.resources = gpu ? std::vector<std::string>{"cpu", "memory", "gpu"}
                          : std::vector<std::string>{"cpu", "memory"};

  // Per-instance rule probabilities, so some clusters are rule-heavy and some plain.
  const double p_taint = 0.3 * rng.unit();
  const double p_selector = 0.3 * rng.unit();
  const double p_tolerate = rng.unit();
  const double p_max_per_node = 0.5 * rng.unit();
  const double p_avoid = 0.3 * rng.unit();
  const double p_prefer = 0.3 * rng.unit();
  const double p_spread = 0.5 * rng.unit();
  const double p_cordoned = 0.08 * rng.unit();
  const double p_lost = 0.08 * rng.unit();

  const int zones = rng.between(2, 3);
  const int node_count = rng.between(shape.min_nodes, shape.max_nodes);
  std::int64_t total_cpu = 0;
  std::int64_t total_memory = 0;
  for (int n = 0; n < node_count; ++n) {
    model::Node node;
    node.name = "node-" + std::to_string(n);
    if (!rng.chance(0.03)) node.labels["zone"] = "z" + std::to_string(rng.between(0, zones - 1));
    node.labels["disk"] = rng.chance(0.6) ? "ssd" : "hdd";
    node.capacity = {2000 * rng.between(2, 16), 4 * kGiB * rng.between(2, 16)};
    if (gpu) node.capacity.push_back(rng.chance(0.25) ? rng.between(1, 4) : 0);
    if (rng.chance(p_taint)) node.taints.push_back(kInfraTaint);
    if (rng.chance(p_taint / 3)) node.taints.push_back(kLegacyTaint);
    if (rng.chance(p_taint)) node.taints.push_back(kSpotTaint);
    node.cost = rng.between(2, 6) / 2.0;
    node.state = random_state(rng, p_cordoned, p_lost);
    total_cpu += node.capacity[0];
    total_memory += node.capacity[1];
    problem.nodes.push_back(std::move(node));
  }

  const int service_count = rng.between(shape.min_services, shape.max_services);
  const double load = rng.between(30, 100) / 100.0;  // asked for over the cluster's capacity
  std::vector<int> share(service_count);
  int share_total = 0;
  for (auto& w : share) share_total += (w = rng.between(1, 10));
  for (int s = 0; s < service_count; ++s) {
    model::Service service;
    service.name = "svc-" + std::to_string(s);
    // Memory follows cpu (0.5–2 GiB per core, nodes have 2 on average), as real services do.
    const std::int64_t cpu = 100 * rng.between(1, 40);
    const std::int64_t memory = std::max<std::int64_t>(1, cpu * rng.between(2, 8) * kGiB / 4000 / (128 * kMiB));
    service.request = {cpu, memory * 128 * kMiB};
    if (gpu) service.request.push_back(rng.chance(0.15) ? rng.between(1, 2) : 0);
    const double fraction = load * share[s] / share_total;
    const double by_cpu = fraction * static_cast<double>(total_cpu) / static_cast<double>(service.request[0]);
    const double by_memory = fraction * static_cast<double>(total_memory) / static_cast<double>(service.request[1]);
    service.replicas = std::max(1, static_cast<int>(std::min(by_cpu, by_memory)));
    if (rng.chance(p_selector)) service.node_selector["disk"] = rng.chance(0.9) ? "ssd" : "hdd";
    if (rng.chance(p_tolerate)) service.tolerations.push_back(kInfraTaint);
    if (rng.chance(p_selector / 2)) service.node_affinity.push_back({"zone", model::AffinityOperator::not_in, {"z0"}});
    if (rng.chance(p_tolerate / 2)) service.tolerations.push_back(kLegacyTaint);
    if (rng.chance(p_max_per_node)) {  // tight for some services, never hopeless by itself
      const int spread_thin = (2 * service.replicas + node_count - 1) / node_count;
      service.max_per_node = std::max(rng.between(1, 3), spread_thin);
    }
    if (rng.chance(p_spread)) service.spread = random_spread(rng, 3);
    service.priority = rng.between(0, 3);
    service.min_available = rng.chance(0.3) ? service.replicas / 2 : 0;
    problem.services.push_back(std::move(service));
  }
  int total = total_replicas(problem);
  if (total > shape.max_total_replicas) {
    for (auto& service : problem.services)
      service.replicas = std::max(1, static_cast<int>(static_cast<std::int64_t>(service.replicas) *
                                                      shape.max_total_replicas / total));
    total = total_replicas(problem);
    for (auto& service : problem.services) {  // rounding up to 1 may still overshoot
      if (total <= shape.max_total_replicas) break;
      const int cut = std::min(service.replicas - 1, total - shape.max_total_replicas);
      service.replicas -= cut;
      total -= cut;
    }
  }
  for (int s = 0; s < service_count; ++s) {
    auto& service = problem.services[s];
    if (rng.chance(p_avoid)) service.avoid = another_service(rng, service_count, s);
    if (rng.chance(p_prefer)) service.prefer = another_service(rng, service_count, s);
  }

  // Running placements from an earlier state: roughly the old replica counts on random
  // nodes, blind to capacity and rules.
  if (rng.chance(0.8)) {
    std::vector<std::map<std::uint32_t, int>> running(node_count);
    for (std::uint32_t s = 0; s < problem.services.size(); ++s) {
      if (!rng.chance(0.7)) continue;
      const int replicas = problem.services[s].replicas;
      const int old = std::max(0, replicas + rng.between(-replicas / 3, replicas / 3));
      for (int i = 0; i < old; ++i) ++running[rng.between(0, node_count - 1)][s];
    }
    for (int n = 0; n < node_count; ++n) {
      for (const auto& [s, count] : running[n]) problem.nodes[n].running.push_back({model::ServiceId{s}, count});
      sort_running(problem.nodes[n]);
    }
  }

  const auto strategy = random_strategy(rng);
  problem.objective.strategy = strategy;
  problem.objective.weights = model::default_weights(strategy);
  problem.objective.weights.migration = rng.pick(std::vector<double>{0.0, 0.5, 1.0, 5.0});
  problem.objective.weights.colocation = rng.pick(std::vector<double>{0.0, 0.1, 1.0});
  add_cost_rules(rng, problem);
  add_rollout_rules(rng, problem);
  add_near_rules(rng, problem);
  add_resource_weights(rng, problem);
  add_service_move(rng, problem);
  return problem;
}

std::string describe(const model::Problem& problem) {
  std::ostringstream out;
  const auto& w = problem.objective.weights;
  const char* strategy = problem.objective.strategy == model::Strategy::binpack  ? "binpack"
                         : problem.objective.strategy == model::Strategy::spread ? "spread"
                                                                                 : "balanced";
  out << "strategy " << strategy << " weights{node_cost=" << w.node_cost << " overload=" << w.overload << " load_spread=" << w.load_spread
      << " balance=" << w.balance << " migration=" << w.migration << " service_move=" << w.service_move << " colocation=" << w.colocation
      << " unplaced=" << w.unplaced << "} transient[";
  for (std::size_t j = 0; j < problem.rollout.transient.size(); ++j) out << (j ? "," : "") << problem.rollout.transient[j];
  out << "] overload_by_resource[";
  for (std::size_t r = 0; r < problem.objective.overload_by_resource.size(); ++r)
    out << (r ? "," : "") << problem.objective.overload_by_resource[r];
  out << "] resources[";
  for (std::size_t r = 0; r < problem.resources.size(); ++r) out << (r ? "," : "") << problem.resources[r];
  out << "]\n";
  auto amounts = [&](const std::vector<std::int64_t>& v) {
    std::ostringstream a;
    a << "[";
    for (std::size_t r = 0; r < v.size(); ++r) {
      if (r) a << ",";
      if (r < problem.resources.size() && problem.resources[r] == "memory") a << v[r] / kMiB << "Mi";
      else a << v[r];
    }
    a << "]";
    return a.str();
  };
  for (const auto& node : problem.nodes) {
    const char* state = node.state == model::NodeState::ready      ? "ready"
                        : node.state == model::NodeState::cordoned ? "cordoned"
                                                                   : "lost";
    out << "  node " << node.name << " " << state << " cost=" << node.cost << " cap=" << amounts(node.capacity);
    if (!node.soft_capacity.empty()) out << " soft=" << amounts(node.soft_capacity);
    out << " labels{";
    for (const auto& [k, v] : node.labels) out << k << "=" << v << " ";
    out << "} taints[";
    for (const auto& taint : node.taints) out << taint << " ";
    out << "] running{";
    for (const auto& sc : node.running) out << "s#" << sc.service.value << ":" << sc.count << " ";
    out << "}\n";
  }
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    const auto& service = problem.services[s];
    out << "  service#" << s << " " << service.name << " replicas=" << service.replicas
        << " req=" << amounts(service.request) << " priority=" << service.priority;
    for (const auto& [k, v] : service.node_selector) out << " select:" << k << "=" << v;
    for (const auto& affinity : service.node_affinity) {
      out << " affinity:" << affinity.key << (affinity.op == model::AffinityOperator::in ? " in " : " notin ");
      for (const auto& value : affinity.values) out << value << ",";
    }
    for (const auto& toleration : service.tolerations) out << " tolerate:" << toleration;
    if (service.max_per_node > 0) out << " max_per_node=" << service.max_per_node;
    for (const auto t : service.avoid) out << " avoid:#" << t.value;
    for (const auto t : service.prefer) out << " prefer:#" << t.value;
    for (const auto& rule : service.near) out << " near:#" << rule.service.value << "/" << rule.key;
    if (service.move_cost != 1.0) out << " move_cost=" << service.move_cost;
    if (service.spread)
      out << " spread:" << service.spread->key << "/" << service.spread->max_skew << "/" << service.spread->min_domains;
    out << "\n";
  }
  return out.str();
}

}  // namespace berth::testing
