// The round loop asks its nodes through LocalSolvers: any implementation that
// returns solve_local's answers, in whatever order it computes them, gives the
// in-process result.
#include "common/optimizer/local_solvers.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "common/optimizer/solve.hpp"
#include "tests/support/random_problem.hpp"

namespace berth::optimizer {
namespace {

// Solves the classes last to first, each from a copy, and counts what it was
// asked: a stand-in for agents that answer in any order from their own copy of
// the subproblem.
class BackwardsSolvers final : public LocalSolvers {
public:
  int begins = 0;
  int rounds = 0;
  int bound_only_rounds = 0;
  std::size_t classes = 0;

  void begin(const Instance &instance,
             const std::vector<LocalProblem> &class_problems) override {
    ++begins;
    classes = class_problems.size();
    EXPECT_EQ(class_problems.size(), instance.class_members.size());
  }
  void answer(const std::vector<LocalProblem> &problems,
              const LocalOptions &options,
              std::vector<LocalAnswer> &answers) override {
    ++(options.want_answer ? rounds : bound_only_rounds);
    for (std::size_t c = problems.size(); c-- > 0;) {
      const LocalProblem copy = problems[c];
      answers[c] = solve_local(copy, options);
    }
  }
};

TEST(LocalSolvers, AnyFaithfulImplementationGivesTheInProcessPlacement) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(seed);
    const auto problem = berth::testing::random_medium_problem(
        seed, {.min_nodes = 20,
               .max_nodes = 40,
               .min_services = 4,
               .max_services = 10,
               .max_total_replicas = 200});
    const SolveOptions options{
        .seed = seed, .max_rounds = 25, .exact_max_replicas = 0};
    const Solution here = solve(problem, options);
    BackwardsSolvers backwards;
    const Solution there = solve(problem, options, backwards);
    EXPECT_EQ(backwards.begins, 1);
    EXPECT_GT(backwards.rounds, 0);
    EXPECT_GT(backwards.bound_only_rounds, 0);
    EXPECT_EQ(here.objective, there.objective);
    EXPECT_EQ(here.lower_bound, there.lower_bound);
    EXPECT_EQ(here.rounds, there.rounds);
    EXPECT_TRUE(here.placement == there.placement);
  }
}

} // namespace
} // namespace berth::optimizer
