#pragma once
// The schedulers berth is measured against. Both are honest: they respect every hard rule
// of the model (eligibility, capacity, cordon, max_per_node, avoid, spread), take the
// problem from scratch (nothing placed), and leave a replica unplaced when nothing fits.
//
//   const model::Placement kube = kube_greedy(problem, KubeScoring::most_allocated);
//   const model::Placement bfd = best_fit_decreasing(problem);
//   assert(model::check(problem, kube).empty());
//
// docs/benchmarks.md describes each one step by step and how it follows kube-scheduler.
#include <cstdint>

#include "common/model/problem.hpp"

namespace berth::bench {

enum class KubeScoring {
  least_allocated,  // kube-scheduler's default: the emptiest node wins (spreads load)
  most_allocated,   // the bin-packing profile: the fullest node that fits wins
};
const char* to_string(KubeScoring scoring);

struct KubeOptions {
  // kube-scheduler picks at random among nodes with the top score; this seeds that choice.
  std::uint64_t seed = 1;
  // percentageOfNodesToScore: 0 is kube-scheduler's adaptive default, 100 scores all nodes.
  int percentage_of_nodes_to_score = 0;
};

// One replica at a time, in the order kube-scheduler's queue pops them (priority
// descending, then input order): filter the nodes, score the first feasible ones found
// (round robin, as many as percentageOfNodesToScore asks), bind to the best.
// Cost: O(replicas × nodes examined per replica), at most replicas × nodes.
model::Placement kube_greedy(const model::Problem& problem, KubeScoring scoring, const KubeOptions& options = {});

// How many feasible nodes kube-scheduler looks for before it stops filtering
// (numFeasibleNodesToFind): all nodes below 100, else max(100, N · p / 100) with the
// adaptive p = max(5, 50 − N / 125) unless `percentage` (1–100) is given.
int kube_feasible_nodes_to_find(int node_count, int percentage = 0);

// Best-fit decreasing over normalized sizes: replicas by decreasing Σ_r request_r / mean
// capacity_r, each on the used node it leaves with the least normalized capacity; a new
// node only when no used node fits, the cheapest per normalized capacity first.
// Cost: O(R log R + S · (U + log U) + placements · log U) for R replicas, S services and U
// used nodes in the common case (see baselines.cpp).
model::Placement best_fit_decreasing(const model::Problem& problem);

}  // namespace berth::bench
