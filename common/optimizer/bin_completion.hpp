#pragma once
// Bin completion: an exact search for a packing into a given number of nodes, for the
// pure bin packing case of the model (identical nodes, node cost the only objective term,
// no per-node rule but capacity). Local search moves replicas between used nodes and
// rarely finds packings that leave (almost) no room anywhere; this search builds them.
//
//   if (bin_packing_case(inst))
//     if (auto packed = complete_bins(inst, 20, {.work_budget = 5'000'000})) consider(*packed);
//
// Nodes are filled one at a time. Each new node takes the largest replica left (some node
// must hold it), then more replicas in non-increasing size order (so a node's contents
// are never enumerated twice), closing when what is left free fits the waste budget:
// bins × capacity − total demand per dimension, spent by every node closed. An exact fit
// of the free room by one replica type is tried first, found by hashing. With no waste
// allowed (instances whose demand fills the bins exactly) most choices are forced. Where
// they are not (few dimensions: many coincidental fills), restarts choose fail-first: the
// node takes the replica with the fewest ways to fill it exactly, which finds a dead end
// at once instead of a hundred nodes later. Depth first, deterministic (seeded), and
// stopped after `work_budget` steps.
// With no waste allowed and at most three replicas per node (or exactly three on every
// node: 3 × bins replicas, no two of which fill one), the search is an exact cover of the
// replicas by "fills" (one to three replica types adding up to the capacity), listed once;
// fill counts per replica type are kept as replicas are taken, the type with the fewest
// covered first, the fill leaving the most ways on (product of counts) tried first, in
// many short seeded attempts of slowly growing budget.
#include <cstdint>
#include <functional>
#include <optional>

#include "common/optimizer/instance.hpp"
#include "common/optimizer/working_placement.hpp"

namespace berth::optimizer {

struct BinCompletionOptions {
  std::int64_t work_budget = 5'000'000;  // search steps (replicas tried), so results repeat
  std::function<bool()> out_of_time{};
  // Restarts: the first attempt gets an eighth of the budget, each next one twice as much,
  // with the candidates of each node tried in another seeded order. An early wrong choice
  // of a depth-first search is costly; a restart escapes it.
  std::uint64_t seed = 1;
};

// Identical ready nodes (one node class), every service allowed on every node without a
// per-node limit below its replicas, no avoid, prefer or spread, nothing running, and an
// objective of node cost alone.
bool bin_packing_case(const Instance& inst);

// Whether the replicas' total demand fills `bins` of the (identical) nodes exactly in every
// dimension: a perfect packing is then the only kind that uses that few nodes.
bool demand_fills_exactly(const Instance& inst, int bins);

// A placement of every replica on nodes 0..bins−1, or nullopt when the search found none
// within its budget (or none exists). Precondition: bin_packing_case(inst).
std::optional<WorkingPlacement> complete_bins(const Instance& inst, int bins, const BinCompletionOptions& options);

}  // namespace berth::optimizer
