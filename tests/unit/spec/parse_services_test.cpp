// spec::parse_services: a services file against a cluster given as data, as the
// coordinator has it from its agents' reports (no cluster file).
#include <gtest/gtest.h>

#include "common/spec/spec.hpp"

namespace berth::spec {
namespace {

// Two registered nodes; n1 runs two replicas of "web" and one of "old", a service the
// new file no longer has. The cluster's own service list only gives those ids names.
model::Problem registered() {
  model::Problem cluster;
  cluster.resources = {"cpu", "memory", "gpu"};
  cluster.services.resize(2);
  cluster.services[0].name = "web";
  cluster.services[1].name = "old";
  cluster.nodes.resize(2);
  model::Node& n1 = cluster.nodes[0];
  n1.name = "n1";
  n1.labels = {{"zone", "a"}};
  n1.capacity = {4000, 8 * model::kGiB, 1};
  n1.taints = {"dedicated=db:NoSchedule"};
  n1.cost = 2.0;
  n1.running = {{model::ServiceId{0}, 2}, {model::ServiceId{1}, 1}};
  model::Node& n2 = cluster.nodes[1];
  n2.name = "n2";
  n2.capacity = {2000, 4 * model::kGiB, 0};
  n2.state = model::NodeState::lost;
  return cluster;
}

TEST(ParseServices, KeepsTheNodesAndReadsTheServices) {
  auto problem = parse_services(registered(), R"(services:
  db:
    image: postgres:16
    resources: {cpu: 1, memory: 2Gi}
  web:
    image: nginx
    replicas: 3
    resources: {cpu: 500m, memory: 512Mi, disk: 2}
objective: {strategy: spread}
)", "services.yaml");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_EQ(problem->resources, (std::vector<std::string>{"cpu", "memory", "disk", "gpu"}))
      << "cpu, memory, then every other name sorted; a resource no node has is a dimension too";
  ASSERT_EQ(problem->nodes.size(), 2u);
  const model::Node& n1 = problem->nodes[0];
  EXPECT_EQ(n1.name, "n1");
  EXPECT_EQ(n1.capacity, (std::vector<std::int64_t>{4000, 8 * model::kGiB, 0, 1}));
  EXPECT_EQ(n1.labels, (model::Labels{{"zone", "a"}}));
  EXPECT_EQ(n1.taints, (std::vector<std::string>{"dedicated=db:NoSchedule"}));
  EXPECT_DOUBLE_EQ(n1.cost, 2.0);
  EXPECT_EQ(problem->nodes[1].state, model::NodeState::lost);
  ASSERT_EQ(problem->services.size(), 2u);
  EXPECT_EQ(problem->services[1].name, "web");
  EXPECT_EQ(problem->services[1].request, (std::vector<std::int64_t>{500, 512 * model::kMiB, 2, 0}));
  EXPECT_EQ(problem->objective.strategy, model::Strategy::spread);
  // "web" is service 1 in the new file; "old" is gone, so its replica is dropped.
  EXPECT_EQ(n1.running, (std::vector<model::ServiceCount>{{model::ServiceId{1}, 2}}));
  EXPECT_TRUE(problem->nodes[1].running.empty());
}

TEST(ParseServices, ReportsErrorsAtTheFileNameGiven) {
  auto problem = parse_services(registered(), "services:\n  web:\n    image: x\n    replica: 3\n", "mine.yaml");
  ASSERT_FALSE(problem.ok());
  EXPECT_EQ(problem.error().code, ErrorCode::invalid_spec);
  EXPECT_EQ(problem.error().message, "mine.yaml:4:5: unknown key 'replica' in service 'web' (did you mean 'replicas'?)");
}

TEST(ParseServices, ReportsYamlSyntaxErrors) {
  auto problem = parse_services(registered(), "services: {web: [\n", "s.yaml");
  ASSERT_FALSE(problem.ok());
  EXPECT_EQ(problem.error().message.rfind("s.yaml:", 0), 0u) << problem.error().message;
}

TEST(ParseServices, WorksWithNoNodesAtAll) {
  auto problem = parse_services(model::Problem{}, "services:\n  web:\n    image: x\n", "services.yaml");
  ASSERT_TRUE(problem.ok()) << problem.error().message;
  EXPECT_TRUE(problem->nodes.empty());
  EXPECT_EQ(problem->resources, (std::vector<std::string>{"cpu", "memory"}));
  EXPECT_EQ(problem->services.size(), 1u);
}

}  // namespace
}  // namespace berth::spec
