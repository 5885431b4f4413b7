#pragma once
// Seeded random problems for property tests and the brute-force oracle.
//
//   const auto problem = berth::testing::random_tiny_problem(17);    // brute-forceable
//   const auto large = berth::testing::random_medium_problem(3);     // 20–200 nodes
//   SCOPED_TRACE(berth::testing::describe(problem));
//
// The same seed gives the same problem on every platform: the generator uses its own
// SplitMix64 stream, not <random>'s implementation-defined distributions.
// Problems are valid in the sense of common/optimizer/solve.hpp's preconditions, but
// deliberately awkward: running placements may break today's rules (over capacity, on
// nodes the service is no longer eligible for, more than `replicas`), since what runs is
// history; some instances cannot place every replica.
#include <cstdint>
#include <string>

#include "common/model/problem.hpp"

namespace berth::testing {

// 1–4 nodes, 1–3 services, at most kTinyMaxReplicas replicas in all; resources cpu and
// memory, sometimes gpu. Each rule of the model appears with some probability: node
// selectors, node affinity (In / NotIn a zone), taints and tolerations, max_per_node,
// avoid, prefer, spread over "zone" (two zones, max_skew 1 or 2), priority 0..3, node cost 1..3, cordoned and lost nodes,
// running placements, transient cpu or memory, near rules on zone or disk, per-resource overload weights, the service move term, and every
// strategy with random migration and colocation weights.
inline constexpr int kTinyMaxReplicas = 7;
model::Problem random_tiny_problem(std::uint64_t seed);

struct MediumShape {
  int min_nodes = 20;
  int max_nodes = 200;
  int min_services = 5;
  int max_services = 40;
  int max_total_replicas = 2000;
};

// A cluster-sized problem in `shape`: every rule on with a random probability, two or
// three zones, any strategy, running placements from an earlier (different) state.
model::Problem random_medium_problem(std::uint64_t seed, const MediumShape& shape = {});

// Total replicas asked for across services.
int total_replicas(const model::Problem& problem);

// A compact multi-line dump of the problem, for failure messages.
std::string describe(const model::Problem& problem);

}  // namespace berth::testing
