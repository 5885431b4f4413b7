#include "common/optimizer/local.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace berth::optimizer {
namespace {

// A node with capacity {cpu, memory} and items given as {cpu, memory, limit, price}.
struct ItemSpec {
  std::int64_t cpu;
  std::int64_t memory;
  std::int32_t limit;
  double price;
  std::int32_t running = 0;
};

LocalProblem a_local_problem(std::int64_t cpu, std::int64_t memory, double fixed_cost, const std::vector<ItemSpec>& items) {
  LocalProblem lp;
  lp.dims = 2;
  lp.capacity = {cpu, memory};
  lp.fixed_cost = fixed_cost;
  lp.migration_weight = 1.0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    lp.items.push_back({static_cast<std::uint32_t>(i), items[i].limit, items[i].running, items[i].price});
    lp.demand.push_back(items[i].cpu);
    lp.demand.push_back(items[i].memory);
  }
  lp.conflicts.resize(items.size());
  lp.prefers.resize(items.size());
  lp.preferred_by.resize(items.size());
  lp.unmet_preferences.assign(items.size(), 0);
  return lp;
}

// The best value over every answer, by plain enumeration of the counts.
double enumerate_best(const LocalProblem& lp) {
  std::vector<std::int32_t> counts(lp.items.size(), 0);
  double best = std::numeric_limits<double>::infinity();
  for (;;) {
    double value = local_cost(lp, counts);
    for (std::size_t i = 0; i < counts.size(); ++i) value -= lp.items[i].price * counts[i];
    best = std::min(best, value);
    std::size_t i = 0;
    while (i < counts.size() && counts[i] == lp.items[i].limit) counts[i++] = 0;
    if (i == counts.size()) return best;
    ++counts[i];
  }
}

TEST(LocalSolver, TakesTheMostValuableFillThatFits) {
  // Capacity 10 cpu: two of item 0 (value 6 each, 4 cpu) beat five of item 1 (value 2, 2 cpu).
  const auto lp = a_local_problem(10, 100, 1.0, {{4, 1, 3, 6.0}, {2, 1, 5, 2.0}});
  const auto answer = solve_local(lp);
  EXPECT_TRUE(answer.exact);
  EXPECT_EQ(answer.counts, (std::vector<std::int32_t>{2, 1}));
  EXPECT_DOUBLE_EQ(answer.value, 1.0 - 2 * 6.0 - 2.0);
  EXPECT_DOUBLE_EQ(answer.lower_bound, answer.value);
}

TEST(LocalSolver, StaysEmptyWhenPricesDoNotPayForTheNode) {
  const auto lp = a_local_problem(10, 100, 5.0, {{4, 1, 2, 1.0}});
  const auto answer = solve_local(lp);
  EXPECT_EQ(answer.counts, (std::vector<std::int32_t>{0}));
  EXPECT_DOUBLE_EQ(answer.value, 0.0);
}

TEST(LocalSolver, KeepsRunningReplicasWhenMovingThemCostsMore) {
  // Price 0, node cost 1, two replicas running: keeping them (cost 1) beats moving (cost 2).
  const auto lp = a_local_problem(10, 100, 1.0, {{1, 1, 2, 0.0, 2}});
  const auto answer = solve_local(lp);
  EXPECT_EQ(answer.counts, (std::vector<std::int32_t>{2}));
  EXPECT_DOUBLE_EQ(answer.value, 1.0);
}

TEST(LocalSolver, NeverHostsServicesThatAvoidEachOther) {
  auto lp = a_local_problem(10, 100, 0.0, {{1, 1, 2, 5.0}, {1, 1, 2, 4.0}});
  lp.conflicts = {{1}, {0}};
  for (const std::int64_t limit : {std::int64_t{4096}, std::int64_t{0}}) {
    const auto answer = solve_local(lp, {.enumeration_limit = limit});
    EXPECT_TRUE(answer.counts[0] == 0 || answer.counts[1] == 0) << "enumeration_limit " << limit;
    EXPECT_EQ(answer.counts[0], 2) << "enumeration_limit " << limit;
  }
}

// On random subproblems the heuristic path (enumeration off) returns a feasible answer
// whose value is what it claims, and a bound at or below the true optimum.
TEST(LocalSolver, HeuristicBoundNeverExceedsTheEnumeratedOptimum) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1)); };
    std::vector<ItemSpec> items;
    const int item_count = pick(1, 4);
    for (int i = 0; i < item_count; ++i)
      items.push_back({pick(1, 6), pick(1, 6), pick(0, 3), pick(0, 40) / 4.0, pick(0, 2)});
    auto lp = a_local_problem(pick(4, 16), pick(4, 16), pick(0, 8) / 2.0, items);
    if (seed % 3 == 0) lp.load_spread_weight = 2.0;
    if (seed % 5 == 0) lp.balance_weight = 1.5;
    if (seed % 3 == 1) lp.free_ratio.push_back({.per = 0, .keep = 1, .ratio = pick(1, 4) / 2.0, .weight = static_cast<double>(pick(1, 6))});
    if (seed % 2 == 0) {
      lp.soft_capacity = {lp.capacity[0] * pick(3, 9) / 10, lp.capacity[1] * pick(3, 9) / 10};
      lp.overload_weight = {pick(1, 8) / 2.0, pick(0, 8) / 2.0};
    }
    if (seed % 4 == 0 && item_count > 1) {
      lp.conflicts[0].push_back(1);
      lp.conflicts[1].push_back(0);
    }
    if (seed % 7 == 0 && item_count > 1) {
      lp.colocation_weight = 0.5;
      lp.prefers[0].push_back(1);
      lp.preferred_by[1].push_back(0);
    }
    const double optimum = enumerate_best(lp);
    const auto exact = solve_local(lp);
    EXPECT_NEAR(exact.value, optimum, 1e-9);
    const auto heuristic = solve_local(lp, {.enumeration_limit = 0});
    EXPECT_FALSE(heuristic.exact);
    double claimed = local_cost(lp, heuristic.counts);
    for (std::size_t i = 0; i < heuristic.counts.size(); ++i) claimed -= lp.items[i].price * heuristic.counts[i];
    EXPECT_NEAR(heuristic.value, claimed, 1e-9);
    EXPECT_GE(heuristic.value, optimum - 1e-9);
    EXPECT_LE(heuristic.lower_bound, optimum + 1e-9);
    const auto bound_only = solve_local(lp, {.enumeration_limit = 0, .want_answer = false});
    EXPECT_LE(bound_only.lower_bound, optimum + 1e-9);
  }
}

TEST(LocalSolver, CostIsInfiniteForAnswersThatBreakARule) {
  auto lp = a_local_problem(10, 10, 0.0, {{6, 1, 2, 1.0}, {1, 1, 1, 1.0}});
  EXPECT_EQ(local_cost(lp, {2, 0}), std::numeric_limits<double>::infinity());  // 12 cpu > 10
  EXPECT_EQ(local_cost(lp, {0, 2}), std::numeric_limits<double>::infinity());  // over the limit
  lp.conflicts = {{1}, {0}};
  EXPECT_EQ(local_cost(lp, {1, 1}), std::numeric_limits<double>::infinity());
}

// cpu is transient: the node has 4 cpu, one replica (1 cpu) runs there now, but 1 cpu of
// the other 3 is still held by a replica of another service moving away. So besides the
// replica it keeps, it may take only 2 more, though its capacity holds 4.
LocalProblem a_transient_problem(std::int32_t limit) {
  auto lp = a_local_problem(4, 100, 0.0, {{1, 1, limit, 5.0, 1}});
  lp.transient_dims = {0};
  lp.transient_room = {2};
  return lp;
}

TEST(LocalSolver, TakesNoMoreThanTheTransientRoomBeyondWhatRunsThere) {
  const auto lp = a_transient_problem(4);
  EXPECT_EQ(local_cost(lp, {4}), std::numeric_limits<double>::infinity());
  EXPECT_LT(local_cost(lp, {3}), std::numeric_limits<double>::infinity());
  const auto enumerated = solve_local(lp);
  EXPECT_TRUE(enumerated.exact);
  EXPECT_EQ(enumerated.counts, (std::vector<std::int32_t>{3}));
  // The greedies (no enumeration) must keep to the same room.
  const auto greedy = solve_local(lp, {.enumeration_limit = 1});
  EXPECT_FALSE(greedy.exact);
  EXPECT_EQ(greedy.counts, (std::vector<std::int32_t>{3}));
  EXPECT_LE(greedy.lower_bound, enumerated.value + 1e-9);
  auto with_overload = lp;  // a usage term sends it to the marginal greedy
  with_overload.soft_capacity = {3, 100};
  with_overload.overload_weight = {0.1, 0.1};
  EXPECT_EQ(solve_local(with_overload, {.enumeration_limit = 1}).counts, (std::vector<std::int32_t>{3}));
}

}  // namespace
}  // namespace berth::optimizer
