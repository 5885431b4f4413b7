// Small scenarios whose right answer is obvious, one rule or strategy at a time.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"
#include "tests/support/builders.hpp"

namespace berth::optimizer {
namespace {

using model::NodeId;
using model::NodeState;
using model::ServiceId;
using model::Strategy;
using testing::a_node;
using testing::a_problem;
using testing::a_service;

int on(const Solution& solution, std::uint32_t node, std::uint32_t service) {
  return solution.placement.count(NodeId{node}, ServiceId{service});
}

void expect_valid(const model::Problem& problem, const Solution& solution) {
  ASSERT_EQ(solution.placement.by_node.size(), problem.nodes.size());
  const auto violations = model::check(problem, solution.placement);
  EXPECT_TRUE(violations.empty()) << model::to_string(violations.front().kind) << ": " << violations.front().detail;
}

TEST(Scenario, BinpackPacksHalfNodeReplicasOntoTwoOfFourNodes) {
  const auto problem = a_problem({a_node("n1"), a_node("n2"), a_node("n3"), a_node("n4")},
                                 {a_service("web").replicas(4).cpu(2000).memory_mib(4096)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(solution.placement.placed_per_service(1)[0], 4);
  EXPECT_EQ(solution.nodes_used, 2);
  for (std::uint32_t n = 0; n < 4; ++n) EXPECT_TRUE(on(solution, n, 0) == 0 || on(solution, n, 0) == 2) << "node " << n;
  EXPECT_TRUE(solution.unplaced.empty());
}

TEST(Scenario, NodeAffinityKeepsReplicasOnNodesWithAnAllowedLabel) {
  // The T4 node is the cheapest place to pack, but train may only use V100 or A100.
  const auto problem = a_problem({a_node("n1").label("gpu", "T4"), a_node("n2").label("gpu", "V100"),
                                  a_node("n3").label("gpu", "A100")},
                                 {a_service("train").replicas(6).cpu(1000).memory_mib(1024).affinity(
                                     "gpu", model::AffinityOperator::in, {"V100", "A100"})});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0), 0);
  EXPECT_EQ(on(solution, 1, 0) + on(solution, 2, 0), 6);
}

TEST(Scenario, SpreadStrategyPutsOneReplicaOnEachOfThreeNodes) {
  const auto problem = a_problem({a_node("n1"), a_node("n2"), a_node("n3")}, {a_service("web").replicas(3)},
                                 Strategy::spread);
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  for (std::uint32_t n = 0; n < 3; ++n) EXPECT_EQ(on(solution, n, 0), 1) << "node " << n;
}

TEST(Scenario, AvoidKeepsTwoServicesOnDifferentNodes) {
  const auto problem = a_problem({a_node("n1"), a_node("n2")}, {a_service("web").replicas(2).avoid(1), a_service("db")});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(solution.placement.placed_per_service(2), (std::vector<int>{2, 1}));
  for (std::uint32_t n = 0; n < 2; ++n)
    EXPECT_FALSE(on(solution, n, 0) > 0 && on(solution, n, 1) > 0) << "node " << n << " hosts both";
}

TEST(Scenario, SpreadWithMaxSkewOnePutsTwoReplicasInEachOfTwoZones) {
  const auto problem = a_problem({a_node("a1").label("zone", "a"), a_node("a2").label("zone", "a"),
                                  a_node("b1").label("zone", "b"), a_node("b2").label("zone", "b")},
                                 {a_service("web").replicas(4).spread("zone", 1)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0) + on(solution, 1, 0), 2);
  EXPECT_EQ(on(solution, 2, 0) + on(solution, 3, 0), 2);
}

// Binpack alone would put all four on one roomy node; min_domains asks for three zones.
TEST(Scenario, MinDomainsSpreadsOverThatManyZonesAndNoMore) {
  const auto problem = a_problem({a_node("a1").label("zone", "a"), a_node("b1").label("zone", "b"),
                                  a_node("c1").label("zone", "c"), a_node("d1").label("zone", "d")},
                                 {a_service("web").replicas(4).min_domains("zone", 3)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  int zones = 0;
  for (std::uint32_t n = 0; n < 4; ++n) zones += on(solution, n, 0) > 0 ? 1 : 0;
  EXPECT_EQ(zones, 3);
  EXPECT_EQ(solution.placement.placed_per_service(1), (std::vector<int>{4}));
}

// Two eligible zones cannot hold three domains' worth: one replica in each, the rest
// unplaced with the reason.
TEST(Scenario, MinDomainsBeyondTheEligibleZonesLeavesReplicasUnplacedAndSaysWhy) {
  const auto problem = a_problem({a_node("a1").label("zone", "a"), a_node("b1").label("zone", "b")},
                                 {a_service("web").replicas(4).min_domains("zone", 3)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0), 1);
  EXPECT_EQ(on(solution, 1, 0), 1);
  ASSERT_EQ(solution.unplaced.size(), 1u);
  EXPECT_EQ(solution.unplaced[0].count, 2);
  EXPECT_NE(solution.unplaced[0].reason.find("min_domains 3 but only 2 zone domains are eligible"), std::string::npos)
      << solution.unplaced[0].reason;
}

// Four replicas of 1 cpu on 4-cpu nodes with soft capacity 2 cpu: packing them on one node
// costs 1 node + overload · (4 − 2) / 4, splitting them 2 nodes and no overload.
TEST(Scenario, SoftCapacitySplitsReplicasWhenOverloadCostsMoreThanANode) {
  for (const double overload : {0.5, 10.0}) {
    SCOPED_TRACE("overload " + std::to_string(overload));
    auto problem = a_problem({a_node("n1").cpu(4000).soft_cpu(2000), a_node("n2").cpu(4000).soft_cpu(2000)},
                             {a_service("web").replicas(4).cpu(1000)});
    problem.objective.weights.overload = overload;
    const auto solution = solve(problem);
    expect_valid(problem, solution);
    const bool split = on(solution, 0, 0) == 2 && on(solution, 1, 0) == 2;
    EXPECT_EQ(split, overload > 2) << on(solution, 0, 0) << " + " << on(solution, 1, 0);
    EXPECT_DOUBLE_EQ(solution.terms.overload, split ? 0.0 : overload * 0.5);
    EXPECT_LE(solution.lower_bound, solution.objective + 1e-9);
  }
}

// Two nodes of 4 cpu and 8Gi, soft at half of each; four replicas of 1 cpu and 2Gi fit one
// node at an overload of half its cpu and half its memory. With memory's overload weighed
// 0.5 that costs one node + 0.5 + 0.25, less than the two nodes of a split; weighed 4 it
// costs one node + 0.5 + 2, and they split.
TEST(Scenario, OverloadWeighedPerResourceDecidesWhetherToOpenANode) {
  auto problem = a_problem({a_node("n1").cpu(4000).memory_gib(8).soft_cpu(2000), a_node("n2").cpu(4000).memory_gib(8).soft_cpu(2000)},
                           {a_service("web").replicas(4).cpu(1000).memory_mib(2048)});
  for (auto& node : problem.nodes) node.soft_capacity[1] = 4 * model::kGiB;
  for (const double memory_weight : {0.5, 4.0}) {
    SCOPED_TRACE(memory_weight);
    problem.objective.overload_by_resource = {1.0, memory_weight};
    const auto solution = solve(problem);
    expect_valid(problem, solution);
    const bool split = on(solution, 0, 0) == 2 && on(solution, 1, 0) == 2;
    EXPECT_EQ(split, memory_weight > 1.0);
    EXPECT_DOUBLE_EQ(solution.terms.overload, split ? 0.0 : 0.5 + 0.5 * memory_weight);
  }
}

// Keep free memory at least free cpu (as shares): the memory-heavy replica alone would
// leave 87.5% of cpu free and 25% of memory, short by 0.625 at weight 10; beside the
// cpu-heavy one both are 12.5% free. Nothing else costs, so only the rule decides.
TEST(Scenario, FreeRatioRulePairsReplicasWhoseLeftoversComplementEachOther) {
  auto problem = a_problem({a_node("n1").cpu(4000).memory_gib(8), a_node("n2").cpu(4000).memory_gib(8)},
                           {a_service("mem").cpu(500).memory_mib(6 * 1024), a_service("cpu").cpu(3000).memory_mib(1024)});
  problem.objective.weights.node_cost = 0;
  problem.objective.free_ratio = {{.per = 0, .keep = 1, .ratio = 1.0, .weight = 10.0}};
  model::Placement apart = model::Placement::empty_for(problem);
  apart.set(NodeId{0}, ServiceId{0}, 1);
  apart.set(NodeId{1}, ServiceId{1}, 1);
  EXPECT_DOUBLE_EQ(model::evaluate(problem, apart).free_ratio, 6.25);
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0) + on(solution, 1, 0), 1);
  EXPECT_TRUE((on(solution, 0, 0) == 1 && on(solution, 0, 1) == 1) || (on(solution, 1, 0) == 1 && on(solution, 1, 1) == 1));
  EXPECT_NEAR(solution.terms.free_ratio, 0.0, 1e-12);
  EXPECT_LE(solution.lower_bound, solution.objective + 1e-9);
}

// n1 runs one db and one web but has room for only one of them now; n2 has room for the
// other. Moving db costs 5 times the migration weight, moving web once: web moves.
TEST(Scenario, MoveCostDecidesWhichServiceMoves) {
  const auto problem = a_problem({a_node("n1").cpu(1000).running(0, 1).running(1, 1), a_node("n2").cpu(1000)},
                                 {a_service("db").cpu(1000).move_cost(5.0), a_service("web").cpu(1000)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0), 1) << "db stays";
  EXPECT_EQ(on(solution, 1, 1), 1) << "web moves";
  EXPECT_DOUBLE_EQ(solution.terms.migration, 1.0);
}

// n1 (the only ssd node) runs two api and two web replicas and is full; the new cache
// needs two of its slots, so two replicas move to n2. Moving both of one service or one
// of each costs the same migration; a service move weight makes it one of each, so that no
// service moves more than one replica.
TEST(Scenario, ServiceMoveCostSpreadsTheMovesOverServices) {
  auto problem = a_problem({a_node("n1").cpu(4000).label("disk", "ssd").running(0, 2).running(1, 2), a_node("n2").cpu(6000)},
                           {a_service("api").replicas(2).cpu(1000), a_service("web").replicas(2).cpu(1000),
                            a_service("cache").replicas(2).cpu(1000).selector("disk", "ssd")});
  problem.objective.weights.service_move = 5.0;
  for (const int exact_max_replicas : {SolveOptions{}.exact_max_replicas, 0}) {
    SCOPED_TRACE(exact_max_replicas);
    SolveOptions options;
    options.exact_max_replicas = exact_max_replicas;  // 0: dual decomposition, recovery and local search
    const auto solution = solve(problem, options);
    expect_valid(problem, solution);
    EXPECT_EQ(on(solution, 0, 2), 2) << "cache on n1";
    EXPECT_EQ(on(solution, 1, 0), 1) << "one api moves";
    EXPECT_EQ(on(solution, 1, 1), 1) << "one web moves";
    EXPECT_DOUBLE_EQ(solution.terms.migration, 2.0);
    EXPECT_DOUBLE_EQ(solution.terms.service_move, 5.0);
    EXPECT_LE(solution.lower_bound, solution.objective + 1e-9);
  }
}

// The same with four services of two replicas on n1 and four cache replicas: one replica
// of each moves. Two services moving two each is a tie that no single replica going home
// breaks, so the local search must take a move that costs nothing to get there.
TEST(Scenario, ServiceMoveCostBreaksTiesAtTheMost) {
  std::vector<model::Service> services;
  auto n1 = a_node("n1").cpu(8000).label("disk", "ssd");
  for (std::uint32_t s = 0; s < 4; ++s) {
    services.push_back(a_service("app" + std::to_string(s)).replicas(2).cpu(1000));
    n1.running(s, 2);
  }
  services.push_back(a_service("cache").replicas(4).cpu(1000).selector("disk", "ssd"));
  auto problem = a_problem({n1, a_node("n2").cpu(8000)}, services);
  problem.objective.weights.service_move = 5.0;
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 4), 4) << "cache on n1";
  for (std::uint32_t s = 0; s < 4; ++s) EXPECT_EQ(on(solution, 1, s), 1) << "app" << s;
  EXPECT_DOUBLE_EQ(solution.terms.service_move, 5.0);
}

// db must now run on an ssd node. n1 (hdd) runs db, n2 (ssd) runs web, each filling its
// node; n3 (ssd) is empty but costs 3. Swapping db and web is cheapest (2 nodes, 2 moves),
// but with cpu transient both would be on each node while they move: db goes to n3 and
// web stays.
TEST(Scenario, TransientResourcesRuleOutASwapThatWouldHoldBothReplicasOnANode) {
  auto problem = a_problem({a_node("n1").cpu(1000).label("disk", "hdd").running(0, 1),
                            a_node("n2").cpu(1000).label("disk", "ssd").running(1, 1),
                            a_node("n3").cpu(1000).label("disk", "ssd").cost(3.0)},
                           {a_service("db").cpu(1000).selector("disk", "ssd"), a_service("web").cpu(1000)});
  const auto swapped = solve(problem);
  expect_valid(problem, swapped);
  EXPECT_EQ(on(swapped, 1, 0), 1) << "db to n2";
  EXPECT_EQ(on(swapped, 0, 1), 1) << "web to n1";
  problem.rollout.transient = {0};
  for (const int exact_max_replicas : {SolveOptions{}.exact_max_replicas, 0}) {
    SCOPED_TRACE(exact_max_replicas);
    SolveOptions options;
    options.exact_max_replicas = exact_max_replicas;  // 0: dual decomposition and recovery alone
    const auto solution = solve(problem, options);
    expect_valid(problem, solution);
    EXPECT_EQ(on(solution, 2, 0), 1) << "db to n3";
    EXPECT_EQ(on(solution, 1, 1), 1) << "web stays";
    EXPECT_TRUE(solution.unplaced.empty());
  }
}

// web must leave n1 (its selector no longer matches) but holds its cpu there while it
// goes; db fits n1's capacity only once web is gone, so it stays unplaced and says why.
TEST(Scenario, ReplicaBlockedByATransientResourceIsUnplacedWithThatReason) {
  auto problem = a_problem({a_node("n1").cpu(1000).running(1, 1)},
                           {a_service("db").cpu(800).priority(5), a_service("web").cpu(800).selector("tier", "front")});
  problem.rollout.transient = {0};
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  ASSERT_EQ(solution.unplaced.size(), 2u);
  EXPECT_EQ(solution.unplaced[0].service, ServiceId{0});
  EXPECT_NE(solution.unplaced[0].reason.find("cpu held by replicas moving away"), std::string::npos)
      << solution.unplaced[0].reason;
}

// cache may run only on ssd nodes, all in zone b; web must run near cache by zone. The
// zone-a nodes are cheaper, but web goes to zone b, on nodes of its own if need be.
TEST(Scenario, NearKeepsAServiceInTheZonesItsTargetRunsIn) {
  const auto problem = a_problem({a_node("a1").label("zone", "a").cost(0.5), a_node("a2").label("zone", "a").cost(0.5),
                                  a_node("b1").label("zone", "b").label("disk", "ssd"), a_node("b2").label("zone", "b")},
                                 {a_service("web").replicas(6).cpu(1000).near(1, "zone"),
                                  a_service("cache").cpu(2000).selector("disk", "ssd")});
  for (const int exact_max_replicas : {SolveOptions{}.exact_max_replicas, 0}) {
    SCOPED_TRACE(exact_max_replicas);
    SolveOptions options;
    options.exact_max_replicas = exact_max_replicas;
    const auto solution = solve(problem, options);
    expect_valid(problem, solution);
    EXPECT_EQ(on(solution, 2, 1), 1) << "cache on its ssd node";
    EXPECT_EQ(on(solution, 2, 0) + on(solution, 3, 0), 6) << "every web replica in zone b";
    EXPECT_TRUE(solution.unplaced.empty());
  }
}

// The target cannot be placed anywhere (no node matches its selector), so neither can the
// service near it, and the reason says so.
TEST(Scenario, NearATargetThatRunsNowhereLeavesTheServiceUnplacedWithThatReason) {
  const auto problem = a_problem({a_node("a1").label("zone", "a")},
                                 {a_service("web").near(1, "zone").priority(1), a_service("cache").selector("disk", "nvme")});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  ASSERT_EQ(solution.unplaced.size(), 2u);
  EXPECT_EQ(solution.unplaced[0].service, ServiceId{0});
  EXPECT_NE(solution.unplaced[0].reason.find("no cache in zone a (near)"), std::string::npos) << solution.unplaced[0].reason;
}

TEST(Scenario, HigherPriorityWinsTheOnlyRoomAndTheOtherIsUnplacedWithAReason) {
  const auto problem = a_problem({a_node("n1").cpu(1000)},
                                 {a_service("batch").cpu(1000).priority(0), a_service("api").cpu(1000).priority(3)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 1), 1);
  EXPECT_EQ(on(solution, 0, 0), 0);
  ASSERT_EQ(solution.unplaced.size(), 1u);
  EXPECT_EQ(solution.unplaced[0].service, ServiceId{0});
  EXPECT_EQ(solution.unplaced[0].count, 1);
  EXPECT_FALSE(solution.unplaced[0].reason.empty());
  EXPECT_EQ(solution.status, SolveStatus::partial);
}

TEST(Scenario, OverCommittedClusterBoundsWhatStaysUnplacedAndPlacesTheSmallReplicas) {
  // 20 nodes of 8 CPUs; 30 services of 0.5 to 4 CPUs ask twice that. Equal priority: every
  // replica counts the same, so the small ones should go first, and the bound must show
  // at least the penalty that the fractional knapsack leaves out (smallest first).
  std::vector<model::Node> nodes;
  for (int n = 0; n < 20; ++n) nodes.push_back(a_node("n" + std::to_string(n)).cpu(8000));
  std::vector<model::Service> services;
  for (int s = 0; s < 30; ++s)
    services.push_back(a_service("s" + std::to_string(s)).replicas(4 + s % 5).cpu(500 * (1 + s % 8)));
  const auto problem = a_problem(nodes, services);
  std::vector<std::int64_t> sizes;
  for (const auto& service : problem.services) sizes.insert(sizes.end(), service.replicas, service.request[0]);
  std::sort(sizes.begin(), sizes.end());
  double capacity = 20 * 8000, left_out = 0;
  for (const auto size : sizes) {
    const double fits = std::clamp(capacity / static_cast<double>(size), 0.0, 1.0);
    capacity -= fits * static_cast<double>(size);
    left_out += 1 - fits;
  }
  const double knapsack_bound = left_out * problem.objective.weights.unplaced;

  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_GE(solution.lower_bound, knapsack_bound - 1e-6);
  EXPECT_LE(solution.objective, 1.15 * knapsack_bound);
  const auto placed = solution.placement.placed_per_service(problem.services.size());
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    if (problem.services[s].request[0] == 500) {
      EXPECT_EQ(placed[s], problem.services[s].replicas) << "service " << s;
    }
  }
}

TEST(Scenario, ServicesPinnedToFewNodesBoundWhatStaysUnplacedThere) {
  // 20 nodes labelled pool=gpu take every replica of 60 pinned services, which ask more
  // than those nodes hold; 180 general nodes have room for everything else. The cluster
  // as a whole has room, so only pricing the pinned group on its own nodes shows that at
  // least the penalty of its fractional knapsack stays unplaced.
  constexpr int kPinnedNodes = 20, kNodes = 200, kPinned = 60, kFree = 100;
  std::vector<model::Node> nodes;
  for (int n = 0; n < kNodes; ++n)
    nodes.push_back(a_node("n" + std::to_string(n)).cpu(4000).memory_gib(64).label("pool", n < kPinnedNodes ? "gpu" : "general"));
  std::vector<model::Service> services;
  for (int s = 0; s < kPinned; ++s)
    services.push_back(a_service("pinned" + std::to_string(s)).replicas(2 + s % 3).cpu(250 * (1 + s % 7)).selector("pool", "gpu"));
  for (int s = 0; s < kFree; ++s) services.push_back(a_service("free" + std::to_string(s)).replicas(2 + s % 4).cpu(100 * (1 + s % 9)));
  const auto problem = a_problem(nodes, services);
  std::vector<std::int64_t> pinned;
  for (int s = 0; s < kPinned; ++s) pinned.insert(pinned.end(), problem.services[s].replicas, problem.services[s].request[0]);
  std::sort(pinned.begin(), pinned.end());
  double capacity = kPinnedNodes * 4000.0, left_out = 0;
  for (const auto size : pinned) {
    const double fits = std::clamp(capacity / static_cast<double>(size), 0.0, 1.0);
    capacity -= fits * static_cast<double>(size);
    left_out += 1 - fits;
  }
  const double knapsack_bound = left_out * problem.objective.weights.unplaced;
  ASSERT_GT(knapsack_bound, 0);

  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_GE(solution.lower_bound, knapsack_bound - 1e-6);
  const auto placed = solution.placement.placed_per_service(problem.services.size());
  for (std::size_t s = kPinned; s < problem.services.size(); ++s)
    EXPECT_EQ(placed[s], problem.services[s].replicas) << "service " << s;
}

TEST(Scenario, MovesNothingWhenWhatRunsIsAlreadyOptimal) {
  const auto problem = a_problem({a_node("n1"), a_node("n2").running(0, 2).running(1, 1)},
                                 {a_service("web").replicas(2), a_service("db")});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(solution.moves, 0);
  EXPECT_EQ(solution.placement, model::Placement::from_running(problem));
}

TEST(Scenario, CordonedNodeKeepsItsReplicasButTakesNoNewOnes) {
  auto problem = a_problem({a_node("n1").state(NodeState::cordoned).running(0, 1), a_node("n2").cpu(8000).memory_gib(16)},
                           {a_service("web").replicas(3), a_service("db")});
  problem.objective.weights.migration = 5.0;  // keeping the replica is strictly better
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0), 1);
  EXPECT_EQ(on(solution, 0, 1), 0);
  EXPECT_EQ(on(solution, 1, 0), 2);
  EXPECT_EQ(on(solution, 1, 1), 1);
  EXPECT_EQ(solution.moves, 0);
}

TEST(Scenario, ReplicasOfALostNodeArePlacedElsewhere) {
  const auto problem = a_problem({a_node("n1").state(NodeState::lost).running(0, 2), a_node("n2"), a_node("n3")},
                                 {a_service("web").replicas(2)});
  const auto solution = solve(problem);
  expect_valid(problem, solution);
  EXPECT_EQ(on(solution, 0, 0), 0);
  EXPECT_EQ(on(solution, 1, 0) + on(solution, 2, 0), 2);
  EXPECT_TRUE(solution.unplaced.empty());
}

}  // namespace
}  // namespace berth::optimizer
