// The optimizer against the exact optimum on hundreds of seeded random tiny clusters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"
#include "tests/support/brute_force.hpp"
#include "tests/support/random_problem.hpp"

namespace berth::optimizer {
namespace {

using testing::brute_force;
using testing::describe;
using testing::random_tiny_problem;

constexpr std::uint64_t kSeeds = 400;
constexpr int kMaxFailingSeeds = 8;  // enough to see a pattern; the rest would be noise

double tolerance(double optimum) { return 1e-6 * std::max(1.0, std::abs(optimum)); }

std::string show(const model::Placement& placement) {
  std::ostringstream out;
  for (std::size_t n = 0; n < placement.by_node.size(); ++n) {
    out << "n" << n << "{";
    for (const auto& sc : placement.by_node[n]) out << "s#" << sc.service.value << ":" << sc.count << " ";
    out << "} ";
  }
  return out.str();
}

// What is wrong with `solution` given the exact optimum; empty when it is sound.
std::vector<std::string> unsound(const model::Problem& problem, const Solution& solution, double optimum) {
  std::vector<std::string> wrong;
  auto say = [&](const std::string& what) { wrong.push_back(what); };
  const double tol = tolerance(optimum);
  if (solution.placement.by_node.size() != problem.nodes.size()) {
    say("placement covers " + std::to_string(solution.placement.by_node.size()) + " nodes");
    return wrong;
  }
  if (solution.lower_bound > optimum + tol)
    say("lower bound " + std::to_string(solution.lower_bound) + " > optimum " + std::to_string(optimum));
  if (solution.objective < optimum - tol)
    say("objective " + std::to_string(solution.objective) + " < optimum " + std::to_string(optimum));
  const double evaluated = model::evaluate(problem, solution.placement).total();
  if (std::abs(solution.objective - evaluated) > tol)
    say("objective " + std::to_string(solution.objective) + " but the placement evaluates to " +
        std::to_string(evaluated));
  if (solution.proven_optimal && std::abs(solution.objective - optimum) > tol)
    say("claims proven optimal with " + std::to_string(solution.objective) + ", optimum is " + std::to_string(optimum));
  for (const auto& violation : model::check(problem, solution.placement))
    say(std::string("violates ") + model::to_string(violation.kind) + ": " + violation.detail);
  const auto placed = solution.placement.placed_per_service(problem.services.size());
  std::vector<int> unplaced(problem.services.size(), 0);
  for (const auto& entry : solution.unplaced) {
    if (entry.service.value >= problem.services.size()) {
      say("unplaced entry for service #" + std::to_string(entry.service.value));
      continue;
    }
    unplaced[entry.service.value] += entry.count;
    if (entry.reason.empty()) say("unplaced entry without a reason");
  }
  for (std::size_t s = 0; s < problem.services.size(); ++s)
    if (unplaced[s] != std::max(0, problem.services[s].replicas - placed[s]))
      say("service #" + std::to_string(s) + ": unplaced lists " + std::to_string(unplaced[s]) + ", " +
          std::to_string(placed[s]) + " of " + std::to_string(problem.services[s].replicas) + " placed");
  return wrong;
}

struct Tally {
  int instances = 0;
  int matched = 0;         // objective == optimum
  int claimed_proven = 0;  // proven_optimal
  int failing_seeds = 0;
};

// Solves every tiny instance with `options` and checks it against the brute force.
// `must_be_exact`: the instance is within the exact fallback, so the optimum is required.
Tally compare_on_tiny_clusters(SolveOptions options, bool (*must_be_exact)(const model::Problem&)) {
  Tally tally;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const auto problem = random_tiny_problem(seed);
    const auto best = brute_force(problem);
    options.seed = seed;
    const auto solution = solve(problem, options);
    auto wrong = unsound(problem, solution, best.objective);
    const bool matched = std::abs(solution.objective - best.objective) <= tolerance(best.objective);
    if (must_be_exact(problem)) {
      if (!matched) wrong.push_back("within the exact fallback but not optimal");
      if (!solution.proven_optimal) wrong.push_back("within the exact fallback but not proven optimal");
    }
    ++tally.instances;
    tally.matched += matched ? 1 : 0;
    tally.claimed_proven += solution.proven_optimal ? 1 : 0;
    if (wrong.empty()) continue;
    std::ostringstream message;
    message << "seed " << seed << ":\n";
    for (const auto& w : wrong) message << "  - " << w << "\n";
    message << "  optimum " << best.objective << " at " << show(best.placement) << "\n  solver  "
            << solution.objective << " (bound " << solution.lower_bound << ") at " << show(solution.placement) << "\n"
            << describe(problem);
    ADD_FAILURE() << message.str();
    if (++tally.failing_seeds >= kMaxFailingSeeds) {
      ADD_FAILURE() << "stopped after " << kMaxFailingSeeds << " failing seeds (at seed " << seed << ")";
      break;
    }
  }
  return tally;
}

void report(const char* name, const Tally& tally) {
  std::printf("%s: objective == optimum on %d of %d tiny clusters, proven optimal on %d\n", name, tally.matched,
              tally.instances, tally.claimed_proven);
  ::testing::Test::RecordProperty("instances", tally.instances);
  ::testing::Test::RecordProperty("matched_optimum", tally.matched);
  ::testing::Test::RecordProperty("proven_optimal", tally.claimed_proven);
}

TEST(OptimizerVersusBruteForce, DualDecompositionAloneIsSoundOnTinyClusters) {
  SolveOptions options;  // GCC 12 warns on designated initializers that skip a std::function
  options.exact_max_replicas = 0;
  const auto tally = compare_on_tiny_clusters(options, [](const model::Problem&) { return false; });
  report("dual decomposition + recovery", tally);
}

TEST(OptimizerVersusBruteForce, DefaultsReachTheProvenOptimumOnEveryTinyCluster) {
  // Every tiny cluster has at most 7 replicas on at most 4 nodes: the exact fallback's domain.
  const auto tally = compare_on_tiny_clusters({}, [](const model::Problem& problem) {
    return testing::total_replicas(problem) <= SolveOptions{}.exact_max_replicas;
  });
  report("defaults", tally);
  EXPECT_EQ(tally.matched, tally.instances);
}

}  // namespace
}  // namespace berth::optimizer
