// The optimizer's reassignment search and bounds, checked against the independent
// checker and evaluator in bench/roadef and against brute force on small instances.
#include "common/optimizer/reassignment.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "bench/roadef/checker.hpp"
#include "bench/roadef/lp_bound.hpp"
#include "bench/roadef/reader.hpp"
#include "common/optimizer/reassignment_state.hpp"
#include "tiny_instance.hpp"

namespace berth::roadef {
namespace {

using optimizer::Reassignment;

// The cheapest valid assignment, by enumeration (machines^processes of them).
std::int64_t brute_force_optimum(const Reassignment& p) {
  const std::size_t n = p.processes.size();
  const int machines = static_cast<int>(p.machines.size());
  std::vector<int> a(n, 0);
  std::int64_t best = std::numeric_limits<std::int64_t>::max();
  while (true) {
    if (check(p, a, 1).empty()) best = std::min(best, evaluate(p, a).total());
    std::size_t k = 0;
    while (k < n && ++a[k] == machines) a[k++] = 0;
    if (k == n) break;
  }
  return best;
}

// A random instance whose initial assignment is valid: each service's processes start on
// distinct machines, capacities are raised to fit the start, and spread minimums and
// dependencies are only drawn where the start satisfies them.
struct Shape {
  int max_machines = 4;
  int max_services = 3;
  int max_slack = 8;  // capacity above the initial load
};

Reassignment random_instance(std::uint64_t seed, const Shape& shape) {
  std::mt19937_64 rng(seed);
  const auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto at = [](int index) { return static_cast<std::size_t>(index); };
  Reassignment p;
  const int resources = pick(1, 3);
  const int machines = pick(3, shape.max_machines);
  const int services = pick(2, shape.max_services);
  for (int r = 0; r < resources; ++r)
    p.resources.push_back({.transient = pick(0, 2) == 0, .load_cost_weight = pick(0, 10)});
  for (int m = 0; m < machines; ++m) {
    std::vector<std::int64_t> safety;
    for (int r = 0; r < resources; ++r) safety.push_back(pick(0, 12));
    p.machines.push_back({.neighborhood = pick(0, machines / 2),
                          .location = pick(0, machines - 2),
                          .capacity = std::vector<std::int64_t>(at(resources), 0),
                          .safety_capacity = safety});
  }
  p.machine_move_cost.assign(at(machines), std::vector<std::int64_t>(at(machines), 0));
  for (int a = 0; a < machines; ++a)
    for (int b = 0; b < machines; ++b)
      if (a != b) p.machine_move_cost[at(a)][at(b)] = pick(0, 5);

  // Each service takes a random subset of distinct machines for its processes.
  p.services.resize(at(services));
  for (int s = 0; s < services; ++s) {
    for (int m = 0; m < machines; ++m) {
      if (pick(0, 2) != 0) continue;
      std::vector<std::int64_t> requirement;
      for (int r = 0; r < resources; ++r) requirement.push_back(pick(0, 6));
      p.processes.push_back({.service = s, .requirement = requirement, .move_cost = pick(0, 4)});
      p.initial.push_back(m);
    }
  }
  for (std::size_t i = 0; i < p.processes.size(); ++i)
    for (int r = 0; r < resources; ++r)
      p.machines[at(p.initial[i])].capacity[at(r)] += p.processes[i].requirement[at(r)];
  for (auto& machine : p.machines)
    for (auto& c : machine.capacity) c += pick(0, shape.max_slack);

  for (int s = 0; s < services; ++s) {
    std::vector<int> locations;
    for (std::size_t i = 0; i < p.processes.size(); ++i) {
      const int location = p.machines[at(p.initial[i])].location;
      if (p.processes[i].service == s && std::find(locations.begin(), locations.end(), location) == locations.end())
        locations.push_back(location);
    }
    p.services[at(s)].spread_min = pick(0, static_cast<int>(locations.size()));
  }
  for (int s = 0; s < services; ++s)
    for (int t = 0; t < services; ++t) {
      if (s == t || pick(0, 1) == 0) continue;
      p.services[at(s)].dependencies.push_back(t);
      if (!check(p, p.initial, 1).empty()) p.services[at(s)].dependencies.pop_back();
    }
  const int balances = pick(0, 2);
  for (int b = 0; b < balances; ++b)
    p.balances.push_back({.resource1 = pick(0, resources - 1),
                          .resource2 = pick(0, resources - 1),
                          .target = pick(0, 3),
                          .weight = pick(1, 5)});
  p.process_move_weight = pick(0, 3);
  p.service_move_weight = pick(0, 20);
  p.machine_move_weight = pick(0, 3);
  return p;
}

TEST(Reassignment, ImprovesTheTinyInstanceToItsOptimum) {
  auto parsed = parse_instance(testing::kTinyModel, testing::kTinyAssignment);
  ASSERT_TRUE(parsed);
  const auto& p = *parsed;
  const auto result = optimizer::improve_reassignment(p, p.initial, {.seed = 3, .max_iterations = 2000});
  EXPECT_TRUE(check(p, result.assignment).empty());
  EXPECT_EQ(result.initial_cost, 22);
  EXPECT_EQ(result.cost.total(), evaluate(p, result.assignment).total());
  EXPECT_EQ(result.cost.total(), brute_force_optimum(p));
}

void expect_agrees_with_checker(const Reassignment& p, const optimizer::ReassignmentResult& result) {
  const auto violations = check(p, result.assignment);
  ASSERT_TRUE(violations.empty()) << violations.front();
  const auto cost = evaluate(p, result.assignment);
  EXPECT_EQ(result.cost.load, cost.load);
  EXPECT_EQ(result.cost.balance, cost.balance);
  EXPECT_EQ(result.cost.process_move, cost.process_move);
  EXPECT_EQ(result.cost.service_move, cost.service_move);
  EXPECT_EQ(result.cost.machine_move, cost.machine_move);
  EXPECT_EQ(result.initial_cost, evaluate(p, p.initial).total());
  EXPECT_LE(cost.total(), result.initial_cost);
}

// Property: from a valid start the search never breaks a rule, its incremental cost
// equals the checker's from-scratch value term by term, and it never gets worse. Tight
// capacities and many services make most improving moves break some rule.
TEST(Reassignment, RandomInstancesStayValidAndAgreeWithTheChecker) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto p = random_instance(seed, {.max_machines = 8, .max_services = 8, .max_slack = 4});
    ASSERT_TRUE(check(p, p.initial).empty());
    expect_agrees_with_checker(p, optimizer::improve_reassignment(p, p.initial, {.seed = seed, .max_iterations = 5000}));
  }
}

// On instances small enough to enumerate: never below the optimum, and both lower
// bounds never above it.
TEST(Reassignment, BoundsStayBelowTheBruteForceOptimum) {
  int enumerated = 0;
  int lp_stronger = 0;          // instances where the relaxation beats the simple bound
  int lagrangian_stronger = 0;  // and where the Lagrangian bound does
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto p = random_instance(seed, {});
    if (p.processes.size() > 7) continue;  // keeps enumeration under 4^7 assignments
    ++enumerated;
    const auto result = optimizer::improve_reassignment(p, p.initial, {.seed = seed, .max_iterations = 3000});
    expect_agrees_with_checker(p, result);
    const auto optimum = brute_force_optimum(p);
    EXPECT_GE(result.cost.total(), optimum);
    EXPECT_LE(optimizer::reassignment_simple_bound(p), static_cast<double>(optimum) + 1e-6);
    const double simple = optimizer::reassignment_simple_bound(p);
    const double lagrangian = optimizer::reassignment_lagrangian_bound(p);
    EXPECT_LE(lagrangian, static_cast<double>(optimum) + 1e-6);
    EXPECT_GE(lagrangian, simple);
    if (lagrangian > simple) ++lagrangian_stronger;
    // The linear relaxation: below the optimum, and never below the simple bound (it
    // keeps every machine's load row, which the simple bound sums) but for rounding.
    const auto lp = lp_bound(p, {.time_limit_seconds = 10});
    ASSERT_TRUE(lp.solved);
    EXPECT_LE(lp.value, static_cast<double>(optimum));
    EXPECT_GE(lp.value + 2, optimizer::reassignment_simple_bound(p));
    // The Lagrangian dual prices the same rows the relaxation keeps: never above it.
    EXPECT_LE(lagrangian, lp.value + 2);
    if (lp.value > optimizer::reassignment_simple_bound(p) + 2) ++lp_stronger;
  }
  EXPECT_GT(lp_stronger, 0);
  EXPECT_GT(lagrangian_stronger, 0);
  EXPECT_GT(enumerated, 100);
}

// Property: after every applied shift, swap or repack the state's incremental total
// equals the checker's from-scratch value, each delta is the change it announced, and
// the assignment keeps every rule.
TEST(ReassignmentState, IncrementalCostEqualsRecomputationAfterRandomMoves) {
  int repacks_gaining = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto p = random_instance(seed, {.max_machines = 8, .max_services = 6, .max_slack = 6});
    if (p.processes.empty()) continue;
    optimizer::ReassignmentState state(p, p.initial);
    std::mt19937_64 rng(seed);
    const int machines = static_cast<int>(p.machines.size());
    const int processes = static_cast<int>(p.processes.size());
    const auto any = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    for (int step = 0; step < 200; ++step) {
      const auto before = state.total();
      std::int64_t delta = optimizer::kReassignmentInfeasible;
      const int kind = any(3);
      if (kind == 0) {
        const int a = any(processes);
        const int to = any(machines);
        delta = state.shift_delta(a, to);
        if (delta != optimizer::kReassignmentInfeasible) state.shift(a, to);
      } else if (kind == 1) {
        const int a = any(processes);
        const int b = any(processes);
        delta = state.swap_delta(a, b);
        if (delta != optimizer::kReassignmentInfeasible) state.swap(a, b);
      } else {
        std::vector<int> subset{any(machines), any(machines), any(machines)};
        std::sort(subset.begin(), subset.end());
        subset.erase(std::unique(subset.begin(), subset.end()), subset.end());
        delta = state.repack(subset, 500).delta;
        EXPECT_LE(delta, 0);
        if (delta < 0) ++repacks_gaining;
      }
      if (delta == optimizer::kReassignmentInfeasible) continue;
      const auto violations = check(p, state.assignment());
      ASSERT_TRUE(violations.empty()) << "step " << step << ": " << violations.front();
      ASSERT_EQ(state.total(), before + delta) << "step " << step;
      ASSERT_EQ(state.total(), evaluate(p, state.assignment()).total()) << "step " << step;
    }
  }
  EXPECT_GT(repacks_gaining, 0);
}

// Repacking every machine with no node limit is an exact search; without the service
// move term, which its bound leaves out, it reaches the optimum.
TEST(ReassignmentState, RepackOfEveryMachineReachesTheBruteForceOptimum) {
  int enumerated = 0;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto p = random_instance(seed, {});
    if (p.processes.size() > 7) continue;
    p.service_move_weight = 0;
    ++enumerated;
    optimizer::ReassignmentState state(p, p.initial);
    std::vector<int> every(p.machines.size());
    for (std::size_t m = 0; m < every.size(); ++m) every[m] = static_cast<int>(m);
    const auto start = state.total();
    const auto delta = state.repack(every, std::numeric_limits<std::int64_t>::max()).delta;
    EXPECT_TRUE(check(p, state.assignment()).empty());
    EXPECT_EQ(state.total(), start + delta);
    EXPECT_EQ(state.total(), evaluate(p, state.assignment()).total());
    EXPECT_EQ(state.total(), brute_force_optimum(p));
  }
  EXPECT_GT(enumerated, 100);
}

}  // namespace
}  // namespace berth::roadef
