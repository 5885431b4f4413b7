#include "bench/baselines.hpp"

#include <gtest/gtest.h>

#include "bench/generator.hpp"
#include "common/model/evaluate.hpp"
#include "tests/support/builders.hpp"

namespace berth::bench {
namespace {

using model::NodeId;
using model::ServiceId;
using testing::a_node;
using testing::a_problem;
using testing::a_service;

std::string describe(const std::vector<model::Violation>& violations) {
  std::string text;
  for (const auto& v : violations) text += std::string(model::to_string(v.kind)) + ": " + v.detail + "\n";
  return text;
}

TEST(KubeGreedy, FeasibleNodesToFindFollowsKubeSchedulersAdaptivePercentage) {
  EXPECT_EQ(kube_feasible_nodes_to_find(50), 50);        // small clusters: every node
  EXPECT_EQ(kube_feasible_nodes_to_find(100), 100);      // 50% of 100, raised to the minimum 100
  EXPECT_EQ(kube_feasible_nodes_to_find(1000), 420);     // 50 − 1000/125 = 42%
  EXPECT_EQ(kube_feasible_nodes_to_find(5000), 500);     // 10%
  EXPECT_EQ(kube_feasible_nodes_to_find(10000), 500);    // floor of 5%
  EXPECT_EQ(kube_feasible_nodes_to_find(100000), 5000);  // 5%
  EXPECT_EQ(kube_feasible_nodes_to_find(1000, 100), 1000);
  EXPECT_EQ(kube_feasible_nodes_to_find(1000, 20), 200);
  EXPECT_EQ(kube_feasible_nodes_to_find(1000, 5), 100);
}

TEST(Baselines, HonourNodeAffinity) {
  const auto problem = a_problem({a_node("n1").label("gpu", "T4"), a_node("n2").label("gpu", "A100")},
                                 {a_service("train").replicas(3).cpu(500).affinity("gpu", model::AffinityOperator::in,
                                                                                   {"A100"}),
                                  a_service("web").replicas(3).cpu(500)});
  for (const auto& placement : {kube_greedy(problem, KubeScoring::least_allocated),
                                kube_greedy(problem, KubeScoring::most_allocated), best_fit_decreasing(problem)}) {
    EXPECT_TRUE(model::check(problem, placement).empty()) << describe(model::check(problem, placement));
    EXPECT_EQ(placement.count(NodeId{0}, ServiceId{0}), 0);
    EXPECT_EQ(placement.count(NodeId{1}, ServiceId{0}), 3);
  }
}

TEST(KubeGreedy, MostAllocatedPacksWhereLeastAllocatedSpreads) {
  const auto problem = a_problem({a_node("n1"), a_node("n2"), a_node("n3")},
                                 {a_service("web").replicas(3).cpu(1000).memory_mib(1024)});
  const auto least = kube_greedy(problem, KubeScoring::least_allocated);
  const auto most = kube_greedy(problem, KubeScoring::most_allocated);
  EXPECT_EQ(model::stats(problem, least).nodes_used, 3);
  EXPECT_EQ(model::stats(problem, most).nodes_used, 1);
  EXPECT_TRUE(model::check(problem, least).empty());
  EXPECT_TRUE(model::check(problem, most).empty());
}

TEST(KubeGreedy, MostAllocatedPrefersTheFullerNode) {
  // n2 already holds "db" when "web" comes; MostAllocated puts web next to it.
  const auto problem = a_problem({a_node("n1"), a_node("n2")},
                                 {a_service("db").cpu(2000).memory_mib(4096).priority(1),
                                  a_service("web").cpu(1000).memory_mib(1024)});
  const auto most = kube_greedy(problem, KubeScoring::most_allocated);
  const auto db_node = most.count(NodeId{0}, ServiceId{0}) == 1 ? NodeId{0} : NodeId{1};
  EXPECT_EQ(most.count(db_node, ServiceId{1}), 1);
  const auto least = kube_greedy(problem, KubeScoring::least_allocated);
  const auto db_node_least = least.count(NodeId{0}, ServiceId{0}) == 1 ? NodeId{0} : NodeId{1};
  EXPECT_EQ(least.count(db_node_least, ServiceId{1}), 0);
}

TEST(KubeGreedy, HigherPriorityIsScheduledFirstWhenCapacityIsShort) {
  const auto problem = a_problem({a_node("n1").cpu(4000)},
                                 {a_service("batch").cpu(3000), a_service("api").cpu(3000).priority(5)});
  const auto placement = kube_greedy(problem, KubeScoring::least_allocated);
  EXPECT_EQ(placement.count(NodeId{0}, ServiceId{1}), 1);
  EXPECT_EQ(placement.count(NodeId{0}, ServiceId{0}), 0);
  EXPECT_TRUE(model::check(problem, placement).empty());
}

TEST(KubeGreedy, LeavesReplicasUnplacedWhenNothingFits) {
  const auto problem = a_problem({a_node("n1").cpu(1000)}, {a_service("big").replicas(2).cpu(2000)});
  const auto placement = kube_greedy(problem, KubeScoring::most_allocated);
  EXPECT_EQ(model::stats(problem, placement).replicas_unplaced, 2);
  EXPECT_TRUE(model::check(problem, placement).empty());
}

TEST(KubeGreedy, SpreadBlocksAZoneThatWouldExceedMaxSkew) {
  // Zone a has room for everything, zone b for one replica: with max_skew 1 only three fit.
  const auto problem = a_problem(
      {a_node("a1").cpu(8000).memory_gib(32).label("zone", "a"), a_node("b1").cpu(1000).label("zone", "b")},
      {a_service("web").replicas(5).cpu(1000).memory_mib(512).spread("zone", 1)});
  for (const auto scoring : {KubeScoring::least_allocated, KubeScoring::most_allocated}) {
    const auto placement = kube_greedy(problem, scoring);
    EXPECT_EQ(placement.count(NodeId{0}, ServiceId{0}), 2) << to_string(scoring);
    EXPECT_EQ(placement.count(NodeId{1}, ServiceId{0}), 1) << to_string(scoring);
    EXPECT_TRUE(model::check(problem, placement).empty()) << to_string(scoring);
  }
}

TEST(KubeGreedy, HonoursMaxPerNodeAvoidAndTaints) {
  const auto problem = a_problem(
      {a_node("n1").cpu(8000).memory_gib(32), a_node("n2").cpu(8000).memory_gib(32),
       a_node("gpu").cpu(8000).memory_gib(32).taint("accelerator=gpu:NoSchedule")},
      {a_service("web").replicas(3).max_per_node(1), a_service("db").replicas(1).avoid(0)});
  const auto placement = kube_greedy(problem, KubeScoring::most_allocated);
  EXPECT_EQ(placement.count(NodeId{2}, ServiceId{0}), 0);
  EXPECT_EQ(model::stats(problem, placement).replicas_unplaced, 2);  // one web and the db have no node left
  EXPECT_TRUE(model::check(problem, placement).empty()) << describe(model::check(problem, placement));
}

TEST(KubeGreedy, SameSeedSamePlacement) {
  const auto problem = generate_cluster({.nodes = 150, .replicas = 1500, .seed = 9});
  EXPECT_EQ(kube_greedy(problem, KubeScoring::least_allocated, {.seed = 3}),
            kube_greedy(problem, KubeScoring::least_allocated, {.seed = 3}));
}

TEST(BestFitDecreasing, OpensTheCheapestNodePerCapacityAndFillsTheBestFit) {
  // Normalized capacity (per mean capacity): a 1.5, b 3, c 1.5; cost per unit: b 0.6,
  // a 0.67, c 0.8, so nodes open in the order b, a, c.
  const auto problem = a_problem(
      {a_node("a").cpu(4000).memory_gib(8).cost(1.0), a_node("b").cpu(8000).memory_gib(16).cost(1.8),
       a_node("c").cpu(4000).memory_gib(8).cost(1.2)},
      {a_service("small").replicas(3).cpu(1000).memory_mib(2048), a_service("big").replicas(1).cpu(6000).memory_mib(12288),
       a_service("medium").replicas(2).cpu(3000).memory_mib(6144)});
  const auto placement = best_fit_decreasing(problem);
  EXPECT_TRUE(model::check(problem, placement).empty());
  // big opens b; medium does not fit b's rest and opens a, then c; small fills a and c
  // (1000m left each, tie to the lower index first), then b.
  EXPECT_EQ(placement.count(NodeId{1}, ServiceId{1}), 1);
  EXPECT_EQ(placement.count(NodeId{0}, ServiceId{2}), 1);
  EXPECT_EQ(placement.count(NodeId{2}, ServiceId{2}), 1);
  EXPECT_EQ(placement.count(NodeId{0}, ServiceId{0}), 1);
  EXPECT_EQ(placement.count(NodeId{2}, ServiceId{0}), 1);
  EXPECT_EQ(placement.count(NodeId{1}, ServiceId{0}), 1);
}

TEST(BestFitDecreasing, PrefersAUsedNodeToOpeningAnother) {
  const auto problem = a_problem({a_node("n1"), a_node("n2"), a_node("n3")},
                                 {a_service("web").replicas(6).cpu(500).memory_mib(512)});
  const auto placement = best_fit_decreasing(problem);
  EXPECT_EQ(model::stats(problem, placement).nodes_used, 1);
  EXPECT_TRUE(model::check(problem, placement).empty());
}

TEST(BestFitDecreasing, HonoursSpreadMaxPerNodeAndAvoid) {
  const auto problem = a_problem(
      {a_node("a1").cpu(8000).memory_gib(32).label("zone", "a"), a_node("a2").cpu(8000).memory_gib(32).label("zone", "a"),
       a_node("b1").cpu(8000).memory_gib(32).label("zone", "b"), a_node("b2").cpu(8000).memory_gib(32).label("zone", "b")},
      {a_service("web").replicas(4).spread("zone", 1).max_per_node(1), a_service("cache").replicas(2).avoid(0),
       a_service("batch").replicas(6).cpu(250).memory_mib(256)});
  const auto placement = best_fit_decreasing(problem);
  EXPECT_TRUE(model::check(problem, placement).empty()) << describe(model::check(problem, placement));
  EXPECT_EQ(model::stats(problem, placement).replicas_unplaced, 2);  // web takes every node: cache has none
}

TEST(BestFitDecreasing, LeavesReplicasUnplacedWhenNothingFits) {
  const auto problem = a_problem({a_node("n1").cpu(1000)}, {a_service("big").replicas(2).cpu(2000)});
  const auto placement = best_fit_decreasing(problem);
  EXPECT_EQ(model::stats(problem, placement).replicas_unplaced, 2);
}

// Property: on generated clusters every baseline is valid and places nearly everything.
TEST(Baselines, RespectEveryHardRuleOnGeneratedClusters) {
  for (const std::uint64_t seed : {1, 2, 3, 4, 5}) {
    const auto problem = generate_cluster({.nodes = 200, .replicas = 2000, .seed = seed});
    const std::pair<const char*, model::Placement> runs[] = {
        {"kube-least", kube_greedy(problem, KubeScoring::least_allocated)},
        {"kube-most", kube_greedy(problem, KubeScoring::most_allocated)},
        {"kube-most-all-nodes", kube_greedy(problem, KubeScoring::most_allocated, {.percentage_of_nodes_to_score = 100})},
        {"bfd", best_fit_decreasing(problem)},
    };
    for (const auto& [name, placement] : runs) {
      const auto violations = model::check(problem, placement);
      EXPECT_TRUE(violations.empty()) << "seed " << seed << " " << name << "\n" << describe(violations);
      EXPECT_LE(model::stats(problem, placement).replicas_unplaced, 100) << "seed " << seed << " " << name;
    }
  }
}

TEST(Baselines, BestFitUsesFewerNodesThanKubeOnGeneratedClusters) {
  const auto problem = generate_cluster({.nodes = 200, .replicas = 2000, .seed = 11});
  const int bfd = model::stats(problem, best_fit_decreasing(problem)).nodes_used;
  EXPECT_LT(bfd, model::stats(problem, kube_greedy(problem, KubeScoring::least_allocated)).nodes_used);
  EXPECT_LT(bfd, model::stats(problem, kube_greedy(problem, KubeScoring::most_allocated)).nodes_used);
}

}  // namespace
}  // namespace berth::bench
