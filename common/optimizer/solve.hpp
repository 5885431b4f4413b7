#pragma once
// berth's optimizer: the best placement it can find for a Problem, with a proven lower
// bound on the best possible one.
//
//   const auto solution = berth::optimizer::solve(problem, {.seed = 7, .max_rounds = 200});
//   if (solution.gap <= 0.02) ...
//
// The core has no I/O, no clock and no logging: time limits use the clock the caller
// injects (SolveOptions::elapsed_seconds), randomness comes from SolveOptions::seed, so the
// same problem and seed with a round budget give the same placement.
// Preconditions: the problem is valid (as the spec parser guarantees): every capacity and
// request vector has one entry per resource, ids are in range, counts are non-negative.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/model/evaluate.hpp"
#include "common/model/problem.hpp"

namespace berth::optimizer {

enum class SolveStatus {
  optimal,     // every replica placed and the gap closed
  feasible,    // every replica placed
  partial,     // some replicas unplaced (see Solution::unplaced)
  infeasible,  // no replica could be placed at all
};
const char* to_string(SolveStatus status);

struct UnplacedReplicas {
  model::ServiceId service;
  int count = 0;
  std::string reason;  // "no eligible node: node_selector disk=ssd matches no node"
};

struct SolveOptions {
  std::uint64_t seed = 1;
  double gap_target = 0.005;  // stop once (objective − bound) / objective is this small
  int max_rounds = 300;       // price rounds
  // Injected clock: seconds since the solve began. Without it there is no time limit.
  std::function<double()> elapsed_seconds{};
  double time_limit_seconds = 0;  // 0: none
  // Problems with at most this many replicas (and few nodes) are also solved exactly by
  // enumeration, which proves optimality. 0 turns it off.
  int exact_max_replicas = 8;
  // A lower bound the caller knows from the problem's structure (e.g. a bin packing bound);
  // the search stops once it is reached, and the reported bound is at least this.
  double known_lower_bound = 0;
};

struct Solution {
  SolveStatus status = SolveStatus::infeasible;
  bool proven_optimal = false;  // objective == best possible, even with unplaced replicas
  model::Placement placement;
  model::ObjectiveTerms terms;
  double objective = 0;
  double lower_bound = 0;  // no valid placement can have a smaller objective
  double gap = 0;          // (objective − lower_bound) / max(objective, 1e-9), 0 when optimal
  int rounds = 0;
  int nodes_used = 0;
  int moves = 0;
  std::vector<UnplacedReplicas> unplaced;
};

Solution solve(const model::Problem& problem, const SolveOptions& options = {});

// The same solve with the nodes' subproblems answered by `solvers` (local_solvers.hpp):
// the coordinator passes one that asks its agents over the network.
class LocalSolvers;
Solution solve(const model::Problem& problem, const SolveOptions& options, LocalSolvers& solvers);

}  // namespace berth::optimizer
