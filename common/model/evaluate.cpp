#include "common/model/evaluate.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "common/model/rules.hpp"

namespace berth::model {
namespace {

// Σ_r u_r² / R and Σ_r (u_r − ū)² / R over the dimensions with capacity.
struct UtilisationTerms {
  double squares = 0;
  double deviation = 0;
};

UtilisationTerms utilisation_terms(const std::vector<std::int64_t>& used, const std::vector<std::int64_t>& capacity) {
  std::vector<double> u;
  for (std::size_t r = 0; r < used.size(); ++r)
    if (capacity[r] > 0) u.push_back(static_cast<double>(used[r]) / static_cast<double>(capacity[r]));
  UtilisationTerms terms;
  if (u.empty()) return terms;
  double mean = 0;
  for (const double v : u) mean += v;
  mean /= static_cast<double>(u.size());
  for (const double v : u) {
    terms.squares += v * v;
    terms.deviation += (v - mean) * (v - mean);
  }
  terms.squares /= static_cast<double>(u.size());
  terms.deviation /= static_cast<double>(u.size());
  return terms;
}

int running_count(const Node& node, ServiceId service) {
  for (const auto& sc : node.running)
    if (sc.service == service) return sc.count;
  return 0;
}

// Every near rule: each domain of its key that holds the service holds its target too.
template <typename Add>
void check_near(const Problem& problem, const Placement& placement, Add add) {
  for (std::uint32_t s = 0; s < problem.services.size(); ++s) {
    const Service& service = problem.services[s];
    for (const NearRule& rule : service.near) {
      if (rule.service.value >= problem.services.size()) continue;  // not a valid problem
      std::map<std::string, bool> has_target;  // per domain holding s: whether it holds the target
      for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
        const auto label = problem.nodes[n].labels.find(rule.key);
        if (label == problem.nodes[n].labels.end()) continue;  // ineligible: reported above
        if (placement.count(NodeId{n}, ServiceId{s}) > 0) has_target.try_emplace(label->second, false);
      }
      for (std::uint32_t n = 0; n < problem.nodes.size() && !has_target.empty(); ++n) {
        const auto label = problem.nodes[n].labels.find(rule.key);
        if (label == problem.nodes[n].labels.end()) continue;
        const auto it = has_target.find(label->second);
        if (it != has_target.end() && placement.count(NodeId{n}, rule.service) > 0) it->second = true;
      }
      for (const auto& [domain, held] : has_target)
        if (!held)
          add(ViolationKind::near, "service " + service.name + " runs in " + rule.key + " " + domain + ", where no " +
                                       problem.service(rule.service).name + " runs");
    }
  }
}

}  // namespace

std::vector<std::int64_t> node_usage(const Problem& problem, const Placement& placement, NodeId node) {
  std::vector<std::int64_t> used(problem.resources.size(), 0);
  for (const auto& sc : placement.by_node[node.value]) {
    if (sc.service.value >= problem.services.size()) continue;  // reported by check()
    const auto& request = problem.service(sc.service).request;
    for (std::size_t r = 0; r < used.size(); ++r) used[r] += request[r] * sc.count;
  }
  return used;
}

ObjectiveTerms evaluate(const Problem& problem, const Placement& placement) {
  const Weights& w = problem.objective.weights;
  ObjectiveTerms terms;
  std::vector<std::int64_t> moved_per_service(problem.services.size(), 0);
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    const NodeId id{n};
    const Node& node = problem.node(id);
    const auto& hosted = placement.by_node[n];
    const auto used = node_usage(problem, placement, id);
    if (!hosted.empty()) {
      terms.node_cost += w.node_cost * node.cost;
      const auto u = utilisation_terms(used, node.capacity);
      terms.load_spread += w.load_spread * u.squares;
      terms.balance += w.balance * u.deviation;
      if (!node.soft_capacity.empty())
        for (std::size_t r = 0; r < used.size(); ++r)
          if (used[r] > node.soft_capacity[r] && node.capacity[r] > 0)
            terms.overload += problem.objective.overload_weight(r) * static_cast<double>(used[r] - node.soft_capacity[r]) /
                              static_cast<double>(node.capacity[r]);
    }
    for (const auto& sc : hosted) {
      for (const ServiceId t : problem.service(sc.service).prefer)
        if (placement.count(id, t) == 0) terms.colocation += w.colocation * sc.count;
    }
    if (node.state != NodeState::lost && !problem.objective.free_ratio.empty()) {
      for (const FreeRatioRule& rule : problem.objective.free_ratio) {
        const auto a = static_cast<std::size_t>(rule.per);
        const auto b = static_cast<std::size_t>(rule.keep);
        if (node.capacity[a] <= 0 || node.capacity[b] <= 0) continue;
        const double free_a = static_cast<double>(node.capacity[a] - used[a]) / static_cast<double>(node.capacity[a]);
        const double free_b = static_cast<double>(node.capacity[b] - used[b]) / static_cast<double>(node.capacity[b]);
        terms.free_ratio += rule.weight * std::max(0.0, rule.ratio * free_a - free_b);
      }
    }
    if (node.state != NodeState::lost)
      for (const auto& sc : node.running) {
        const int moved = std::max(0, sc.count - placement.count(id, sc.service));
        terms.migration += w.migration * problem.service(sc.service).move_cost * moved;
        moved_per_service[sc.service.value] += moved;
      }
  }
  if (!moved_per_service.empty())
    terms.service_move =
        w.service_move * static_cast<double>(*std::max_element(moved_per_service.begin(), moved_per_service.end()));
  const auto placed = placement.placed_per_service(problem.services.size());
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    const auto& service = problem.services[s];
    terms.unplaced += w.unplaced * (1.0 + service.priority) * std::max(0, service.replicas - placed[s]);
  }
  return terms;
}

PlacementStats stats(const Problem& problem, const Placement& placement) {
  PlacementStats result;
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    if (!placement.by_node[n].empty()) ++result.nodes_used;
    const Node& node = problem.nodes[n];
    for (const auto& sc : node.running)
      result.moves += std::max(0, sc.count - placement.count(NodeId{n}, sc.service));
  }
  const auto placed = placement.placed_per_service(problem.services.size());
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    result.replicas_placed += placed[s];
    result.replicas_unplaced += std::max(0, problem.services[s].replicas - placed[s]);
  }
  return result;
}

const char* to_string(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::capacity: return "capacity";
    case ViolationKind::transient: return "transient";
    case ViolationKind::ineligible: return "ineligible";
    case ViolationKind::cordoned: return "cordoned";
    case ViolationKind::max_per_node: return "max_per_node";
    case ViolationKind::avoid: return "avoid";
    case ViolationKind::spread: return "spread";
    case ViolationKind::near: return "near";
    case ViolationKind::over_replicas: return "over_replicas";
    case ViolationKind::bad_count: return "bad_count";
  }
  return "unknown";
}

std::vector<Violation> check(const Problem& problem, const Placement& placement) {
  std::vector<Violation> violations;
  auto add = [&](ViolationKind kind, const std::string& detail) { violations.push_back({kind, detail}); };
  if (placement.by_node.size() != problem.nodes.size()) {
    add(ViolationKind::bad_count, "placement covers " + std::to_string(placement.by_node.size()) +
                                      " nodes, problem has " + std::to_string(problem.nodes.size()));
    return violations;
  }
  const auto conflicts = avoid_conflicts(problem);
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    const NodeId id{n};
    const Node& node = problem.node(id);
    for (const auto& sc : placement.by_node[n]) {
      if (sc.service.value >= problem.services.size() || sc.count <= 0) {
        add(ViolationKind::bad_count, "node " + node.name + ": service #" + std::to_string(sc.service.value) +
                                          " count " + std::to_string(sc.count));
        continue;
      }
      const Service& service = problem.service(sc.service);
      const std::string where = "node " + node.name + ", service " + service.name;
      if (!is_eligible(node, service)) add(ViolationKind::ineligible, where);
      if (service.max_per_node > 0 && sc.count > service.max_per_node)
        add(ViolationKind::max_per_node, where + ": " + std::to_string(sc.count) + " > " +
                                             std::to_string(service.max_per_node));
      if (node.state == NodeState::cordoned && sc.count > running_count(node, sc.service))
        add(ViolationKind::cordoned, where + ": more replicas than run on the cordoned node");
      for (const ServiceId t : conflicts[sc.service.value])
        if (t > sc.service && placement.count(id, t) > 0)
          add(ViolationKind::avoid, where + " shares the node with " + problem.service(t).name);
    }
    const auto used = node_usage(problem, placement, id);
    for (std::size_t r = 0; r < used.size(); ++r)
      if (used[r] > node.capacity[r])
        add(ViolationKind::capacity, "node " + node.name + ": " + problem.resources[r] + " " +
                                         std::to_string(used[r]) + " > " + std::to_string(node.capacity[r]));
    if (node.state == NodeState::lost) continue;
    for (const int r : problem.rollout.transient) {
      // What the node holds while the change runs: every replica placed there, and every
      // replica running there now that the placement moves away.
      const auto k = static_cast<std::size_t>(r);
      std::int64_t held = used[k];
      for (const auto& sc : node.running)
        held += problem.service(sc.service).request[k] * std::max(0, sc.count - placement.count(id, sc.service));
      if (const std::int64_t limit = transient_limit(problem, node, r); held > limit)
        add(ViolationKind::transient, "node " + node.name + ": " + problem.resources[k] + " " + std::to_string(held) +
                                          " held while replicas move > " + std::to_string(limit));
    }
  }
  check_near(problem, placement, add);
  const auto placed = placement.placed_per_service(problem.services.size());
  // Services with the same eligibility key (rules.hpp) have the same spread domains;
  // computing them once per such group keeps the check linear on large clusters.
  std::map<std::string, SpreadDomains> domains_by_rule;
  std::vector<std::vector<std::pair<std::uint32_t, int>>> hosts(problem.services.size());  // (node, count)
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n)
    for (const auto& sc : placement.by_node[n])
      if (sc.service.value < problem.services.size() && problem.services[sc.service.value].spread)
        hosts[sc.service.value].emplace_back(n, sc.count);
  for (std::uint32_t s = 0; s < problem.services.size(); ++s) {
    const Service& service = problem.services[s];
    if (placed[s] > service.replicas)
      add(ViolationKind::over_replicas, "service " + service.name + ": " + std::to_string(placed[s]) +
                                            " placed > " + std::to_string(service.replicas));
    if (!service.spread) continue;
    const std::string rule = eligibility_key(service);
    auto it = domains_by_rule.find(rule);
    if (it == domains_by_rule.end()) it = domains_by_rule.emplace(rule, spread_domains(problem, ServiceId{s})).first;
    const SpreadDomains& domains = it->second;
    if (domains.names.empty()) continue;
    std::vector<int> per_domain(domains.names.size(), 0);
    for (const auto& [node, count] : hosts[s])
      if (domains.domain_of_node[node] >= 0) per_domain[domains.domain_of_node[node]] += count;
    const auto [lo, hi] = std::minmax_element(per_domain.begin(), per_domain.end());
    if (*hi - *lo > service.spread->max_skew) {
      std::ostringstream detail;
      detail << "service " << service.name << ": skew " << (*hi - *lo) << " > " << service.spread->max_skew << " ("
             << domains.names[hi - per_domain.begin()] << "=" << *hi << ", " << domains.names[lo - per_domain.begin()]
             << "=" << *lo << ")";
      add(ViolationKind::spread, detail.str());
    }
    const int occupied = static_cast<int>(std::count_if(per_domain.begin(), per_domain.end(), [](int c) { return c > 0; }));
    if (const int wanted = std::min(service.spread->min_domains, placed[s]); occupied < wanted)
      add(ViolationKind::spread, "service " + service.name + ": " + std::to_string(placed[s]) + " replicas in " +
                                     std::to_string(occupied) + " " + service.spread->key + " domains < min_domains " +
                                     std::to_string(service.spread->min_domains));
  }
  return violations;
}

}  // namespace berth::model
