#include "common/model/rules.hpp"

#include <gtest/gtest.h>

#include "tests/support/builders.hpp"

namespace berth::model {
namespace {
using testing::a_node;
using testing::a_problem;
using testing::a_service;

TEST(Rules, SelectorLabelsMustAllMatch) {
  const Node node = a_node("n1").label("disk", "ssd").label("zone", "a");
  EXPECT_TRUE(is_eligible(node, a_service("web").selector("disk", "ssd")));
  EXPECT_FALSE(is_eligible(node, a_service("web").selector("disk", "ssd").selector("zone", "b")));
}

TEST(Rules, AffinityInAdmitsNodesWhoseLabelIsOneOfTheValues) {
  const Service gpu = a_service("train").affinity("gpu", AffinityOperator::in, {"V100", "A100"});
  EXPECT_TRUE(is_eligible(a_node("n1").label("gpu", "A100"), gpu));
  EXPECT_TRUE(is_eligible(a_node("n2").label("gpu", "V100"), gpu));
  EXPECT_FALSE(is_eligible(a_node("n3").label("gpu", "T4"), gpu));
  EXPECT_FALSE(is_eligible(a_node("n4"), gpu)) << "a node without the label is not In any set";
}

TEST(Rules, AffinityNotInAdmitsNodesWithoutTheLabel) {
  const Service web = a_service("web").affinity("gpu", AffinityOperator::not_in, {"T4"});
  EXPECT_FALSE(is_eligible(a_node("n1").label("gpu", "T4"), web));
  EXPECT_TRUE(is_eligible(a_node("n2").label("gpu", "A100"), web));
  EXPECT_TRUE(is_eligible(a_node("n3"), web));
}

TEST(Rules, EveryAffinityExpressionMustHold) {
  const Service s = a_service("s")
                        .affinity("gpu", AffinityOperator::in, {"V100", "A100"})
                        .affinity("zone", AffinityOperator::in, {"a"});
  EXPECT_TRUE(is_eligible(a_node("n1").label("gpu", "A100").label("zone", "a"), s));
  EXPECT_FALSE(is_eligible(a_node("n2").label("gpu", "A100").label("zone", "b"), s));
}

TEST(Rules, EligibilityKeyTellsApartServicesWithDifferentAffinities) {
  const Service a = a_service("a").affinity("gpu", AffinityOperator::in, {"V100", "A100"});
  const Service same = a_service("b").affinity("gpu", AffinityOperator::in, {"A100", "V100"});
  const Service other = a_service("c").affinity("gpu", AffinityOperator::in, {"A100"});
  const Service negated = a_service("d").affinity("gpu", AffinityOperator::not_in, {"V100", "A100"});
  EXPECT_EQ(eligibility_key(a), eligibility_key(same)) << "value order does not change the set";
  EXPECT_NE(eligibility_key(a), eligibility_key(other));
  EXPECT_NE(eligibility_key(a), eligibility_key(negated));
  EXPECT_NE(eligibility_key(a), eligibility_key(a_service("e")));
}

TEST(Rules, HardTaintAdmitsOnlyTolerations) {
  const Node node = a_node("n1").taint("dedicated=db:NoSchedule");
  EXPECT_FALSE(is_eligible(node, a_service("web")));
  EXPECT_TRUE(is_eligible(node, a_service("db").tolerate("dedicated=db:NoSchedule")));
  EXPECT_TRUE(is_eligible(a_node("n2").taint("x=y:PreferNoSchedule"), a_service("web")));
}

TEST(Rules, SpreadKeyMustBeALabelOfTheNode) {
  EXPECT_FALSE(is_eligible(a_node("n1"), a_service("web").spread("zone", 1)));
  EXPECT_TRUE(is_eligible(a_node("n1").label("zone", "a"), a_service("web").spread("zone", 1)));
}

TEST(Rules, CordonedNodeKeepsOnlyWhatRunsThere) {
  const auto problem = a_problem({a_node("n1").state(NodeState::cordoned).running(0, 2), a_node("n2")},
                                 {a_service("web").replicas(5).max_per_node(3)});
  EXPECT_EQ(replica_limit(problem, NodeId{0}, ServiceId{0}), 2);
  EXPECT_EQ(replica_limit(problem, NodeId{1}, ServiceId{0}), 3);
}

TEST(Rules, LostNodeHostsNothing) {
  const auto problem = a_problem({a_node("n1").state(NodeState::lost)}, {a_service("web")});
  EXPECT_EQ(replica_limit(problem, NodeId{0}, ServiceId{0}), 0);
}

TEST(Rules, AvoidIsSymmetric) {
  const auto problem = a_problem({a_node("n1")}, {a_service("a").avoid(1), a_service("b"), a_service("c")});
  const auto conflicts = avoid_conflicts(problem);
  ASSERT_EQ(conflicts[1].size(), 1u);
  EXPECT_EQ(conflicts[1][0], ServiceId{0});
  EXPECT_TRUE(conflicts[2].empty());
}

TEST(Rules, SpreadDomainsAreTheValuesOnEligibleNodes) {
  const auto problem = a_problem({a_node("n1").label("zone", "b"), a_node("n2").label("zone", "a"),
                                  a_node("n3").label("zone", "c").taint("t=1:NoSchedule"), a_node("n4")},
                                 {a_service("web").spread("zone", 1)});
  const auto domains = spread_domains(problem, ServiceId{0});
  EXPECT_EQ(domains.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(domains.domain_of_node, (std::vector<int>{1, 0, -1, -1}));
}

}  // namespace
}  // namespace berth::model
