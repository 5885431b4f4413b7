#include "common/model/problem.hpp"

#include <algorithm>

namespace berth::model {

Weights default_weights(Strategy strategy) {
  switch (strategy) {
    case Strategy::binpack:
      return Weights{};
    case Strategy::spread:
      return Weights{.node_cost = 0.0, .load_spread = 1.0};
    case Strategy::balanced:
      return Weights{.node_cost = 1.0, .balance = 1.0};
  }
  return Weights{};
}

std::optional<ServiceId> Problem::find_service(const std::string& name) const {
  for (std::uint32_t s = 0; s < services.size(); ++s)
    if (services[s].name == name) return ServiceId{s};
  return std::nullopt;
}

std::optional<NodeId> Problem::find_node(const std::string& name) const {
  for (std::uint32_t n = 0; n < nodes.size(); ++n)
    if (nodes[n].name == name) return NodeId{n};
  return std::nullopt;
}

Placement Placement::empty_for(const Problem& problem) {
  Placement placement;
  placement.by_node.resize(problem.nodes.size());
  return placement;
}

Placement Placement::from_running(const Problem& problem) {
  Placement placement = empty_for(problem);
  for (std::size_t n = 0; n < problem.nodes.size(); ++n) placement.by_node[n] = problem.nodes[n].running;
  return placement;
}

int Placement::count(NodeId node, ServiceId service) const {
  const auto& counts = by_node[node.value];
  const auto it = std::lower_bound(counts.begin(), counts.end(), service,
                                   [](const ServiceCount& sc, ServiceId s) { return sc.service < s; });
  return it != counts.end() && it->service == service ? it->count : 0;
}

void Placement::set(NodeId node, ServiceId service, int count) {
  auto& counts = by_node[node.value];
  const auto it = std::lower_bound(counts.begin(), counts.end(), service,
                                   [](const ServiceCount& sc, ServiceId s) { return sc.service < s; });
  const bool present = it != counts.end() && it->service == service;
  if (count == 0) {
    if (present) counts.erase(it);
  } else if (present) {
    it->count = count;
  } else {
    counts.insert(it, ServiceCount{service, count});
  }
}

std::vector<int> Placement::placed_per_service(std::size_t service_count) const {
  std::vector<int> placed(service_count, 0);
  for (const auto& counts : by_node)
    for (const auto& sc : counts) placed[sc.service.value] += sc.count;
  return placed;
}

}  // namespace berth::model
