#pragma once
// The oracle: the exact optimum of a tiny problem by exhaustive enumeration.
//
//   const auto best = berth::testing::brute_force(problem);
//   EXPECT_LE(solution.lower_bound, best.objective + 1e-6);
//
// It tries every placement x[s][n] in [0, model::replica_limit] with Σ_n x[s][n] ≤
// replicas_s, skipping branches that already overfill a node, share a node between
// services that avoid each other or break a spread rule, and keeps the placement with the
// smallest model::evaluate(...).total() among those model::check(...) accepts. It uses the
// model only, never the optimizer, so the two can be tested against each other.
// The empty placement is always valid, so there is always an answer.
// Preconditions: a valid problem small enough to enumerate (a handful of nodes and about
// ten replicas: the count of placements grows like C(replicas + nodes, nodes) per service).
#include <cstdint>

#include "common/model/evaluate.hpp"
#include "common/model/problem.hpp"

namespace berth::testing {

struct BruteForceResult {
  double objective = 0;          // the optimum
  model::Placement placement;    // one placement that reaches it (the first found)
  model::ObjectiveTerms terms;   // of `placement`
  std::int64_t placements_enumerated = 0;  // complete placements within every hard rule
};

BruteForceResult brute_force(const model::Problem& problem);

}  // namespace berth::testing
