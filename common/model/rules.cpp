#include "common/model/rules.hpp"

#include <algorithm>
#include <set>

namespace berth::model {

bool taint_is_hard(const std::string& taint) {
  const auto colon = taint.rfind(':');
  if (colon == std::string::npos) return true;  // no effect given: treat as NoSchedule
  return taint.compare(colon + 1, std::string::npos, "PreferNoSchedule") != 0;
}

bool matches(const Node& node, const NodeAffinity& affinity) {
  const auto it = node.labels.find(affinity.key);
  const bool listed = it != node.labels.end() &&
                      std::find(affinity.values.begin(), affinity.values.end(), it->second) != affinity.values.end();
  return affinity.op == AffinityOperator::in ? listed : !listed;
}

bool is_eligible(const Node& node, const Service& service) {
  if (node.state == NodeState::lost) return false;
  for (const auto& [key, value] : service.node_selector) {
    const auto it = node.labels.find(key);
    if (it == node.labels.end() || it->second != value) return false;
  }
  for (const auto& affinity : service.node_affinity)
    if (!matches(node, affinity)) return false;
  for (const auto& taint : node.taints) {
    if (!taint_is_hard(taint)) continue;
    if (std::find(service.tolerations.begin(), service.tolerations.end(), taint) ==
        service.tolerations.end())
      return false;
  }
  if (service.spread && !node.labels.contains(service.spread->key)) return false;
  for (const auto& rule : service.near)
    if (!node.labels.contains(rule.key)) return false;
  return true;
}

std::string eligibility_key(const Service& service) {
  // \x1f ends a value, \x1e a section: names in specs cannot contain control characters.
  std::string key;
  for (const auto& [k, v] : service.node_selector) key += k + '=' + v + '\x1f';
  key += '\x1e';
  auto affinities = service.node_affinity;
  std::sort(affinities.begin(), affinities.end());
  for (auto& affinity : affinities) {
    std::sort(affinity.values.begin(), affinity.values.end());
    key += affinity.key + (affinity.op == AffinityOperator::in ? " in " : " notin ");
    for (const auto& value : affinity.values) key += value + ',';
    key += '\x1f';
  }
  key += '\x1e';
  auto tolerations = service.tolerations;
  std::sort(tolerations.begin(), tolerations.end());
  for (const auto& t : tolerations) key += t + '\x1f';
  key += '\x1e';
  if (service.spread) key += "spread:" + service.spread->key;
  key += '\x1e';
  std::set<std::string> near_keys;
  for (const auto& rule : service.near) near_keys.insert(rule.key);
  for (const auto& k : near_keys) key += k + '\x1f';
  return key;
}

int replica_limit(const Problem& problem, NodeId node_id, ServiceId service_id) {
  const Node& node = problem.node(node_id);
  const Service& service = problem.service(service_id);
  if (!is_eligible(node, service)) return 0;
  int limit = service.replicas;
  if (service.max_per_node > 0) limit = std::min(limit, service.max_per_node);
  if (node.state == NodeState::cordoned) {
    int running = 0;
    for (const auto& sc : node.running)
      if (sc.service == service_id) running = sc.count;
    limit = std::min(limit, running);
  }
  return std::max(limit, 0);
}

std::int64_t transient_held(const Problem& problem, const Node& node, int resource) {
  if (node.state == NodeState::lost) return 0;
  std::int64_t held = 0;
  for (const auto& sc : node.running)
    held += problem.service(sc.service).request[static_cast<std::size_t>(resource)] * sc.count;
  return held;
}

std::int64_t transient_limit(const Problem& problem, const Node& node, int resource) {
  if (node.state == NodeState::lost) return 0;
  return std::max(node.capacity[static_cast<std::size_t>(resource)], transient_held(problem, node, resource));
}

std::vector<std::vector<ServiceId>> avoid_conflicts(const Problem& problem) {
  std::vector<std::set<std::uint32_t>> sets(problem.services.size());
  for (std::uint32_t s = 0; s < problem.services.size(); ++s) {
    for (const ServiceId t : problem.services[s].avoid) {
      if (t.value == s) continue;
      sets[s].insert(t.value);
      sets[t.value].insert(s);
    }
  }
  std::vector<std::vector<ServiceId>> conflicts(problem.services.size());
  for (std::size_t s = 0; s < sets.size(); ++s)
    for (const auto t : sets[s]) conflicts[s].push_back(ServiceId{t});
  return conflicts;
}

SpreadDomains spread_domains(const Problem& problem, ServiceId service_id) {
  SpreadDomains domains;
  domains.domain_of_node.assign(problem.nodes.size(), -1);
  const Service& service = problem.service(service_id);
  if (!service.spread) return domains;
  std::set<std::string> names;
  for (const Node& node : problem.nodes)
    if (is_eligible(node, service)) names.insert(node.labels.at(service.spread->key));
  domains.names.assign(names.begin(), names.end());
  for (std::size_t n = 0; n < problem.nodes.size(); ++n) {
    const Node& node = problem.nodes[n];
    if (!is_eligible(node, service)) continue;
    const auto it = std::lower_bound(domains.names.begin(), domains.names.end(),
                                     node.labels.at(service.spread->key));
    domains.domain_of_node[n] = static_cast<int>(it - domains.names.begin());
  }
  return domains;
}

}  // namespace berth::model
