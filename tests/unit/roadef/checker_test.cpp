#include "bench/roadef/checker.hpp"

#include <string>

#include <gtest/gtest.h>

#include "bench/roadef/reader.hpp"
#include "tiny_instance.hpp"

namespace berth::roadef {
namespace {

optimizer::Reassignment tiny() {
  auto problem = parse_instance(testing::kTinyModel, testing::kTinyAssignment);
  EXPECT_TRUE(problem) << problem.error().message;
  return *problem;
}

bool mentions(const std::vector<std::string>& violations, const std::string& text) {
  for (const auto& v : violations)
    if (v.find(text) != std::string::npos) return true;
  return false;
}

// Initial: m0 holds p0+p2 = [7,8], m1 holds p1+p3 = [5,5], m2 is empty.
//   load:    r0 on m0 is 2 over safety 5 → 10·2 = 20; r1 nowhere over → 0
//   balance: m0 free [3,2] → 1·3 − 2 = 1 → 2·1 = 2; m1 free [5,5] → 0; m2 [10,10] → 0
TEST(RoadefChecker, ValuesTheInitialAssignmentByHand) {
  const auto p = tiny();
  EXPECT_TRUE(check(p, p.initial).empty());
  const auto cost = evaluate(p, p.initial);
  EXPECT_EQ(cost.load, 20);
  EXPECT_EQ(cost.balance, 2);
  EXPECT_EQ(cost.process_move, 0);
  EXPECT_EQ(cost.service_move, 0);
  EXPECT_EQ(cost.machine_move, 0);
  EXPECT_EQ(cost.total(), 22);
}

// p0 moves m0 → m2: m0 = [3,5] (+3 transient r1 = 8 ≤ 10), m1 = [5,5], m2 = [4,3].
//   load 0; balance: m0 free [7,5] → 2 → 4, m1 0, m2 free [6,7] → 0
//   process move 1·5 = 5; service move 10·1 = 10; machine move 100·cost(m0→m2 = 2) = 200
TEST(RoadefChecker, ValuesAMoveByHand) {
  const auto p = tiny();
  const std::vector<int> moved = {2, 1, 0, 1};
  EXPECT_TRUE(check(p, moved).empty());
  const auto cost = evaluate(p, moved);
  EXPECT_EQ(cost.load, 0);
  EXPECT_EQ(cost.balance, 4);
  EXPECT_EQ(cost.process_move, 5);
  EXPECT_EQ(cost.service_move, 10);
  EXPECT_EQ(cost.machine_move, 200);
  EXPECT_EQ(cost.total(), 219);
}

TEST(RoadefChecker, ServiceMoveCostCountsTheMostMovedService) {
  auto p = tiny();
  // Let both processes of s0 move: m2 holds p0, m0 holds p1 (no conflict, spread 2).
  const std::vector<int> both = {2, 0, 0, 1};
  const auto cost = evaluate(p, both);
  EXPECT_EQ(cost.service_move, 20);
  EXPECT_EQ(cost.process_move, 10);
  EXPECT_EQ(cost.machine_move, 100 * (2 + 1));
}

// Swapping p2 and p3 fits without transient use, but p2's transient r1 (5) still counts
// on m0 while it moves: m0 = p0 + p3 = 6 + 5 = 11 > 10.
TEST(RoadefChecker, CountsATransientResourceOnTheMachineAProcessLeft) {
  const auto p = tiny();
  const auto violations = check(p, {0, 1, 1, 0});
  ASSERT_EQ(violations.size(), 1U);
  EXPECT_EQ(violations[0], "capacity: machine 0 resource 1 uses 11 > 10");

  auto not_transient = p;
  not_transient.resources[1].transient = false;
  EXPECT_TRUE(check(not_transient, {0, 1, 1, 0}).empty());
}

TEST(RoadefChecker, FindsAConflict) {
  const auto p = tiny();
  EXPECT_TRUE(mentions(check(p, {0, 0, 0, 1}), "conflict: service 0 has two processes on machine 0"));
}

TEST(RoadefChecker, FindsASpreadBelowTheMinimum) {
  auto p = tiny();
  p.services[0].spread_min = 3;
  const auto violations = check(p, p.initial);
  ASSERT_EQ(violations.size(), 1U);
  EXPECT_EQ(violations[0], "spread: service 0 on 2 locations < 3");
}

// p2 alone in neighbourhood 1, where s0 (its dependency) does not run.
TEST(RoadefChecker, FindsABrokenDependency) {
  const auto p = tiny();
  const auto violations = check(p, {0, 1, 2, 1});
  ASSERT_EQ(violations.size(), 1U);
  EXPECT_EQ(violations[0], "dependency: service 1 runs in neighborhood 1 where service 0 does not");
}

TEST(RoadefChecker, FindsANonTransientOverload) {
  auto p = tiny();
  p.machines[0].capacity[0] = 6;
  const auto violations = check(p, p.initial);
  ASSERT_EQ(violations.size(), 1U);
  EXPECT_EQ(violations[0], "capacity: machine 0 resource 0 uses 7 > 6");
}

TEST(RoadefChecker, RejectsAnAssignmentOfTheWrongShape) {
  const auto p = tiny();
  EXPECT_TRUE(mentions(check(p, {0, 1, 0}), "assignment has 3 machines for 4 processes"));
  EXPECT_TRUE(mentions(check(p, {0, 1, 0, 7}), "process 3 on machine 7, out of range"));
}

}  // namespace
}  // namespace berth::roadef
