#include "common/optimizer/working_placement.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"
#include "tests/support/random_problem.hpp"

namespace berth::optimizer {
namespace {

// The optimizer's incremental objective must price a placement exactly as the model's
// reference evaluator does; a constant counted twice would also lift the lower bound.
TEST(WorkingPlacement, PricesEveryPlacementLikeTheModelEvaluator) {
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto problem = testing::random_tiny_problem(seed);
    const auto instance = make_instance(problem);
    const auto solution = solve(problem, {.seed = seed, .max_rounds = 5, .exact_max_replicas = 0});
    const auto working = WorkingPlacement::from_placement(instance, solution.placement);
    const double reference = model::evaluate(problem, solution.placement).total();
    EXPECT_NEAR(working.objective(), reference, 1e-9 * std::max(1.0, std::abs(reference)));
    EXPECT_EQ(working.to_placement(), solution.placement);
  }
}

TEST(WorkingPlacement, EmptyPlacementCostsTheMigrationOfEverythingRunningPlusThePenalties) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto problem = testing::random_tiny_problem(seed);
    const auto instance = make_instance(problem);
    const WorkingPlacement empty(instance);
    const double reference = model::evaluate(problem, model::Placement::empty_for(problem)).total();
    EXPECT_NEAR(empty.objective(), reference, 1e-9 * std::max(1.0, std::abs(reference)));
  }
}

}  // namespace
}  // namespace berth::optimizer
