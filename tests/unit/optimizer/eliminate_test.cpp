#include "common/optimizer/eliminate.hpp"

#include <gtest/gtest.h>

#include "common/model/evaluate.hpp"
#include "common/optimizer/improve.hpp"

namespace berth::optimizer {
namespace {

// One dimension, capacity 10, items 7, 6, 5, 5, 4, 3 (one service each), packed in four
// nodes as {7} {6,3} {5,4} {5}. No node can be emptied onto the others as they are; the
// optimum {7,3} {6,4} {5,5} needs a chain of swaps: 5 in for 4, 4 in for 3, 3 into {7}.
struct Fixture {
  model::Problem problem;
  Fixture() {
    problem.resources = {"size"};
    for (int n = 0; n < 4; ++n) {
      model::Node node;
      node.name = "n" + std::to_string(n);
      node.capacity = {10};
      problem.nodes.push_back(node);
    }
    for (const std::int64_t size : {7, 6, 5, 5, 4, 3}) {
      model::Service service;
      service.name = "s" + std::to_string(problem.services.size());
      service.request = {size};
      problem.services.push_back(service);
    }
  }
  model::Placement bad_packing() const {
    auto placement = model::Placement::empty_for(problem);
    auto put = [&](std::size_t node, std::uint32_t service) {
      placement.by_node[node].push_back({model::ServiceId{service}, 1});
    };
    put(0, 0);            // {7}
    put(1, 1), put(1, 5);  // {6,3}
    put(2, 2), put(2, 4);  // {5,4}
    put(3, 3);            // {5}
    return placement;
  }
};

int nodes_used(const model::Problem& problem, const model::Placement& placement) {
  return model::stats(problem, placement).nodes_used;
}

TEST(EliminateNodes, ImproveAloneCannotEmptyANodeOfTheBadPacking) {
  const Fixture f;
  const auto inst = make_instance(f.problem);
  auto wp = WorkingPlacement::from_placement(inst, f.bad_packing());
  improve(wp, {});
  EXPECT_EQ(nodes_used(f.problem, wp.to_placement()), 4);
}

TEST(EliminateNodes, ClosesANodeThroughAChainOfSwaps) {
  const Fixture f;
  const auto inst = make_instance(f.problem);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto wp = WorkingPlacement::from_placement(inst, f.bad_packing());
    EXPECT_EQ(eliminate_nodes(wp, {.seed = seed, .work_budget = 100'000}), 1);
    const auto placement = wp.to_placement();
    EXPECT_TRUE(model::check(f.problem, placement).empty());
    EXPECT_EQ(nodes_used(f.problem, placement), 3);
    EXPECT_EQ(model::stats(f.problem, placement).replicas_unplaced, 0);
  }
}

TEST(EliminateNodes, StopsAtTheLowerBound) {
  const Fixture f;
  const auto inst = make_instance(f.problem);
  auto wp = WorkingPlacement::from_placement(inst, f.bad_packing());
  EXPECT_EQ(eliminate_nodes(wp, {.work_budget = 100'000, .lower_bound = 4.0}), 0);
  EXPECT_EQ(wp.to_placement(), f.bad_packing());
}

TEST(EliminateNodes, LeavesAPlacementWithUnplacedReplicasAlone) {
  Fixture f;
  f.problem.services[0].replicas = 2;  // a second 7 that is nowhere
  const auto inst = make_instance(f.problem);
  auto wp = WorkingPlacement::from_placement(inst, f.bad_packing());
  EXPECT_EQ(eliminate_nodes(wp, {.work_budget = 100'000}), 0);
  EXPECT_EQ(wp.to_placement(), f.bad_packing());
}

TEST(EliminateNodes, KeepsEveryRule) {
  Fixture f;
  // s1 (6) must not share a node with s4 (4): the optimum above is out of reach.
  f.problem.services[1].avoid.push_back(model::ServiceId{4});
  const auto inst = make_instance(f.problem);
  auto wp = WorkingPlacement::from_placement(inst, f.bad_packing());
  eliminate_nodes(wp, {.work_budget = 100'000});
  const auto placement = wp.to_placement();
  EXPECT_TRUE(model::check(f.problem, placement).empty());
  EXPECT_EQ(model::stats(f.problem, placement).replicas_unplaced, 0);
}

// One dimension; `nodes` as (capacity, cost), one replica of size 8 on each of the first
// `used` nodes.
model::Problem nodes_with_eights(const std::vector<std::pair<std::int64_t, double>>& nodes, int used) {
  model::Problem problem;
  problem.resources = {"size"};
  for (const auto& [capacity, cost] : nodes) {
    model::Node node;
    node.name = "n" + std::to_string(problem.nodes.size());
    node.capacity = {capacity};
    node.cost = cost;
    problem.nodes.push_back(node);
  }
  for (int k = 0; k < used; ++k) {
    model::Service service;
    service.name = "s" + std::to_string(k);
    service.request = {8};
    problem.services.push_back(service);
  }
  return problem;
}

model::Placement one_per_node(const model::Problem& problem) {
  auto placement = model::Placement::empty_for(problem);
  for (std::uint32_t s = 0; s < problem.services.size(); ++s) placement.by_node[s].push_back({model::ServiceId{s}, 1});
  return placement;
}

// Runs `search` (eliminate_nodes or repair_unplaced) from `start`, expecting it to return
// `expected` and its result to keep every hard rule.
model::Placement searched(int (*search)(WorkingPlacement&, const EliminateOptions&), const model::Problem& problem,
                          const model::Placement& start, int expected) {
  const auto inst = make_instance(problem);
  auto wp = WorkingPlacement::from_placement(inst, start);
  EXPECT_EQ(search(wp, {.work_budget = 100'000}), expected);
  auto placement = wp.to_placement();
  EXPECT_TRUE(model::check(problem, placement).empty());
  return placement;
}

TEST(EliminateNodes, SwapsADearNodeForACheaperUnusedOne) {
  // The only used node costs 5; an unused one of the same size costs 2. Closing alone has
  // nowhere to go.
  const auto problem = nodes_with_eights({{10, 5.0}, {10, 2.0}}, 1);
  const auto placement = searched(eliminate_nodes, problem, one_per_node(problem), 1);
  EXPECT_DOUBLE_EQ(model::evaluate(problem, placement).node_cost, 2.0);
  EXPECT_EQ(placement.by_node[1].size(), 1u);
}

TEST(EliminateNodes, SwapsTwoSmallNodesForOneBigOne) {
  // Two nodes of 10 at 3 each; one unused node of 20 at 4 holds both replicas. Swapping
  // one small node for the big one alone costs more (7 against 6): only emptying the
  // second small node too pays.
  const auto problem = nodes_with_eights({{10, 3.0}, {10, 3.0}, {20, 4.0}}, 2);
  const auto placement = searched(eliminate_nodes, problem, one_per_node(problem), 1);
  EXPECT_DOUBLE_EQ(model::evaluate(problem, placement).node_cost, 4.0);
}

TEST(EliminateNodes, KeepsTheNodesWhenNoSwapPays) {
  // The unused node is bigger but dearer per unit of capacity: nothing to gain.
  const auto problem = nodes_with_eights({{10, 3.0}, {10, 3.0}, {20, 7.0}}, 2);
  EXPECT_EQ(searched(eliminate_nodes, problem, one_per_node(problem), 0), one_per_node(problem));
}

TEST(RepairUnplaced, PlacesAReplicaThroughAChainOfSwaps) {
  // Three nodes of 10 hold {7} {6,3} {5,4}; the second 5 fits nowhere as they are. The
  // packing {7,3} {6,4} {5,5} needs the chain 5 in for 4, 4 in for 3, 3 into {7}.
  Fixture f;
  auto packing = f.bad_packing();
  f.problem.nodes.pop_back();
  packing.by_node.pop_back();
  const auto inst = make_instance(f.problem);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto wp = WorkingPlacement::from_placement(inst, packing);
    EXPECT_EQ(repair_unplaced(wp, {.seed = seed, .work_budget = 100'000}), 1);
    const auto placement = wp.to_placement();
    EXPECT_TRUE(model::check(f.problem, placement).empty());
    EXPECT_EQ(model::stats(f.problem, placement).replicas_unplaced, 0);
  }
}

// One node of 8 holds one replica of `big` (size 8); four replicas of `small` (size 2)
// have no room.
model::Problem one_big_four_small(int big_priority) {
  model::Problem problem;
  problem.resources = {"size"};
  model::Node node;
  node.name = "n0";
  node.capacity = {8};
  problem.nodes.push_back(node);
  model::Service big;
  big.name = "big";
  big.request = {8};
  big.priority = big_priority;
  model::Service small;
  small.name = "small";
  small.request = {2};
  small.replicas = 4;
  problem.services = {big, small};
  return problem;
}

model::Placement big_placed(const model::Problem& problem) {
  auto placement = model::Placement::empty_for(problem);
  placement.by_node[0].push_back({model::ServiceId{0}, 1});
  return placement;
}

TEST(RepairUnplaced, TradesOneBigReplicaForSeveralSmallOnes) {
  const auto problem = one_big_four_small(0);
  const auto placement = searched(repair_unplaced, problem, big_placed(problem), 3);
  EXPECT_EQ(placement.count(model::NodeId{0}, model::ServiceId{1}), 4);
  EXPECT_EQ(placement.count(model::NodeId{0}, model::ServiceId{0}), 0);
}

TEST(RepairUnplaced, TradesOneBigReplicaForTwoOfDifferentServices) {
  // One node of 8 holds `big` (8); `five` (5) and `three` (3), one replica each, have no
  // room. Neither alone is worth the big one; together they are.
  auto problem = one_big_four_small(0);
  problem.services[1].name = "five";
  problem.services[1].request = {5};
  problem.services[1].replicas = 1;
  model::Service three;
  three.name = "three";
  three.request = {3};
  problem.services.push_back(three);
  const auto placement = searched(repair_unplaced, problem, big_placed(problem), 1);
  EXPECT_EQ(placement.count(model::NodeId{0}, model::ServiceId{1}), 1);
  EXPECT_EQ(placement.count(model::NodeId{0}, model::ServiceId{2}), 1);
}

TEST(RepairUnplaced, KeepsAReplicaThatCountsMore) {
  // Priority 9: the big replica weighs 10 unplaced ones, more than the four small ones.
  const auto problem = one_big_four_small(9);
  EXPECT_EQ(searched(repair_unplaced, problem, big_placed(problem), 0), big_placed(problem));
}

}  // namespace
}  // namespace berth::optimizer
