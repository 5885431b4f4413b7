#pragma once
// The local subproblem of one node: given a price per replica of each candidate service,
// which replicas should this node host to minimise its own cost minus the prices it earns,
// within its capacity and its local rules (limits, avoid)?
//
//   LocalProblem lp = ...;                 // structure: built once per node
//   set prices: lp.items[i].price = λ_s;   // each round
//   const LocalAnswer a = solve_local(lp);
//   // a.counts[i] replicas of lp.items[i]; a.value = cost − earnings of that answer;
//   // a.lower_bound ≤ the best value any answer could reach (exact when a.exact).
//
// The node's cost is the node-separable part of the objective (docs/optimizer.md): the
// node cost if it hosts anything, the utilisation and overload terms, migration of running replicas,
// and colocation. Small subproblems are enumerated exactly; larger ones get a greedy answer
// and an LP-duality bound, so the lower bound is always valid. This is the code each agent
// runs per round; it has no I/O.
#include <cstdint>
#include <vector>

#include "common/model/problem.hpp"

namespace berth::optimizer {

struct LocalItem {
  std::uint32_t service = 0;
  std::int32_t limit = 0;    // most replicas the node may host
  std::int32_t running = 0;  // replicas running there now
  double price = 0;          // earned per replica hosted
  double move_cost = 1.0;    // moving one running replica away costs migration_weight × this
};

struct LocalProblem {
  int dims = 0;
  std::vector<std::int64_t> capacity;  // dims
  std::vector<std::int64_t> demand;    // items × dims
  std::vector<LocalItem> items;
  double fixed_cost = 0;  // paid when the node hosts anything
  double constant = 0;    // cost paid whatever the answer (replicas that must move)
  double load_spread_weight = 0;
  double balance_weight = 0;
  // Soft capacity: dims entries, or empty for none; use above it costs overload_weight[r]
  // per unit of capacity (utilisation.hpp's overload_cost), dims entries with it.
  std::vector<std::int64_t> soft_capacity;
  std::vector<double> overload_weight;
  // Paid whatever the node hosts (an empty node's free shares count too).
  std::vector<model::FreeRatioRule> free_ratio;
  // Transient resources (model::Rollout::transient): their dimensions and, for each, the
  // room left for replicas beyond those running here now (what the node may hold during a
  // change less what its running replicas hold): Σ_i demand · max(0, count_i − running_i)
  // stays within it. The bound leaves this rule out, which keeps it valid.
  std::vector<int> transient_dims;
  std::vector<std::int64_t> transient_room;
  double migration_weight = 0;  // per replica moved away, times the item's move_cost
  double colocation_weight = 0;
  std::vector<std::vector<int>> conflicts;  // per item: items that may not share the node
  std::vector<std::vector<int>> prefers;    // per item: items whose presence it prefers
  std::vector<std::vector<int>> preferred_by;
  std::vector<int> unmet_preferences;  // per item: preferred services never on this node
  // Optional: the resource direction of the previous round's bound (LocalAnswer's), so the
  // bound search starts where it ended. Any value, or none, keeps the bound valid.
  std::vector<double> bound_direction;

  const std::int64_t* demand_of(std::size_t item) const { return &demand[item * dims]; }
};

struct LocalAnswer {
  std::vector<std::int32_t> counts;  // per item
  double value = 0;                  // cost(counts) − Σ price · counts
  double lower_bound = 0;            // ≤ value of every feasible answer
  bool exact = false;                // value == lower_bound by enumeration
  std::vector<double> bound_direction;  // where the LP bound was found (feed back next round)
};

struct LocalOptions {
  // Enumerate every answer when the product of (limit + 1) is at most this.
  std::int64_t enumeration_limit = 4096;
  // Compute lower_bound (the price rounds need it; primal recovery does not).
  bool want_bound = true;
  // Compute an answer. Without one (the price search needs only the bound), counts stay
  // empty and the bound is taken along bound_direction, the plain normalisation and single
  // dimensions only.
  bool want_answer = true;
};

LocalAnswer solve_local(const LocalProblem& problem, const LocalOptions& options = {});

// The node's cost of hosting `counts` (prices not included), +infinity when infeasible.
double local_cost(const LocalProblem& problem, const std::vector<std::int32_t>& counts);

}  // namespace berth::optimizer
