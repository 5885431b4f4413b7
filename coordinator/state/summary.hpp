#pragma once
// A solve's outcome by name rather than by index, as the coordinator stores and serves
// it: the placement (node → service → replicas), the figures, what is unplaced and why,
// and the moves per node from what runs (or is targeted) now to the new placement.
//
//   const NamedPlacement before = {{"n1", {{"web", 2}}}};
//   const SolveSummary summary = summarize(problem, solution, seconds, before);
//   for (const NodeMoves& node : summary.moves) ...  // "+ web ×1 on n2", "- web ×1 on n1"
//
// Names survive what indices do not: a re-solve after a node joined has other node ids,
// an applied file with another service order other service ids.
#include <map>
#include <string>
#include <vector>

#include "common/model/evaluate.hpp"
#include "common/model/problem.hpp"
#include "common/optimizer/solve.hpp"

namespace berth::coordinator {

// node → service → replicas. Every node of the solved problem has an entry, even an
// empty one; services with no replica on a node are left out of its map.
using NamedPlacement = std::map<std::string, std::map<std::string, int>>;

NamedPlacement named(const model::Problem& problem, const model::Placement& placement);
// What runs on each node now, by name (the problem's `running`).
NamedPlacement named_running(const model::Problem& problem);

struct ServiceDelta {
  std::string service;
  int count = 0;
  bool operator==(const ServiceDelta&) const = default;
};

// What changes on one node: replicas to start and to stop, by service name.
struct NodeMoves {
  std::string node;
  std::vector<ServiceDelta> start;
  std::vector<ServiceDelta> stop;
  bool operator==(const NodeMoves&) const = default;
};

// Per node (sorted by name), the replicas `after` starts and stops relative to `before`;
// nodes without changes are left out. A node in only one of the two counts as empty in
// the other.
std::vector<NodeMoves> diff(const NamedPlacement& before, const NamedPlacement& after);

struct UnplacedSummary {
  std::string service;
  int count = 0;
  std::string reason;
};

struct SolveSummary {
  optimizer::SolveStatus status = optimizer::SolveStatus::infeasible;
  bool proven_optimal = false;
  double objective = 0;
  double lower_bound = 0;
  double gap = 0;
  int rounds = 0;
  double seconds = 0;
  int nodes_used = 0;
  int nodes_total = 0;
  int replicas_placed = 0;
  int replicas_unplaced = 0;
  int replicas_started = 0;  // Σ start counts of `moves`
  int replicas_stopped = 0;  // Σ stop counts of `moves`
  model::ObjectiveTerms terms;
  std::vector<UnplacedSummary> unplaced;
  NamedPlacement placement;
  std::vector<NodeMoves> moves;
};

// `before` is what the moves are counted from: the coordinator passes the current target
// (or what nodes report running), including replicas of services the file dropped.
SolveSummary summarize(const model::Problem& problem, const optimizer::Solution& solution, double seconds,
                       const NamedPlacement& before);

}  // namespace berth::coordinator
