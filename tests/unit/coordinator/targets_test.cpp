#include "coordinator/rounds/targets.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/model/problem.hpp"
#include "coordinator/state/cluster_state.hpp"
#include "tests/support/builders.hpp"

namespace berth::coordinator {
namespace {

using berth::testing::a_node;
using berth::testing::a_problem;
using berth::testing::a_service;

model::Service a_web_service() {
  model::Service web = a_service("web").replicas(3).cpu(500).memory_mib(256);
  web.image = "nginx:1.25";
  web.command = {"nginx", "-g", "daemon off;"};
  web.env = {{"MODE", "prod"}, {"PORT", "8080"}};
  web.ports = {8080, 8443};
  return web;
}

model::Service a_db_service() {
  model::Service db = a_service("db").replicas(1).cpu(2000).memory_mib(4096);
  db.image = "postgres:16";
  return db;
}

// Version 7: n1 runs web ×2 and db ×1, n2 web ×1, n3 nothing (an empty entry), n4 is in
// the problem but missing from the placement.
Target a_target() {
  Target target;
  target.version = 7;
  target.reason = "apply services.yaml";
  target.problem = a_problem({a_node("n1"), a_node("n2"), a_node("n3"), a_node("n4")}, {a_web_service(), a_db_service()});
  target.summary.placement = {{"n1", {{"web", 2}, {"db", 1}}}, {"n2", {{"web", 1}}}, {"n3", {}}};
  return target;
}

protocol::TargetService the_web_entry(std::int32_t replicas) {
  protocol::TargetService entry;
  entry.service = "web";
  entry.replicas = replicas;
  entry.image = "nginx:1.25";
  entry.command = {"nginx", "-g", "daemon off;"};
  entry.env = {{"MODE", "prod"}, {"PORT", "8080"}};
  entry.ports = {8080, 8443};
  entry.request = {{"cpu", 500}, {"memory", 256 * model::kMiB}};
  return entry;
}

protocol::TargetService the_db_entry(std::int32_t replicas) {
  protocol::TargetService entry;
  entry.service = "db";
  entry.replicas = replicas;
  entry.image = "postgres:16";
  entry.request = {{"cpu", 2000}, {"memory", 4096 * model::kMiB}};
  return entry;
}

std::vector<std::string> keys(const std::map<std::string, protocol::Target>& targets) {
  std::vector<std::string> result;
  for (const auto& [node, message] : targets) result.push_back(node);
  return result;
}

TEST(AgentTargets, EveryNodeOfTheProblemGetsAMessageEmptyOnesIncluded) {
  const auto targets = agent_targets(a_target());

  EXPECT_EQ(keys(targets), (std::vector<std::string>{"n1", "n2", "n3", "n4"}));
  ASSERT_EQ(targets.count("n3"), 1u);
  ASSERT_EQ(targets.count("n4"), 1u);
  EXPECT_TRUE(targets.at("n3").services.empty());
  EXPECT_TRUE(targets.at("n4").services.empty());
}

TEST(AgentTargets, EveryMessageCarriesTheTargetVersionAsItsSolve) {
  const auto targets = agent_targets(a_target());

  ASSERT_EQ(targets.size(), 4u);
  for (const auto& [node, message] : targets) EXPECT_EQ(message.solve, 7u) << node;
}

TEST(AgentTargets, ANodeGetsEachServiceItRunsWithItsReplicasAndHowToRunIt) {
  const auto targets = agent_targets(a_target());

  ASSERT_EQ(targets.count("n1"), 1u);
  ASSERT_EQ(targets.count("n2"), 1u);
  EXPECT_EQ(targets.at("n1").services, (std::vector<protocol::TargetService>{the_db_entry(1), the_web_entry(2)}));
  EXPECT_EQ(targets.at("n2").services, (std::vector<protocol::TargetService>{the_web_entry(1)}));
}

TEST(AgentTargets, TheRequestIsPerReplicaAndNamedByTheProblemsResources) {
  Target target = a_target();
  target.problem.resources = {"cpu", "memory", "disk"};
  target.problem.services[0].request = {500, 256 * model::kMiB, 10};
  target.summary.placement = {{"n1", {{"web", 3}}}};

  const auto targets = agent_targets(target);

  ASSERT_EQ(targets.count("n1"), 1u);
  ASSERT_EQ(targets.at("n1").services.size(), 1u);
  const protocol::TargetService& web = targets.at("n1").services[0];
  EXPECT_EQ(web.replicas, 3);
  EXPECT_EQ(web.request, (std::map<std::string, std::int64_t>{{"cpu", 500}, {"disk", 10}, {"memory", 256 * model::kMiB}}));
}

TEST(AgentTargets, ServicesWithoutReplicasOnANodeAreLeftOut) {
  Target target = a_target();
  target.summary.placement["n2"] = {{"web", 1}, {"db", 0}};

  const auto targets = agent_targets(target);

  ASSERT_EQ(targets.count("n2"), 1u);
  EXPECT_EQ(targets.at("n2").services, (std::vector<protocol::TargetService>{the_web_entry(1)}));
}

TEST(AgentTargets, ATargetWithoutPlacementStillStopsEveryNode) {
  Target target = a_target();
  target.summary.placement.clear();

  const auto targets = agent_targets(target);

  EXPECT_EQ(keys(targets), (std::vector<std::string>{"n1", "n2", "n3", "n4"}));
  for (const auto& [node, message] : targets) {
    EXPECT_TRUE(message.services.empty()) << node;
    EXPECT_EQ(message.solve, 7u) << node;
  }
}

}  // namespace
}  // namespace berth::coordinator
