#include "coordinator/state/summary.hpp"

namespace berth::coordinator {

NamedPlacement named(const model::Problem& problem, const model::Placement& placement) {
  NamedPlacement result;
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    auto& services = result[problem.nodes[n].name];
    if (n >= placement.by_node.size()) continue;
    for (const model::ServiceCount& sc : placement.by_node[n])
      if (sc.count > 0) services[problem.service(sc.service).name] += sc.count;
  }
  return result;
}

NamedPlacement named_running(const model::Problem& problem) {
  return named(problem, model::Placement::from_running(problem));
}

std::vector<NodeMoves> diff(const NamedPlacement& before, const NamedPlacement& after) {
  static const std::map<std::string, int> kNone;
  std::map<std::string, NodeMoves> by_node;
  const auto compare = [&](const std::string& node, const std::map<std::string, int>& was,
                           const std::map<std::string, int>& will) {
    NodeMoves moves{node, {}, {}};
    for (const auto& [service, count] : will) {
      const auto it = was.find(service);
      const int delta = count - (it == was.end() ? 0 : it->second);
      if (delta > 0) moves.start.push_back({service, delta});
    }
    for (const auto& [service, count] : was) {
      const auto it = will.find(service);
      const int delta = count - (it == will.end() ? 0 : it->second);
      if (delta > 0) moves.stop.push_back({service, delta});
    }
    if (!moves.start.empty() || !moves.stop.empty()) by_node[node] = std::move(moves);
  };
  for (const auto& [node, services] : after) {
    const auto it = before.find(node);
    compare(node, it == before.end() ? kNone : it->second, services);
  }
  for (const auto& [node, services] : before)
    if (after.find(node) == after.end()) compare(node, services, kNone);
  std::vector<NodeMoves> result;
  result.reserve(by_node.size());
  for (auto& [node, moves] : by_node) result.push_back(std::move(moves));
  return result;
}

SolveSummary summarize(const model::Problem& problem, const optimizer::Solution& solution, double seconds,
                       const NamedPlacement& before) {
  SolveSummary summary;
  summary.status = solution.status;
  summary.proven_optimal = solution.proven_optimal;
  summary.objective = solution.objective;
  summary.lower_bound = solution.lower_bound;
  summary.gap = solution.gap;
  summary.rounds = solution.rounds;
  summary.seconds = seconds;
  summary.terms = solution.terms;
  const model::PlacementStats stats = model::stats(problem, solution.placement);
  summary.nodes_used = stats.nodes_used;
  summary.nodes_total = static_cast<int>(problem.nodes.size());
  summary.replicas_placed = stats.replicas_placed;
  summary.replicas_unplaced = stats.replicas_unplaced;
  for (const optimizer::UnplacedReplicas& entry : solution.unplaced)
    summary.unplaced.push_back({problem.service(entry.service).name, entry.count, entry.reason});
  summary.placement = named(problem, solution.placement);
  summary.moves = diff(before, summary.placement);
  for (const NodeMoves& node : summary.moves) {
    for (const ServiceDelta& start : node.start) summary.replicas_started += start.count;
    for (const ServiceDelta& stop : node.stop) summary.replicas_stopped += stop.count;
  }
  return summary;
}

}  // namespace berth::coordinator
