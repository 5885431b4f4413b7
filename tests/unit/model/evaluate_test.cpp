#include "common/model/evaluate.hpp"

#include <gtest/gtest.h>

#include "tests/support/builders.hpp"

namespace berth::model {
namespace {
using testing::a_node;
using testing::a_problem;
using testing::a_service;

bool has(const std::vector<Violation>& violations, ViolationKind kind) {
  for (const auto& v : violations)
    if (v.kind == kind) return true;
  return false;
}

TEST(Evaluate, CountsUsedNodesAndUnplacedReplicasByPriority) {
  auto problem = a_problem({a_node("n1").cost(2.0), a_node("n2")},
                           {a_service("web").replicas(3), a_service("db").replicas(1).priority(4)});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 2);
  const auto terms = evaluate(problem, placement);
  EXPECT_DOUBLE_EQ(terms.node_cost, 2.0);
  EXPECT_DOUBLE_EQ(terms.unplaced, 1000.0 * 1 + 1000.0 * 5);
  EXPECT_EQ(stats(problem, placement).nodes_used, 1);
  EXPECT_EQ(stats(problem, placement).replicas_unplaced, 2);
}

TEST(Evaluate, MigrationCountsReplicasMovedAway) {
  auto problem = a_problem({a_node("n1").running(0, 2), a_node("n2")}, {a_service("web").replicas(2)});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{1}, ServiceId{0}, 2);
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).migration, 2.0);
  EXPECT_EQ(stats(problem, placement).moves, 2);
  EXPECT_DOUBLE_EQ(evaluate(problem, Placement::from_running(problem)).migration, 0.0);
}

// web moves 3 replicas off n1 and n2 together, db 1; db's 2 on the lost n3 are gone, not
// moved. The term is the weight times the most one service moves: 3.
TEST(Evaluate, ServiceMoveChargesTheMostReplicasOneServiceMovesAway) {
  auto problem = a_problem({a_node("n1").running(0, 2).running(1, 1), a_node("n2").running(0, 2),
                            a_node("n3").state(NodeState::lost).running(1, 2), a_node("n4")},
                           {a_service("web").replicas(4), a_service("db").replicas(3)});
  problem.objective.weights.service_move = 10.0;
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{1}, ServiceId{0}, 1);
  placement.set(NodeId{3}, ServiceId{0}, 3);
  placement.set(NodeId{3}, ServiceId{1}, 3);
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).service_move, 30.0);
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).migration, 4.0);
  EXPECT_DOUBLE_EQ(evaluate(problem, Placement::from_running(problem)).service_move, 0.0);
  problem.objective.weights.service_move = 0.0;
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).service_move, 0.0);
}

TEST(Evaluate, ColocationChargesReplicasAwayFromWhatTheyPrefer) {
  auto problem = a_problem({a_node("n1"), a_node("n2")}, {a_service("web").replicas(2).prefer(1), a_service("cache")});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 1);
  placement.set(NodeId{1}, ServiceId{0}, 1);
  placement.set(NodeId{1}, ServiceId{1}, 1);
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).colocation, 0.1);
}

TEST(Evaluate, SpreadStrategyChargesSquaredUtilisation) {
  auto problem = a_problem({a_node("n1").cpu(1000).memory_gib(1)}, {a_service("web").cpu(500).memory_mib(256)},
                           Strategy::spread);
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 1);
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).load_spread, (0.25 + 0.0625) / 2);
  EXPECT_DOUBLE_EQ(evaluate(problem, placement).node_cost, 0.0);
}

TEST(Check, AcceptsAValidPlacement) {
  auto problem = a_problem({a_node("n1")}, {a_service("web").replicas(2)});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 2);
  EXPECT_TRUE(check(problem, placement).empty());
}

TEST(Check, FindsEachBrokenRule) {
  auto problem = a_problem({a_node("n1").cpu(1000).label("zone", "a"), a_node("n2").label("zone", "b").taint("t=1:NoSchedule"),
                            a_node("n3").label("zone", "b")},
                           {a_service("web").replicas(3).cpu(600).max_per_node(1).spread("zone", 0),
                            a_service("db").replicas(1).cpu(100).avoid(0)});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 2);  // capacity, max_per_node
  placement.set(NodeId{0}, ServiceId{1}, 1);  // avoid
  placement.set(NodeId{1}, ServiceId{0}, 1);  // taint
  placement.set(NodeId{2}, ServiceId{0}, 1);  // domain b is n3 alone: a=2, b=1 > skew 0; 4 > 3 replicas
  const auto violations = check(problem, placement);
  for (const auto kind : {ViolationKind::capacity, ViolationKind::max_per_node, ViolationKind::avoid,
                          ViolationKind::ineligible, ViolationKind::over_replicas, ViolationKind::spread})
    EXPECT_TRUE(has(violations, kind)) << to_string(kind);
}

TEST(Check, FindsSpreadSkew) {
  auto problem = a_problem({a_node("n1").label("zone", "a"), a_node("n2").label("zone", "b")},
                           {a_service("web").replicas(3).spread("zone", 1)});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 3);
  EXPECT_TRUE(has(check(problem, placement), ViolationKind::spread));
  placement.set(NodeId{0}, ServiceId{0}, 2);
  placement.set(NodeId{1}, ServiceId{0}, 1);
  EXPECT_TRUE(check(problem, placement).empty());
}

// Three replicas must occupy three zones; with one replica placed, one zone is enough.
TEST(Check, FindsTooFewSpreadDomains) {
  auto problem = a_problem({a_node("n1").label("zone", "a"), a_node("n2").label("zone", "b"), a_node("n3").label("zone", "c")},
                           {a_service("web").replicas(3).min_domains("zone", 3)});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 2);
  placement.set(NodeId{1}, ServiceId{0}, 1);
  const auto violations = check(problem, placement);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].detail, "service web: 3 replicas in 2 zone domains < min_domains 3");
  placement.set(NodeId{0}, ServiceId{0}, 1);
  placement.set(NodeId{2}, ServiceId{0}, 1);
  EXPECT_TRUE(check(problem, placement).empty());
  placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 1);
  EXPECT_TRUE(check(problem, placement).empty());
}

// cpu is transient. n1 runs db, n2 runs web, each filling its node: swapping them would
// need both on each node while they move.
TEST(Check, TransientResourcesCountReplicasThatMoveAwayOnTheNodeTheyLeave) {
  auto problem = a_problem({a_node("n1").cpu(1000).running(0, 1), a_node("n2").cpu(1000).running(1, 1)},
                           {a_service("db").cpu(1000), a_service("web").cpu(1000)});
  Placement swapped = Placement::empty_for(problem);
  swapped.set(NodeId{0}, ServiceId{1}, 1);
  swapped.set(NodeId{1}, ServiceId{0}, 1);
  EXPECT_TRUE(check(problem, swapped).empty()) << "without transient resources the swap is valid";
  problem.rollout.transient = {0};
  const auto violations = check(problem, swapped);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].kind, ViolationKind::transient);
  EXPECT_EQ(violations[0].detail, "node n1: cpu 2000 held while replicas move > 1000");
  EXPECT_TRUE(check(problem, Placement::from_running(problem)).empty()) << "what stays holds nothing twice";
  Placement moved_out = Placement::empty_for(problem);
  moved_out.set(NodeId{1}, ServiceId{1}, 1);
  EXPECT_TRUE(check(problem, moved_out).empty()) << "stopping db alone holds its cpu, within capacity";
}

TEST(Check, AnOvercommittedNodeMayKeepWhatItHoldsButTakeNothingMore) {
  // n1 runs two replicas of 1000 on 1500 (capacity shrank since): the transient limit is
  // what it holds, 2000. Moving one away and placing a small one there is over it.
  auto problem = a_problem({a_node("n1").cpu(1500).running(0, 2), a_node("n2").cpu(4000)},
                           {a_service("web").replicas(2).cpu(1000), a_service("tiny").cpu(100)});
  problem.rollout.transient = {0};
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 1);
  placement.set(NodeId{1}, ServiceId{0}, 1);
  EXPECT_TRUE(check(problem, placement).empty());
  placement.set(NodeId{0}, ServiceId{1}, 1);
  EXPECT_TRUE(has(check(problem, placement), ViolationKind::transient));
}

TEST(Check, NearRequiresTheTargetInEveryDomainTheServiceRunsIn) {
  auto problem = a_problem({a_node("n1").label("zone", "a"), a_node("n2").label("zone", "a"), a_node("n3").label("zone", "b"),
                            a_node("n4")},
                           {a_service("web").replicas(3).near(1, "zone"), a_service("cache")});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{0}, 1);
  placement.set(NodeId{1}, ServiceId{1}, 1);  // same zone, another node: enough
  EXPECT_TRUE(check(problem, placement).empty());
  placement.set(NodeId{2}, ServiceId{0}, 1);
  const auto violations = check(problem, placement);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].kind, ViolationKind::near);
  EXPECT_EQ(violations[0].detail, "service web runs in zone b, where no cache runs");
  placement.set(NodeId{2}, ServiceId{0}, 0);
  placement.set(NodeId{3}, ServiceId{0}, 1);  // no zone label: no domain to share
  EXPECT_TRUE(has(check(problem, placement), ViolationKind::ineligible));
}

TEST(Check, NodeAffinityMakesOtherNodesIneligible) {
  auto problem = a_problem({a_node("n1").label("gpu", "T4"), a_node("n2").label("gpu", "A100")},
                           {a_service("train").affinity("gpu", AffinityOperator::in, {"V100", "A100"})});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{1}, ServiceId{0}, 1);
  EXPECT_TRUE(check(problem, placement).empty());
  placement.set(NodeId{1}, ServiceId{0}, 0);
  placement.set(NodeId{0}, ServiceId{0}, 1);
  EXPECT_TRUE(has(check(problem, placement), ViolationKind::ineligible));
}

TEST(Check, SpreadDomainsFollowEachServicesAffinity) {
  // web may use zones a, b and c; train only the A100 nodes in zones a and b. Four
  // replicas of train split 2/2 over a and b are balanced: zone c is not train's domain.
  auto problem = a_problem({a_node("n1").label("zone", "a").label("gpu", "A100"),
                            a_node("n2").label("zone", "b").label("gpu", "A100"),
                            a_node("n3").label("zone", "c").label("gpu", "T4")},
                           {a_service("web").replicas(0).spread("zone", 1),
                            a_service("train").replicas(4).cpu(100).spread("zone", 1).affinity(
                                "gpu", AffinityOperator::in, {"A100"})});
  Placement placement = Placement::empty_for(problem);
  placement.set(NodeId{0}, ServiceId{1}, 2);
  placement.set(NodeId{1}, ServiceId{1}, 2);
  EXPECT_TRUE(check(problem, placement).empty());
}

}  // namespace
}  // namespace berth::model
