#include "common/optimizer/instance.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "common/model/rules.hpp"

namespace berth::optimizer {

double Instance::size_of(std::size_t s) const {
  double size = 0;
  for (int r = 0; r < dims; ++r)
    if (dim_scale[r] > 0) size += static_cast<double>(req(s)[r]) / dim_scale[r];
  return size;
}

double Instance::node_size(std::size_t n) const {
  double size = 1e-9;
  for (int r = 0; r < dims; ++r)
    if (dim_scale[r] > 0) size += static_cast<double>(cap(n)[r]) / dim_scale[r];
  return size;
}

namespace {

// Eligibility depends only on a node's labels, taints and state.
std::string signature(const model::Node& node) {
  std::ostringstream key;
  key << static_cast<int>(node.state) << '|';
  for (const auto& [k, v] : node.labels) key << k << '=' << v << ';';
  key << '|';
  for (const auto& t : node.taints) key << t << ';';
  return key.str();
}

// Two nodes fall in one class when everything their local subproblem depends on is equal:
// the services they may host (not the labels: nodes in different zones that admit the same
// services answer alike), state, capacity and soft capacity, cost, and what runs there.
std::string class_key(const model::Node& node, int eligible_set) {
  std::ostringstream key;
  key << eligible_set << '|' << static_cast<int>(node.state) << '|';
  for (const auto c : node.capacity) key << c << ',';
  key << '|';
  for (const auto c : node.soft_capacity) key << c << ',';
  key << '|' << node.cost << '|';
  for (const auto& sc : node.running) key << sc.service.value << ':' << sc.count << ';';
  return key.str();
}

// Candidates and forced migration of one node (all members of its class share them).
void fill_candidates(const model::Problem& problem, const model::Node& node,
                     const std::vector<std::uint32_t>& eligible, std::vector<Candidate>& candidates,
                     double& forced_migration) {
  std::map<std::uint32_t, int> running;
  for (const auto& sc : node.running) running[sc.service.value] += sc.count;
  for (const std::uint32_t s : eligible) {
    const auto& service = problem.services[s];
    int limit = service.replicas;
    if (service.max_per_node > 0) limit = std::min(limit, service.max_per_node);
    const auto it = running.find(s);
    const int run = it == running.end() ? 0 : it->second;
    if (node.state == model::NodeState::cordoned) limit = std::min(limit, run);
    if (limit > 0) candidates.push_back({s, limit, run});
  }
  forced_migration = 0;
  if (node.state == model::NodeState::lost) return;  // its replicas are gone, not moved
  // Running replicas of services the node may no longer host must move whatever we do.
  // (A candidate's running count above its limit is the candidate's own migration cost.)
  for (const auto& [s, run] : running) {
    const auto c = std::lower_bound(candidates.begin(), candidates.end(), s,
                                    [](const Candidate& a, std::uint32_t b) { return a.service < b; });
    if (c == candidates.end() || c->service != s)
      forced_migration += problem.objective.weights.migration * problem.services[s].move_cost * run;
  }
}

}  // namespace

Instance make_instance(const model::Problem& problem) {
  Instance inst;
  inst.problem = &problem;
  inst.dims = static_cast<int>(problem.resources.size());
  const std::size_t node_count = problem.nodes.size();
  const std::size_t service_count = problem.services.size();
  const auto& w = problem.objective.weights;

  for (int r = 0; r < inst.dims; ++r) inst.overload_weight.push_back(problem.objective.overload_weight(r));
  inst.capacity.reserve(node_count * inst.dims);
  inst.dim_scale.assign(inst.dims, 0.0);
  for (const auto& node : problem.nodes) {
    for (int r = 0; r < inst.dims; ++r) {
      inst.capacity.push_back(node.capacity[r]);
      const std::int64_t soft = node.soft_capacity.empty() ? node.capacity[r] : node.soft_capacity[r];
      inst.soft_capacity.push_back(soft);
      inst.has_overload = inst.has_overload || (soft < node.capacity[r] && problem.objective.overload_weight(r) != 0);
      inst.dim_scale[r] += static_cast<double>(node.capacity[r]);
    }
    inst.node_cost.push_back(w.node_cost * node.cost);
  }
  inst.transient = problem.rollout.transient;
  for (const auto& node : problem.nodes)
    for (const int r : inst.transient) {
      inst.transient_held.push_back(model::transient_held(problem, node, r));
      inst.transient_limit.push_back(model::transient_limit(problem, node, r));
    }
  for (auto& scale : inst.dim_scale) scale = node_count > 0 ? scale / static_cast<double>(node_count) : 0.0;

  for (const auto& service : problem.services) {
    for (int r = 0; r < inst.dims; ++r) inst.request.push_back(service.request[r]);
    inst.penalty.push_back(w.unplaced * (1.0 + service.priority));
    inst.replicas.push_back(service.replicas);
    inst.migration.push_back(w.migration * service.move_cost);
  }
  if (w.service_move != 0) {
    inst.service_move_weight = w.service_move;
    inst.running_total.assign(service_count, 0);
    for (const auto& node : problem.nodes)
      if (node.state != model::NodeState::lost)
        for (const auto& sc : node.running) inst.running_total[sc.service.value] += sc.count;
  }

  // Eligibility is decided once per distinct (labels, taints, state), candidates once per
  // class: a real cluster has a handful of each, however many nodes it has.
  std::map<std::string, std::vector<std::uint32_t>> eligible_by_signature;
  std::map<std::string, std::uint32_t> representative;
  std::map<std::vector<std::uint32_t>, int> eligible_sets;  // distinct eligible lists
  std::map<std::string, int> eligible_set_of_signature;
  std::map<std::string, int> classes;
  inst.class_of_node.resize(node_count);
  for (std::uint32_t n = 0; n < node_count; ++n) {
    const auto& node = problem.nodes[n];
    const std::string node_signature = signature(node);
    auto [eligible, new_signature] = eligible_by_signature.try_emplace(node_signature);
    if (new_signature) representative[node_signature] = n;
    if (new_signature) {
      for (std::uint32_t s = 0; s < service_count; ++s)
        if (model::is_eligible(node, problem.services[s])) eligible->second.push_back(s);
      const auto set = eligible_sets.emplace(eligible->second, static_cast<int>(eligible_sets.size())).first;
      eligible_set_of_signature[node_signature] = set->second;
    }
    const auto [it, new_class] = classes.emplace(class_key(node, eligible_set_of_signature[node_signature]),
                                                 static_cast<int>(inst.class_members.size()));
    if (new_class) {
      inst.class_members.emplace_back();
      inst.class_candidates.emplace_back();
      inst.class_forced_migration.push_back(0.0);
      fill_candidates(problem, node, eligible->second, inst.class_candidates.back(), inst.class_forced_migration.back());
      inst.class_running.emplace_back();
      for (const auto& c : inst.class_candidates.back())
        if (c.running > 0) inst.class_running.back().push_back(c);
    }
    inst.class_of_node[n] = it->second;
    inst.class_members[it->second].push_back(n);
  }

  const auto conflicts = model::avoid_conflicts(problem);
  inst.conflicts.resize(service_count);
  inst.prefers.resize(service_count);
  inst.preferred_by.resize(service_count);
  for (std::uint32_t s = 0; s < service_count; ++s) {
    for (const auto t : conflicts[s]) inst.conflicts[s].push_back(t.value);
    for (const auto t : problem.services[s].prefer) {
      if (t.value == s) continue;
      inst.prefers[s].push_back(t.value);
      inst.preferred_by[t.value].push_back(s);
    }
  }

  // Spread domains: the values of the key among nodes where the service is eligible,
  // decided per eligibility signature (all nodes of one signature share their labels).
  std::map<std::string, int> key_ids;
  std::vector<std::map<std::string, int>> value_ids;
  inst.spread_key_of_service.assign(service_count, -1);
  for (std::uint32_t s = 0; s < service_count; ++s) {
    if (!problem.services[s].spread) continue;
    const auto [it, added] = key_ids.emplace(problem.services[s].spread->key, static_cast<int>(key_ids.size()));
    if (added) value_ids.emplace_back();
    inst.spread_key_of_service[s] = it->second;
  }
  inst.near_rules_of.resize(service_count);
  for (std::uint32_t s = 0; s < service_count; ++s)
    for (const auto& rule : problem.services[s].near) {
      const auto [it, added] = key_ids.emplace(rule.key, static_cast<int>(key_ids.size()));
      if (added) value_ids.emplace_back();
      const auto k = static_cast<std::uint32_t>(inst.near.size());
      inst.near.push_back({s, rule.service.value, it->second, rule.key});
      inst.near_rules_of[s].push_back(k);
      if (rule.service.value != s) inst.near_rules_of[rule.service.value].push_back(k);
    }
  inst.value_of_node.assign(key_ids.size(), std::vector<int>(node_count, -1));
  for (const auto& [key, k] : key_ids) {
    for (std::uint32_t n = 0; n < node_count; ++n) {
      const auto label = problem.nodes[n].labels.find(key);
      if (label == problem.nodes[n].labels.end()) continue;
      const auto [v, added] = value_ids[k].emplace(label->second, static_cast<int>(value_ids[k].size()));
      inst.value_of_node[k][n] = v->second;
    }
  }
  for (const auto& values : value_ids) inst.value_count.push_back(static_cast<int>(values.size()));
  inst.domain_of_value.resize(service_count);
  inst.domain_count.assign(service_count, 0);
  inst.max_skew.assign(service_count, 0);
  inst.min_domains.assign(service_count, 0);
  for (std::uint32_t s = 0; s < service_count; ++s) {
    const int k = inst.spread_key_of_service[s];
    if (k < 0) continue;
    inst.max_skew[s] = problem.services[s].spread->max_skew;
    inst.min_domains[s] = problem.services[s].spread->min_domains;
    std::vector<bool> present(value_ids[k].size(), false);
    for (const auto& [node_signature, eligible] : eligible_by_signature) {
      if (!std::binary_search(eligible.begin(), eligible.end(), s)) continue;
      const int value = inst.value_of_node[k][representative[node_signature]];
      if (value >= 0) present[value] = true;
    }
    // Domains numbered in the order of their names, as model::spread_domains does.
    std::vector<std::pair<std::string, int>> names;
    for (const auto& [name, id] : value_ids[k])
      if (present[id]) names.emplace_back(name, id);
    inst.domain_of_value[s].assign(value_ids[k].size(), -1);
    for (std::size_t d = 0; d < names.size(); ++d) inst.domain_of_value[s][names[d].second] = static_cast<int>(d);
    inst.domain_count[s] = static_cast<int>(names.size());
  }
  return inst;
}

}  // namespace berth::optimizer
