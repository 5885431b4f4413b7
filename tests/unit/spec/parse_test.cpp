// What a valid spec becomes: the numbers, names and ids the optimizer will see.
#include <gtest/gtest.h>

#include "common/model/rules.hpp"
#include "tests/unit/spec/spec_text.hpp"

namespace berth::spec {
namespace {

using testing::kCluster;
using testing::kServices;
using testing::parsed;

TEST(ParseProblem, ReadsEveryNodeField) {
  const auto problem = parsed(R"(
nodes:
  - name: n1
    labels: {zone: a, disk: ssd}
    capacity: {cpu: 16, memory: 64Gi, gpu: 1}
    soft_capacity: {cpu: 12}
    taints: ["dedicated=db:NoSchedule", "maintenance:PreferNoSchedule"]
    cost: 2.5
    running: {web: 2}
    state: cordoned
  - name: n2
    capacity: {cpu: 500m, memory: 1G}
)", kServices);
  ASSERT_EQ(problem.nodes.size(), 2u);
  const model::Node& n1 = problem.nodes[0];
  EXPECT_EQ(n1.name, "n1");
  EXPECT_EQ(n1.labels, (model::Labels{{"disk", "ssd"}, {"zone", "a"}}));
  EXPECT_EQ(problem.resources, (std::vector<std::string>{"cpu", "memory", "gpu"}));
  EXPECT_EQ(n1.capacity, (std::vector<std::int64_t>{16000, 64 * model::kGiB, 1000}));
  EXPECT_EQ(n1.soft_capacity, (std::vector<std::int64_t>{12000, 64 * model::kGiB, 1000})) << "unnamed: at capacity";
  EXPECT_EQ(n1.taints, (std::vector<std::string>{"dedicated=db:NoSchedule", "maintenance:PreferNoSchedule"}));
  EXPECT_DOUBLE_EQ(n1.cost, 2.5);
  EXPECT_EQ(n1.state, model::NodeState::cordoned);
  EXPECT_EQ(n1.running, (std::vector<model::ServiceCount>{{model::ServiceId{0}, 2}}));
  const model::Node& n2 = problem.nodes[1];
  EXPECT_EQ(n2.capacity, (std::vector<std::int64_t>{500, 1000000000, 0})) << "missing dimensions are 0";
  EXPECT_DOUBLE_EQ(n2.cost, 1.0);
  EXPECT_EQ(n2.state, model::NodeState::ready);
  EXPECT_TRUE(n2.labels.empty());
  EXPECT_TRUE(n2.soft_capacity.empty());
}

TEST(ParseProblem, ReadsFreeRatioRulesWithTheirResources) {
  const auto problem = parsed(kCluster, R"(services:
  web:
    image: x
objective:
  free_ratio:
    - {per: cpu, keep: memory, ratio: 2, weight: 5}
    - {per: memory, keep: cpu}
)");
  EXPECT_EQ(problem.objective.free_ratio,
            (std::vector<model::FreeRatioRule>{{.per = 0, .keep = 1, .ratio = 2, .weight = 5},
                                               {.per = 1, .keep = 0, .ratio = 1, .weight = 1}}));
}

TEST(ParseProblem, ReadsAServicesMoveCost) {
  const auto problem = parsed(kCluster, "services:\n  db:\n    image: x\n    move_cost: 4\n  web:\n    image: x\n");
  EXPECT_DOUBLE_EQ(problem.services.at(0).move_cost, 4.0);
  EXPECT_DOUBLE_EQ(problem.services.at(1).move_cost, 1.0);
}

TEST(ParseProblem, ReadsTheOverloadWeight) {
  const auto problem = parsed(kCluster, "services:\n  web:\n    image: x\nobjective: {overload_cost: 4.5}\n");
  EXPECT_DOUBLE_EQ(problem.objective.weights.overload, 4.5);
  EXPECT_DOUBLE_EQ(parsed(kCluster, "services:\n  web:\n    image: x\n").objective.weights.overload, 1.0);
}

TEST(ParseProblem, ReadsTheServiceMoveWeightOffByDefault) {
  const auto problem = parsed(kCluster, "services:\n  web:\n    image: x\nobjective: {service_move_cost: 7}\n");
  EXPECT_DOUBLE_EQ(problem.objective.weights.service_move, 7.0);
  EXPECT_DOUBLE_EQ(parsed(kCluster, "services:\n  web:\n    image: x\n").objective.weights.service_move, 0.0);
}

TEST(ParseProblem, ReadsOverloadWeightsPerResourceTheRestKeepingTheSingleWeight) {
  const auto problem = parsed(kCluster, "services:\n  web:\n    image: x\nobjective: {overload_cost: {memory: 10}}\n");
  EXPECT_EQ(problem.objective.overload_by_resource, (std::vector<double>{1.0, 10.0}));
  EXPECT_DOUBLE_EQ(problem.objective.overload_weight(1), 10.0);
  EXPECT_TRUE(parsed(kCluster, "services:\n  web:\n    image: x\n").objective.overload_by_resource.empty());
}

TEST(ParseProblem, ReadsEveryServiceField) {
  const auto problem = parsed(kCluster, R"(
services:
  web:
    image: nginx:1.25
    replicas: 6
    resources: {cpu: 500m, memory: 512Mi}
    node_selector: {disk: ssd}
    tolerations: ["dedicated=db:NoSchedule"]
    max_per_node: 1
    avoid: [db]
    prefer: [cache]
    spread: {key: zone, max_skew: 2}
    priority: 10
    min_available: 3
    command: [nginx, -g, "daemon off;"]
    env: {MODE: prod, LEVEL: "3"}
    ports: [80, 443]
  db:
    image: postgres:16
  cache:
    image: redis:7
)");
  ASSERT_EQ(problem.services.size(), 3u);
  const model::Service& web = problem.services[0];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.image, "nginx:1.25");
  EXPECT_EQ(web.replicas, 6);
  EXPECT_EQ(web.request, (std::vector<std::int64_t>{500, 512 * model::kMiB}));
  EXPECT_EQ(web.node_selector, (model::Labels{{"disk", "ssd"}}));
  EXPECT_EQ(web.tolerations, (std::vector<std::string>{"dedicated=db:NoSchedule"}));
  EXPECT_EQ(web.max_per_node, 1);
  EXPECT_EQ(web.avoid, (std::vector<model::ServiceId>{{1}}));
  EXPECT_EQ(web.prefer, (std::vector<model::ServiceId>{{2}}));
  ASSERT_TRUE(web.spread.has_value());
  EXPECT_EQ(web.spread->key, "zone");
  EXPECT_EQ(web.spread->max_skew, 2);
  EXPECT_EQ(web.priority, 10);
  EXPECT_EQ(web.min_available, 3);
  EXPECT_EQ(web.command, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(web.env, (std::map<std::string, std::string>{{"LEVEL", "3"}, {"MODE", "prod"}}));
  EXPECT_EQ(web.ports, (std::vector<int>{80, 443}));
}

TEST(ParseProblem, ReadsNearRulesWithForwardReferencesOnce) {
  const auto problem = parsed(kCluster, R"(
services:
  web:
    image: nginx
    near: [{service: cache, key: zone}, {service: cache, key: zone}, {service: cache, key: rack}]
  cache:
    image: redis
)");
  const auto& near = problem.services[0].near;
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0], (model::NearRule{model::ServiceId{1}, "zone"}));
  EXPECT_EQ(near[1], (model::NearRule{model::ServiceId{1}, "rack"}));
  EXPECT_TRUE(problem.services[1].near.empty());
}

TEST(ParseProblem, ReadsNodeAffinityExpressions) {
  const auto problem = parsed(kCluster, R"(
services:
  train:
    image: trainer:1
    node_affinity:
      - {key: gpu_model, operator: In, values: [V100, A100, V100]}
      - {key: zone, operator: NotIn, values: [c]}
      - {key: disk, values: [ssd]}
)");
  ASSERT_EQ(problem.services.size(), 1u);
  EXPECT_EQ(problem.services[0].node_affinity,
            (std::vector<model::NodeAffinity>{{"gpu_model", model::AffinityOperator::in, {"A100", "V100"}},
                                              {"zone", model::AffinityOperator::not_in, {"c"}},
                                              {"disk", model::AffinityOperator::in, {"ssd"}}}))
      << "values are a set; operator defaults to In";
}

TEST(ParseProblem, AppliesDefaultsToOptionalServiceFields) {
  const auto problem = parsed(kCluster, kServices);
  ASSERT_EQ(problem.services.size(), 1u);
  const model::Service& web = problem.services[0];
  EXPECT_EQ(web.replicas, 1);
  EXPECT_EQ(web.request, (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(web.max_per_node, 0);
  EXPECT_FALSE(web.spread.has_value());
  EXPECT_EQ(web.priority, 0);
  EXPECT_EQ(web.min_available, 0);
  EXPECT_EQ(problem.rollout.max_concurrent, 10);
  EXPECT_EQ(problem.objective.strategy, model::Strategy::binpack);
}

// min_domains alone sets no skew limit; with max_skew both hold.
TEST(ParseProblem, SpreadMinDomainsLiftsTheSkewLimitUnlessMaxSkewIsGiven) {
  const auto alone = parsed(kCluster, "services:\n  web:\n    image: x\n    spread: {key: zone, min_domains: 3}\n");
  ASSERT_TRUE(alone.services.at(0).spread.has_value());
  EXPECT_EQ(alone.services[0].spread->min_domains, 3);
  EXPECT_EQ(alone.services[0].spread->max_skew, model::kAnySkew);
  const auto both =
      parsed(kCluster, "services:\n  web:\n    image: x\n    spread: {key: zone, min_domains: 2, max_skew: 2}\n");
  EXPECT_EQ(both.services.at(0).spread->min_domains, 2);
  EXPECT_EQ(both.services[0].spread->max_skew, 2);
}

TEST(ParseProblem, SpreadMaxSkewDefaultsToOne) {
  const auto problem = parsed(kCluster, "services:\n  web:\n    image: x\n    spread: {key: zone}\n");
  ASSERT_TRUE(problem.services.at(0).spread.has_value());
  EXPECT_EQ(problem.services[0].spread->max_skew, 1);
}

TEST(ParseProblem, ServiceIdsFollowFileOrderAndRunningIsSortedById) {
  const auto problem = parsed(R"(
nodes:
  - name: n1
    capacity: {cpu: 4, memory: 8Gi}
    running: {zeta: 1, alpha: 2, mid: 0, beta: 3}
)", R"(
services:
  zeta: {image: z}
  beta: {image: b}
  alpha: {image: a}
  mid: {image: m}
)");
  ASSERT_EQ(problem.services.size(), 4u);
  EXPECT_EQ(problem.services[0].name, "zeta");
  EXPECT_EQ(problem.services[2].name, "alpha");
  EXPECT_EQ(problem.nodes.at(0).running,
            (std::vector<model::ServiceCount>{{model::ServiceId{0}, 1}, {model::ServiceId{1}, 3}, {model::ServiceId{2}, 2}}))
      << "sorted by id, zero counts dropped";
}

TEST(ParseProblem, ResourceDimensionsAreCpuMemoryThenOthersSorted) {
  const auto problem = parsed(R"(
nodes:
  - name: n1
    capacity: {memory: 8Gi, cpu: 4, nvidia.com/gpu: 2, disk: 3}
)", R"(
services:
  web:
    image: x
    resources: {gpu: 1, memory: 1Mi}
)");
  EXPECT_EQ(problem.resources, (std::vector<std::string>{"cpu", "memory", "disk", "gpu", "nvidia.com/gpu"}));
  EXPECT_EQ(problem.nodes.at(0).capacity, (std::vector<std::int64_t>{4000, 8 * model::kGiB, 3, 0, 2000}))
      << "GPUs in milli-GPUs";
  EXPECT_EQ(problem.services.at(0).request, (std::vector<std::int64_t>{0, model::kMiB, 0, 1000, 0}));
}

TEST(ParseProblem, GpuRequestsAreWholeGpusOrAShareOfOne) {
  const auto problem = parsed(R"(
nodes:
  - name: n1
    capacity: {cpu: 4, memory: 8Gi, gpu: 2}
)", R"(
services:
  train: {image: x, resources: {gpu: 2}}
  infer: {image: x, resources: {gpu: 0.5}}
  embed: {image: x, resources: {gpu: 125m}}
)");
  EXPECT_EQ(problem.services.at(0).request.at(2), 2000);
  EXPECT_EQ(problem.services.at(1).request.at(2), 500);
  EXPECT_EQ(problem.services.at(2).request.at(2), 125);
}

TEST(ParseProblem, StrategySetsDefaultWeightsAndExplicitWeightsOverrideInAnyOrder) {
  const auto weights_first = parsed(kCluster, std::string(kServices) +
                                                  "objective: {migration_cost: 3, node_cost: 0.5, strategy: spread}\n");
  const auto strategy_first = parsed(kCluster, std::string(kServices) +
                                                   "objective: {strategy: spread, node_cost: 0.5, migration_cost: 3}\n");
  for (const auto* problem : {&weights_first, &strategy_first}) {
    const model::Weights& w = problem->objective.weights;
    const model::Weights spread = model::default_weights(model::Strategy::spread);
    EXPECT_EQ(problem->objective.strategy, model::Strategy::spread);
    EXPECT_DOUBLE_EQ(w.migration, 3.0);
    EXPECT_DOUBLE_EQ(w.node_cost, 0.5);
    EXPECT_DOUBLE_EQ(w.load_spread, spread.load_spread);
    EXPECT_DOUBLE_EQ(w.unplaced, spread.unplaced);
  }
}

TEST(ParseProblem, ReadsEveryWeightAndTheRollout) {
  const auto problem = parsed(kCluster, std::string(kServices) + R"(
rollout: {max_concurrent: 4, transient: [memory, cpu, memory]}
objective:
  strategy: balanced
  node_cost: 2
  load_spread: 0.25
  balance: 3
  colocation: 0.5
  unplaced_penalty: 5000
  migration_cost: 0
)");
  const model::Weights& w = problem.objective.weights;
  EXPECT_EQ(problem.objective.strategy, model::Strategy::balanced);
  EXPECT_DOUBLE_EQ(w.node_cost, 2);
  EXPECT_DOUBLE_EQ(w.load_spread, 0.25);
  EXPECT_DOUBLE_EQ(w.balance, 3);
  EXPECT_DOUBLE_EQ(w.colocation, 0.5);
  EXPECT_DOUBLE_EQ(w.unplaced, 5000);
  EXPECT_DOUBLE_EQ(w.migration, 0);
  EXPECT_EQ(problem.rollout.max_concurrent, 4);
  EXPECT_EQ(problem.rollout.transient, (std::vector<int>{0, 1})) << "resource indices, sorted, once each";
}

TEST(ParseProblem, EmptyServicesMapIsValid) {
  const auto problem = parsed(kCluster, "services: {}\n");
  EXPECT_TRUE(problem.services.empty());
  EXPECT_EQ(problem.nodes.size(), 1u);
  const auto null_map = parsed(kCluster, "services:\n");
  EXPECT_TRUE(null_map.services.empty());
}

TEST(ParseProblem, TaintsParsedHereMeanWhatTheRulesSay) {
  const auto problem = parsed(R"(
nodes:
  - name: db1
    capacity: {cpu: 4, memory: 8Gi}
    taints: ["dedicated=db:NoSchedule"]
)", R"(
services:
  db: {image: pg, tolerations: ["dedicated=db:NoSchedule"]}
  web: {image: nginx}
)");
  EXPECT_TRUE(model::is_eligible(problem.nodes.at(0), problem.services.at(0)));
  EXPECT_FALSE(model::is_eligible(problem.nodes.at(0), problem.services.at(1)));
}

TEST(ParseProblem, QuotedAndPlainNumbersAreTheSame) {
  const auto problem = parsed(R"(
nodes:
  - name: "n1"
    capacity: {cpu: "2", memory: "1Gi"}
)", "services:\n  web: {image: x, replicas: \"3\"}\n");
  EXPECT_EQ(problem.nodes.at(0).capacity, (std::vector<std::int64_t>{2000, model::kGiB}));
  EXPECT_EQ(problem.services.at(0).replicas, 3);
}

}  // namespace
}  // namespace berth::spec
