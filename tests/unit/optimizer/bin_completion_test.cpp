// Bin completion: perfect packings of pure bin packing problems, found or proven absent,
// and the cases where it does not apply.
#include "common/optimizer/bin_completion.hpp"

#include <gtest/gtest.h>

#include <random>

#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"
#include "tests/support/builders.hpp"

namespace berth::optimizer {
namespace {

using testing::a_node;
using testing::a_problem;
using testing::a_service;

// `bins` nodes of 12000 m cpu and 48 GiB, and services cut from them in threes: each
// node's capacity split into three random requests, so `bins` nodes fit everything
// exactly and no node can be left with room. Twice as many spare nodes are offered.
model::Problem perfect_triples(int bins, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<model::Node> nodes;
  for (int n = 0; n < 3 * bins; ++n) nodes.push_back(a_node("n" + std::to_string(n)).cpu(12000).memory_gib(48));
  std::vector<model::Service> services;
  for (int b = 0; b < bins; ++b) {
    const std::int64_t cpu_a = 3000 + static_cast<std::int64_t>(random() % 2001);
    const std::int64_t cpu_b = 3000 + static_cast<std::int64_t>(random() % 2001);
    const std::int64_t mem_a = 12 * 1024 + static_cast<std::int64_t>(random() % 8193);
    const std::int64_t mem_b = 12 * 1024 + static_cast<std::int64_t>(random() % 8193);
    const std::int64_t cpus[3] = {cpu_a, cpu_b, 12000 - cpu_a - cpu_b};
    const std::int64_t mems[3] = {mem_a, mem_b, 48 * 1024 - mem_a - mem_b};
    for (int k = 0; k < 3; ++k)
      services.push_back(a_service("s" + std::to_string(3 * b + k)).replicas(1).cpu(cpus[k]).memory_mib(mems[k]));
  }
  return a_problem(nodes, services);
}

int nodes_used(const WorkingPlacement& placement) {
  int used = 0;
  for (std::size_t n = 0; n < placement.instance().node_count(); ++n) used += placement.used(n) ? 1 : 0;
  return used;
}

TEST(BinCompletion, FindsThePerfectPackingOfExactlyFillingTriples) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const model::Problem problem = perfect_triples(25, seed);
    const Instance inst = make_instance(problem);
    ASSERT_TRUE(bin_packing_case(inst));

    const auto packed = complete_bins(inst, 25, {});

    ASSERT_TRUE(packed.has_value()) << "seed " << seed;
    EXPECT_EQ(nodes_used(*packed), 25);
    const model::Placement placement = packed->to_placement();
    EXPECT_TRUE(model::check(problem, placement).empty()) << "seed " << seed;
    EXPECT_EQ(model::stats(problem, placement).replicas_unplaced, 0);
  }
}

TEST(BinCompletion, ReportsNoPackingIntoFewerNodesThanTheDemandNeeds) {
  const model::Problem problem = perfect_triples(10, 4);
  const Instance inst = make_instance(problem);
  EXPECT_FALSE(complete_bins(inst, 9, {}).has_value());
}

TEST(BinCompletion, PacksWithRoomToSpareWhenMoreNodesAreAllowed) {
  const model::Problem problem = perfect_triples(10, 5);
  const Instance inst = make_instance(problem);
  const auto packed = complete_bins(inst, 11, {});
  ASSERT_TRUE(packed.has_value());
  EXPECT_LE(nodes_used(*packed), 11);
  EXPECT_TRUE(model::check(problem, packed->to_placement()).empty());
}

TEST(BinCompletion, DoesNotApplyWhenAnyPerNodeRuleOrNodeDifferenceCounts) {
  const auto applies = [](const model::Problem& problem) { return bin_packing_case(make_instance(problem)); };
  const model::Problem plain = a_problem({a_node("n1"), a_node("n2")}, {a_service("a").replicas(3)});
  EXPECT_TRUE(applies(plain));
  EXPECT_FALSE(applies(a_problem({a_node("n1"), a_node("n2").cpu(8000)}, {a_service("a").replicas(3)})));
  EXPECT_FALSE(applies(a_problem({a_node("n1"), a_node("n2")}, {a_service("a").replicas(3).max_per_node(2)})));
  EXPECT_FALSE(applies(a_problem({a_node("n1"), a_node("n2")}, {a_service("a").avoid(1), a_service("b")})));
  EXPECT_FALSE(applies(a_problem({a_node("n1").label("zone", "a"), a_node("n2").label("zone", "b")},
                                 {a_service("a").replicas(2).spread("zone", 1)})));
  EXPECT_FALSE(applies(a_problem({a_node("n1"), a_node("n2")}, {a_service("a").replicas(3)}, model::Strategy::spread)));
  EXPECT_FALSE(applies(a_problem({a_node("n1").running(0, 1), a_node("n2")}, {a_service("a").replicas(3)})));
}

TEST(BinCompletion, LetsTheSolverProveAPerfectPackingOptimal) {
  const model::Problem problem = perfect_triples(30, 6);
  const auto solution = solve(problem, {.seed = 1, .known_lower_bound = 30});
  EXPECT_EQ(solution.status, SolveStatus::optimal);
  EXPECT_EQ(solution.nodes_used, 30);
  EXPECT_DOUBLE_EQ(solution.objective, 30.0);
  EXPECT_TRUE(model::check(problem, solution.placement).empty());
}

}  // namespace
// Five full nodes of three: q q h, q k k, q t f, t t t, f g g (memory in proportion).
// Four q fill a node too, so only the count (15 replicas, no two filling a node) shows
// that every node holds three.
TEST(BinCompletion, FindsThePerfectPackingWhenFourSmallRequestsFillANodeToo) {
  std::vector<model::Node> nodes;
  for (int n = 0; n < 8; ++n) nodes.push_back(a_node("n" + std::to_string(n)).cpu(12000).memory_gib(48));
  std::vector<model::Service> services;
  const auto add = [&](const char* name, int replicas, std::int64_t cpu) {
    services.push_back(a_service(name).replicas(replicas).cpu(cpu).memory_mib(cpu * 4));
  };
  add("q", 4, 3000);
  add("h", 1, 6000);
  add("t", 4, 4000);
  add("f", 2, 5000);
  add("g", 2, 3500);
  add("k", 2, 4500);
  const model::Problem problem = a_problem(nodes, services);
  const Instance inst = make_instance(problem);
  ASSERT_TRUE(bin_packing_case(inst));

  const auto packed = complete_bins(inst, 5, {});

  ASSERT_TRUE(packed.has_value());
  EXPECT_EQ(nodes_used(*packed), 5);
  EXPECT_TRUE(model::check(problem, packed->to_placement()).empty());
  for (std::size_t n = 0; n < 5; ++n) {
    int replicas = 0;
    for (const auto& sc : packed->hosted(n)) replicas += sc.count;
    EXPECT_EQ(replicas, 3) << "node " << n;
  }
}

TEST(BinCompletion, FindsLargePerfectTriplePackingsWithinTheDefaultBudget) {
  const model::Problem problem = perfect_triples(150, 7);
  const Instance inst = make_instance(problem);
  const auto packed = complete_bins(inst, 150, {.work_budget = 2'000'000});
  ASSERT_TRUE(packed.has_value());
  EXPECT_EQ(nodes_used(*packed), 150);
  EXPECT_TRUE(model::check(problem, packed->to_placement()).empty());
}

}  // namespace berth::optimizer
