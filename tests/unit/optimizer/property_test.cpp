// Properties every solution must have, on seeded random cluster-sized problems.
// These check validity and honest reporting, not quality, so the solves get a small round
// budget; quality is measured against the exact optimum in brute_force_test.cpp and
// against baselines in bench/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"
#include "tests/support/random_problem.hpp"

namespace berth::optimizer {
namespace {

using testing::random_medium_problem;

constexpr std::uint64_t kSeeds = 30;

// Unoptimised or sanitized builds run the optimizer tens of times slower, so there the
// clusters are smaller (same rules, same seeds); optimised builds get the full shape.
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
constexpr testing::MediumShape kShape{};
constexpr int kRounds = 40;
#else
constexpr testing::MediumShape kShape{.min_nodes = 20, .max_nodes = 50, .min_services = 5, .max_services = 12,
                                      .max_total_replicas = 300};
constexpr int kRounds = 20;
#endif

model::Problem random_problem(std::uint64_t seed) { return random_medium_problem(seed, kShape); }

SolveOptions options_for(std::uint64_t seed) {
  SolveOptions options;
  options.seed = seed;
  options.max_rounds = kRounds;
  return options;
}

std::string seed_text(std::uint64_t seed, const model::Problem& problem) {
  return "seed " + std::to_string(seed) + " (" + std::to_string(problem.nodes.size()) + " nodes, " +
         std::to_string(problem.services.size()) + " services, " +
         std::to_string(testing::total_replicas(problem)) + " replicas)";
}

void expect_no_broken_rule(const model::Problem& problem, const Solution& solution) {
  const auto violations = model::check(problem, solution.placement);
  EXPECT_TRUE(violations.empty()) << violations.size() << " violations, first: "
                                  << (violations.empty() ? "" : model::to_string(violations[0].kind)) << " "
                                  << (violations.empty() ? "" : violations[0].detail);
  const auto placed = solution.placement.placed_per_service(problem.services.size());
  for (std::size_t s = 0; s < problem.services.size(); ++s)
    EXPECT_LE(placed[s], problem.services[s].replicas) << "service " << problem.services[s].name;
}

void expect_honest_numbers(const model::Problem& problem, const Solution& solution) {
  const auto terms = model::evaluate(problem, solution.placement);
  const double tol = 1e-6 * std::max(1.0, terms.total());
  EXPECT_NEAR(solution.objective, terms.total(), tol);
  EXPECT_NEAR(solution.terms.total(), terms.total(), tol);
  EXPECT_LE(solution.lower_bound, solution.objective + tol);
  EXPECT_GE(solution.gap, 0.0);
  EXPECT_LE(solution.gap, 1.0);
  const auto stats = model::stats(problem, solution.placement);
  EXPECT_EQ(solution.nodes_used, stats.nodes_used);
  EXPECT_EQ(solution.moves, stats.moves);
}

void expect_every_unplaced_replica_explained(const model::Problem& problem, const Solution& solution) {
  const auto placed = solution.placement.placed_per_service(problem.services.size());
  std::vector<int> unplaced(problem.services.size(), 0);
  for (const auto& entry : solution.unplaced) {
    ASSERT_LT(entry.service.value, problem.services.size());
    EXPECT_GT(entry.count, 0) << "service " << problem.service(entry.service).name;
    EXPECT_FALSE(entry.reason.empty()) << "service " << problem.service(entry.service).name;
    unplaced[entry.service.value] += entry.count;
  }
  for (std::size_t s = 0; s < problem.services.size(); ++s)
    EXPECT_EQ(unplaced[s], std::max(0, problem.services[s].replicas - placed[s]))
        << "service " << problem.services[s].name;
  const int placed_total = std::accumulate(placed.begin(), placed.end(), 0);
  const int unplaced_total = std::accumulate(unplaced.begin(), unplaced.end(), 0);
  if (unplaced_total == 0) {
    EXPECT_TRUE(solution.status == SolveStatus::optimal || solution.status == SolveStatus::feasible)
        << to_string(solution.status);
  } else if (placed_total == 0) {
    EXPECT_EQ(solution.status, SolveStatus::infeasible) << to_string(solution.status);
  } else {
    EXPECT_EQ(solution.status, SolveStatus::partial) << to_string(solution.status);
  }
}

// One test for the three properties, so each cluster is solved once (in a sanitizer build
// a solve of 2,000 replicas is not free).
TEST(Optimizer, NeverBreaksAHardRuleAndAccountsForEveryReplicaOnRandomClusters) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const auto problem = random_problem(seed);
    SCOPED_TRACE(seed_text(seed, problem));
    const auto solution = solve(problem, options_for(seed));
    ASSERT_EQ(solution.placement.by_node.size(), problem.nodes.size());
    expect_no_broken_rule(problem, solution);
    expect_honest_numbers(problem, solution);
    expect_every_unplaced_replica_explained(problem, solution);
    std::printf("seed %2llu: %3zu nodes %2zu services %4d replicas  objective %.3f bound %.3f gap %.4f rounds %d\n",
                static_cast<unsigned long long>(seed), problem.nodes.size(), problem.services.size(),
                testing::total_replicas(problem), solution.objective, solution.lower_bound, solution.gap,
                solution.rounds);
  }
}

TEST(Optimizer, GivesTheSamePlacementForTheSameSeed) {
  for (std::uint64_t seed = 1; seed <= kSeeds; seed += 3) {
    const auto problem = random_problem(seed);
    SCOPED_TRACE(seed_text(seed, problem));
    const auto first = solve(problem, options_for(seed));
    const auto second = solve(problem, options_for(seed));
    EXPECT_TRUE(first.placement == second.placement);
    EXPECT_EQ(first.objective, second.objective);
    EXPECT_EQ(first.lower_bound, second.lower_bound);
    EXPECT_EQ(first.rounds, second.rounds);
  }
}

TEST(RandomMediumProblem, StaysWithinItsShape) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const auto problem = random_medium_problem(seed);
    SCOPED_TRACE(seed_text(seed, problem));
    EXPECT_GE(problem.nodes.size(), 20u);
    EXPECT_LE(problem.nodes.size(), 200u);
    EXPECT_GE(problem.services.size(), 5u);
    EXPECT_LE(problem.services.size(), 40u);
    EXPECT_LE(testing::total_replicas(problem), 2000);
    EXPECT_EQ(testing::describe(problem), testing::describe(random_medium_problem(seed)));
    for (const auto& node : problem.nodes) {
      EXPECT_EQ(node.capacity.size(), problem.resources.size());
      EXPECT_TRUE(std::is_sorted(node.running.begin(), node.running.end()));
    }
  }
}

}  // namespace
}  // namespace berth::optimizer
