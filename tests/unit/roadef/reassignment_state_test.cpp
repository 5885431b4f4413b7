// Targeted cases of the search's incremental state that random instances rarely reach.
#include "common/optimizer/reassignment_state.hpp"

#include <gtest/gtest.h>

#include "bench/roadef/checker.hpp"

namespace berth::optimizer {
namespace {

// Three roomy machines, one resource; m0 and m2 share location 0, m2 is alone in
// neighbourhood 1. s0 (spread 2) runs p0 on m0 and p1 on m1; s1 runs p2 on m2.
Reassignment two_locations() {
  Reassignment p;
  p.resources = {{.transient = false, .load_cost_weight = 1}};
  p.machines = {{.neighborhood = 0, .location = 0, .capacity = {100}, .safety_capacity = {100}},
                {.neighborhood = 0, .location = 1, .capacity = {100}, .safety_capacity = {100}},
                {.neighborhood = 1, .location = 0, .capacity = {100}, .safety_capacity = {100}}};
  p.machine_move_cost = {{0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
  p.services = {{.spread_min = 2, .dependencies = {}}, {.spread_min = 1, .dependencies = {}}};
  p.processes = {{.service = 0, .requirement = {10}, .move_cost = 1},
                 {.service = 0, .requirement = {20}, .move_cost = 1},
                 {.service = 1, .requirement = {30}, .move_cost = 1}};
  p.process_move_weight = 1;
  p.service_move_weight = 1;
  p.machine_move_weight = 1;
  p.initial = {0, 1, 2};
  return p;
}

TEST(ReassignmentState, RefusesASwapThatLeavesTooFewLocations) {
  auto p = two_locations();
  ReassignmentState state(p, p.initial);
  // p1 to m2 puts both processes of s0 in location 0.
  EXPECT_EQ(state.swap_delta(1, 2), kReassignmentInfeasible);
  EXPECT_EQ(state.shift_delta(1, 2), kReassignmentInfeasible);
  EXPECT_FALSE(roadef::check(p, {0, 2, 1}).empty());

  p.services[0].spread_min = 1;
  ReassignmentState relaxed(p, p.initial);
  EXPECT_NE(relaxed.swap_delta(1, 2), kReassignmentInfeasible);
}

TEST(ReassignmentState, RefusesASwapThatLeavesADependencyBehind) {
  auto p = two_locations();
  p.services[0].spread_min = 1;
  p.services[0].dependencies = {1};  // wherever s0 runs, s1 must run in that neighbourhood
  p.services.push_back({.spread_min = 0, .dependencies = {}});
  p.processes.push_back({.service = 2, .requirement = {5}, .move_cost = 1});
  // s0 on m0 and m1 and s1 on m1, all in neighbourhood 0; s2's p3 alone on m2 (n1).
  p.initial = {0, 1, 1, 2};
  ASSERT_TRUE(roadef::check(p, p.initial).empty());
  ReassignmentState state(p, p.initial);
  // p2 (s1) trading places with p3 leaves s0 in neighbourhood 0 without s1.
  EXPECT_EQ(state.swap_delta(2, 3), kReassignmentInfeasible);
  EXPECT_EQ(state.shift_delta(2, 2), kReassignmentInfeasible);
  EXPECT_FALSE(roadef::check(p, {0, 1, 2, 1}).empty());
  // p0 (s0) trading places with p3 takes s0 into neighbourhood 1 without s1.
  EXPECT_EQ(state.swap_delta(0, 3), kReassignmentInfeasible);
  EXPECT_FALSE(roadef::check(p, {2, 1, 1, 0}).empty());
  // Without the dependency both swaps are fine.
  p.services[0].dependencies.clear();
  ReassignmentState free_state(p, p.initial);
  EXPECT_NE(free_state.swap_delta(2, 3), kReassignmentInfeasible);
  EXPECT_NE(free_state.swap_delta(0, 3), kReassignmentInfeasible);
}

TEST(ReassignmentState, SwapDeltaIsTheChangeOfTheCheckersObjective) {
  auto p = two_locations();
  p.services[0].spread_min = 1;
  p.machines[1].safety_capacity = {15};
  ReassignmentState state(p, p.initial);
  const auto before = roadef::evaluate(p, p.initial).total();
  const auto delta = state.swap_delta(1, 2);
  ASSERT_NE(delta, kReassignmentInfeasible);
  state.swap(1, 2);
  EXPECT_EQ(state.assignment(), (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(roadef::evaluate(p, state.assignment()).total(), before + delta);
  EXPECT_EQ(state.total(), before + delta);
  // Swapping back restores the start and its cost exactly.
  EXPECT_EQ(state.swap_delta(1, 2), -delta);
  state.swap(1, 2);
  EXPECT_EQ(state.total(), before);
}

}  // namespace
}  // namespace berth::optimizer
