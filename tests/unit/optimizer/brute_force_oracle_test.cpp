// The oracle itself, on instances whose optimum is known by hand and against a naive
// enumeration without pruning; the optimizer is tested against it in brute_force_test.cpp.
#include "tests/support/brute_force.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/model/evaluate.hpp"
#include "tests/support/builders.hpp"
#include "tests/support/random_problem.hpp"

namespace berth::testing {
namespace {

using model::NodeId;
using model::NodeState;
using model::ServiceId;

// Every x[s][n] in [0, replicas_s] with Σ_n x[s][n] ≤ replicas_s, filtered by model::check
// alone: no replica_limit, no pruning.
class NaiveEnumerator {
 public:
  explicit NaiveEnumerator(const model::Problem& problem) : problem_(problem) {}

  double optimum() {
    best_ = std::numeric_limits<double>::infinity();
    placement_ = model::Placement::empty_for(problem_);
    if (problem_.services.empty()) return model::evaluate(problem_, placement_).total();
    visit(0, 0, problem_.services[0].replicas);
    return best_;
  }

 private:
  void visit(std::uint32_t s, std::uint32_t n, int left) {
    if (n == problem_.nodes.size()) {
      if (s + 1 == problem_.services.size()) {
        if (model::check(problem_, placement_).empty())
          best_ = std::min(best_, model::evaluate(problem_, placement_).total());
      } else {
        visit(s + 1, 0, problem_.services[s + 1].replicas);
      }
      return;
    }
    for (int k = 0; k <= left; ++k) {
      placement_.set(NodeId{n}, ServiceId{s}, k);
      visit(s, n + 1, left - k);
    }
    placement_.set(NodeId{n}, ServiceId{s}, 0);
  }

  const model::Problem& problem_;
  model::Placement placement_;
  double best_ = 0;
};

TEST(BruteForce, CountsEveryPlacementOfOneServiceOnTwoRoomyNodes) {
  // x0 + x1 ≤ 2: (0,0) (1,0) (2,0) (0,1) (1,1) (0,2).
  const auto problem = a_problem({a_node("n1"), a_node("n2")}, {a_service("web").replicas(2)});
  const auto best = brute_force(problem);
  EXPECT_EQ(best.placements_enumerated, 6);
  EXPECT_DOUBLE_EQ(best.objective, 1.0);  // both on one node: one node's cost
  EXPECT_EQ(best.placement.placed_per_service(1)[0], 2);
  EXPECT_EQ(model::stats(problem, best.placement).nodes_used, 1);
}

TEST(BruteForce, PacksHalfNodeReplicasOntoAsFewNodesAsPossible) {
  const auto problem = a_problem({a_node("n1"), a_node("n2"), a_node("n3"), a_node("n4")},
                                 {a_service("web").replicas(4).cpu(2000).memory_mib(4096)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0);
  EXPECT_EQ(model::stats(problem, best.placement).nodes_used, 2);
  EXPECT_TRUE(model::check(problem, best.placement).empty());
}

TEST(BruteForce, PrefersTheCheaperNode) {
  const auto problem = a_problem({a_node("n1").cost(3.0), a_node("n2").cost(2.0)}, {a_service("web").replicas(2)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0);
  EXPECT_EQ(best.placement.count(NodeId{1}, ServiceId{0}), 2);
}

TEST(BruteForce, LeavesTheLowerPriorityReplicaUnplacedWhenOnlyOneFits) {
  const auto problem = a_problem({a_node("n1").cpu(1000)},
                                 {a_service("batch").cpu(1000).priority(0), a_service("api").cpu(1000).priority(3)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 1.0 + 1000.0 * (1 + 0));
  EXPECT_EQ(best.placement.count(NodeId{0}, ServiceId{1}), 1);
  EXPECT_EQ(best.placement.count(NodeId{0}, ServiceId{0}), 0);
}

TEST(BruteForce, KeepsServicesThatAvoidEachOtherApart) {
  const auto problem = a_problem({a_node("n1"), a_node("n2")},
                                 {a_service("web").replicas(2).avoid(1), a_service("db")});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0);
  for (std::uint32_t n = 0; n < 2; ++n)
    EXPECT_FALSE(best.placement.count(NodeId{n}, ServiceId{0}) > 0 && best.placement.count(NodeId{n}, ServiceId{1}) > 0);
}

TEST(BruteForce, SpreadsFourReplicasTwoAndTwoOverTwoZones) {
  const auto problem = a_problem({a_node("a1").label("zone", "a"), a_node("a2").label("zone", "a"),
                                  a_node("b1").label("zone", "b"), a_node("b2").label("zone", "b")},
                                 {a_service("web").replicas(4).spread("zone", 1)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0);  // binpack would use one node; skew 1 forces two
  EXPECT_EQ(best.placement.count(NodeId{0}, ServiceId{0}) + best.placement.count(NodeId{1}, ServiceId{0}), 2);
  EXPECT_EQ(best.placement.count(NodeId{2}, ServiceId{0}) + best.placement.count(NodeId{3}, ServiceId{0}), 2);
}

TEST(BruteForce, RespectsMaxPerNodeAndUnplacesTheRest) {
  const auto problem = a_problem({a_node("n1"), a_node("n2")}, {a_service("web").replicas(3).max_per_node(1)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0 + 1000.0);
  EXPECT_EQ(best.placement.placed_per_service(1)[0], 2);
}

TEST(BruteForce, PlacesNothingWhenTheSelectorMatchesNoNode) {
  const auto problem = a_problem({a_node("n1").label("disk", "hdd")},
                                 {a_service("web").replicas(2).selector("disk", "ssd").priority(1)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2 * 1000.0 * 2);
  EXPECT_EQ(best.placements_enumerated, 1);
  EXPECT_EQ(best.placement, model::Placement::empty_for(problem));
}

TEST(BruteForce, KeepsReplicasOnACordonedNodeWhenMovingCostsMore) {
  auto problem = a_problem({a_node("n1").state(NodeState::cordoned).running(0, 1), a_node("n2")},
                           {a_service("web").replicas(2)});
  problem.objective.weights.migration = 2.0;
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0);  // two nodes used, nothing moved
  EXPECT_EQ(best.placement.count(NodeId{0}, ServiceId{0}), 1);
  EXPECT_EQ(best.placement.count(NodeId{1}, ServiceId{0}), 1);
}

TEST(BruteForce, ReplacesTheReplicasOfALostNodeForFree) {
  const auto problem = a_problem({a_node("n1").state(NodeState::lost).running(0, 2), a_node("n2")},
                                 {a_service("web").replicas(2)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 1.0);
  EXPECT_EQ(best.placement.count(NodeId{1}, ServiceId{0}), 2);
}

TEST(BruteForce, ChargesColocationWhenThePreferredServiceCannotJoin) {
  // cache avoids nothing but does not fit beside web: web pays colocation or a second node.
  const auto problem = a_problem({a_node("n1").cpu(1000), a_node("n2").cpu(1000)},
                                 {a_service("web").cpu(1000).prefer(1), a_service("cache").cpu(1000)});
  const auto best = brute_force(problem);
  EXPECT_DOUBLE_EQ(best.objective, 2.0 + 0.1);
}

TEST(BruteForce, AgreesWithNaiveEnumerationOnRandomTinyClusters) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto problem = random_tiny_problem(seed);
    const auto best = brute_force(problem);
    const double naive = NaiveEnumerator(problem).optimum();
    EXPECT_NEAR(best.objective, naive, 1e-9 * std::max(1.0, std::abs(naive))) << "seed " << seed << "\n"
                                                                                 << describe(problem);
    EXPECT_TRUE(model::check(problem, best.placement).empty()) << "seed " << seed;
    EXPECT_DOUBLE_EQ(model::evaluate(problem, best.placement).total(), best.objective) << "seed " << seed;
  }
}

TEST(BruteForce, NeverDoesWorseThanPlacingNothingOrKeepingWhatRuns) {
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const auto problem = random_tiny_problem(seed);
    const auto best = brute_force(problem);
    EXPECT_LE(best.objective, model::evaluate(problem, model::Placement::empty_for(problem)).total())
        << "seed " << seed;
    const auto running = model::Placement::from_running(problem);
    if (model::check(problem, running).empty()) {
      EXPECT_LE(best.objective, model::evaluate(problem, running).total()) << "seed " << seed;
    }
  }
}

TEST(RandomTinyProblem, IsDeterministicAndStaysTiny) {
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const auto problem = random_tiny_problem(seed);
    EXPECT_EQ(describe(problem), describe(random_tiny_problem(seed))) << "seed " << seed;
    EXPECT_GE(problem.nodes.size(), 1u);
    EXPECT_LE(problem.nodes.size(), 4u);
    EXPECT_GE(problem.services.size(), 1u);
    EXPECT_LE(problem.services.size(), 3u);
    EXPECT_LE(total_replicas(problem), kTinyMaxReplicas) << "seed " << seed;
    for (const auto& node : problem.nodes) EXPECT_EQ(node.capacity.size(), problem.resources.size());
    for (const auto& service : problem.services) EXPECT_EQ(service.request.size(), problem.resources.size());
  }
}

TEST(RandomTinyProblem, CoversLooseTightAndInfeasibleInstances) {
  int everything_placed = 0;
  int something_unplaced = 0;
  int running_invalid = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const auto problem = random_tiny_problem(seed);
    const auto best = brute_force(problem);
    if (model::stats(problem, best.placement).replicas_unplaced == 0) ++everything_placed;
    else ++something_unplaced;
    const auto running = model::Placement::from_running(problem);
    if (!model::check(problem, running).empty()) ++running_invalid;
  }
  std::printf("tiny instances: %d place everything, %d must leave replicas unplaced, %d run something invalid now\n",
              everything_placed, something_unplaced, running_invalid);
  EXPECT_GE(everything_placed, 150);
  EXPECT_GE(something_unplaced, 150);
  EXPECT_GE(running_invalid, 50);
}

}  // namespace
}  // namespace berth::testing
