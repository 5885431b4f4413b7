#pragma once
// Node elimination: a local search that closes used nodes when node costs count (binpack),
// stronger than improve()'s "empty a node onto the others" because it may reshuffle the
// other nodes' replicas to make room.
//
//   eliminate_nodes(placement, {.seed = 7, .out_of_time = stop, .lower_bound = bound});
//
// One attempt closes one node: its replicas go to a pool, then a tabu search over the other
// used nodes inserts pool replicas where they fit and swaps a pool replica for one or two
// smaller replicas of a node (a consistent neighbourhood search: every node stays within
// its capacity and rules, only the pool is "infeasible"). The pool's total size (replica
// sizes relative to a mean node) goes down as large replicas find room and small ones are
// pushed out; an empty pool closes the node. An attempt that runs out of iterations is
// rolled back and the next node tried. A closed node is kept only if the whole objective
// went down and every spread rule still holds, so other objective terms are never traded
// away. Preconditions: every replica placed (else nothing is done).
//
// The same pool search also places replicas left unplaced (repair_unplaced, below).
#include <cstdint>
#include <functional>

#include "common/optimizer/working_placement.hpp"

namespace berth::optimizer {

struct EliminateOptions {
  std::uint64_t seed = 1;
  std::int64_t work_budget = 200'000'000;  // fit checks, so the search is deterministic
  std::function<bool()> out_of_time{};
  // A proven lower bound on the objective: the search stops once it is reached.
  double lower_bound = 0;
};

// Returns the number of nodes closed (a node swapped for a cheaper one counts as closed).
int eliminate_nodes(WorkingPlacement& placement, const EliminateOptions& options);

// Places replicas left unplaced. First by trades: one replica of another service on a
// node gives way to as many of the unplaced service as then fit there, then to other
// unplaced services that fit in what is left (worth it where several small replicas
// count more than one big one). Then by the same pool search as node elimination: one
// replica of an unplaced service goes into the pool over a random neighbourhood of the
// nodes it may use, and the search makes room for it. Either is kept only if the whole
// objective went down and every spread and near rule still holds, so priority decides
// who stays unplaced. Returns the replicas placed (net of those that gave way).
int repair_unplaced(WorkingPlacement& placement, const EliminateOptions& options);

}  // namespace berth::optimizer
