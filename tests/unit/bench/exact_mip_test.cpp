// CBC's optimum against the brute-force oracle (tests/support/brute_force) on the tiniest
// random problems: every rule of the model, running replicas, prefer, cordoned and lost
// nodes. berth-exact trusts CBC as the true optimum only because of this test.
#include "bench/exact_mip.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "common/model/evaluate.hpp"
#include "tests/support/brute_force.hpp"
#include "tests/support/builders.hpp"
#include "tests/support/random_problem.hpp"

namespace berth::bench {
namespace {

using testing::a_node;
using testing::a_problem;
using testing::a_service;

TEST(ExactMip, MatchesTheBruteForceOptimumOnTinyRandomProblems) {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    model::Problem problem = testing::random_tiny_problem(seed);
    // The spread and balanced strategies weigh quadratic terms; their rules still count.
    problem.objective.weights.load_spread = 0;
    problem.objective.weights.balance = 0;
    const MipResult exact = solve_mip(problem, {.time_limit_seconds = 30});
    ASSERT_EQ(exact.status, MipStatus::optimal) << "seed " << seed << "\n" << testing::describe(problem);
    const auto best = testing::brute_force(problem);
    const double objective = model::evaluate(problem, exact.placement).total();
    EXPECT_TRUE(model::check(problem, exact.placement).empty()) << "seed " << seed;
    EXPECT_NEAR(objective, best.objective, 1e-6 * std::max(1.0, best.objective))
        << "seed " << seed << "\n" << testing::describe(problem);
    EXPECT_NEAR(exact.objective, objective, 1e-6 * std::max(1.0, objective)) << "seed " << seed << ": CBC's own sum";
    ++compared;
  }
  EXPECT_EQ(compared, 1000);
}

TEST(ExactMip, KeepsServicesThatAvoidEachOtherApartAtACost) {
  // Two nodes; a and b avoid each other, so packing both onto one node is not allowed.
  const auto problem = a_problem({a_node("n1"), a_node("n2")},
                                 {a_service("a").cpu(100).avoid(1), a_service("b").cpu(100)});
  const MipResult exact = solve_mip(problem);
  ASSERT_EQ(exact.status, MipStatus::optimal);
  EXPECT_EQ(model::stats(problem, exact.placement).nodes_used, 2);
  EXPECT_EQ(model::stats(problem, exact.placement).replicas_unplaced, 0);
}

TEST(ExactMip, QuadraticStrategiesAreUnsupported) {
  const auto problem = a_problem({a_node("n1")}, {a_service("a")}, model::Strategy::spread);
  EXPECT_EQ(solve_mip(problem).status, MipStatus::unsupported);
}

}  // namespace
}  // namespace berth::bench
