// Every class of bad input is rejected with FILE:LINE:COLUMN and a message that says what
// is wrong; all errors of a file are reported together.
#include <gtest/gtest.h>

#include "tests/unit/spec/spec_text.hpp"

namespace berth::spec {
namespace {

using testing::cluster_errors;
using testing::errors;
using testing::kCluster;
using testing::kServices;
using testing::services_errors;

TEST(SpecErrors, UnknownKeySuggestsTheNearestValidKey) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replica: 3\n"),
            "services.yaml:4:5: unknown key 'replica' in service 'web' (did you mean 'replicas'?)");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    lables: {zone: a}\n"),
            "cluster.yaml:4:5: unknown key 'lables' in node 'n1' (did you mean 'labels'?)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    spread: {key: zone, skew: 2}\n"),
            "services.yaml:4:25: unknown key 'skew' in spread of service 'web' (did you mean 'max_skew'?)");
}

TEST(SpecErrors, UnknownKeyFarFromEveryValidKeyHasNoSuggestion) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    healthcheck: /ping\n"),
            "services.yaml:4:5: unknown key 'healthcheck' in service 'web'");
}

TEST(SpecErrors, UnknownTopLevelKeysAreRejected) {
  EXPECT_EQ(services_errors("services: {}\nobjectives: {strategy: spread}\n"),
            "services.yaml:2:1: unknown key 'objectives' in the services file (did you mean 'objective'?)");
  EXPECT_EQ(cluster_errors(std::string(kCluster) + "zones: [a, b]\n"),
            "cluster.yaml:4:1: unknown key 'zones' in the cluster file (did you mean 'nodes'?)");
}

TEST(SpecErrors, WrongTypesNameTheFieldAndWhatWasFound) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replicas: six\n"),
            "services.yaml:4:15: replicas of service 'web' must be an integer, got 'six'");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replicas: 2.5\n"),
            "services.yaml:4:15: replicas of service 'web' must be an integer, got '2.5'");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    labels: [a, b]\n    capacity: {cpu: 1, memory: 1Gi}\n"),
            "cluster.yaml:3:13: labels of node 'n1' must be a map, got a list");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: {name: nginx}\n"),
            "services.yaml:3:12: image of service 'web' must be a string, got a map");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    avoid: db\n"),
            "services.yaml:4:12: avoid of service 'web' must be a list, got 'db'");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    cost: cheap\n"),
            "cluster.yaml:4:11: cost of node 'n1' must be a number, got 'cheap'");
  EXPECT_EQ(services_errors("services: [web, db]\n"), "services.yaml:1:11: services must be a map, got a list");
  EXPECT_EQ(cluster_errors("nodes: {n1: {}}\n"), "cluster.yaml:1:8: nodes must be a list, got a map");
}

TEST(SpecErrors, AnEmptyValueIsReportedAtItsKey) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image:\n    replicas: 1\n"),
            "services.yaml:3:5: image of service 'web' must be a string, got nothing");
}

TEST(SpecErrors, BadQuantitiesSayWhichResourceAndWhy) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {cpu: 5x}\n"),
            "services.yaml:4:22: bad quantity '5x' for cpu: unknown suffix 'x' "
            "(use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti or Pi)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {memory: 0.5}\n"),
            "services.yaml:4:25: bad quantity '0.5' for memory: not a whole number of bytes");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {cpu: 0.0001}\n"),
            "services.yaml:4:22: bad quantity '0.0001' for cpu: finer than 1m");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {gpu: 0.3}\n"),
            "services.yaml:4:22: bad quantity '0.3' for gpu in resources of service 'web': a share of one GPU is "
            "1/2, 1/4 or 1/8 (500m, 250m, 125m), more than one GPU is whole GPUs (write 500m)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {gpu: 1.5}\n"),
            "services.yaml:4:22: bad quantity '1.5' for gpu in resources of service 'web': a share of one GPU is "
            "1/2, 1/4 or 1/8 (500m, 250m, 125m), more than one GPU is whole GPUs");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi, gpu: 0.5}\n"),
            "cluster.yaml:3:42: bad quantity '0.5' for gpu in capacity of node 'n1': a node has whole GPUs");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {gpu: [1]}\n"),
            "services.yaml:4:22: bad quantity for gpu: expected a quantity such as 500m, 2, 512Mi, got a list");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    resources: {\"g pu\": 1}\n"),
            "services.yaml:4:17: bad resource name 'g pu' in resources of service 'web': contains ' ' "
            "(allowed: letters, digits, '.', '_', '-', '/')");
}

TEST(SpecErrors, NegativeNumbersAreRejected) {
  const std::string head = "services:\n  web:\n    image: x\n    ";
  EXPECT_EQ(services_errors(head + "replicas: -1\n"),
            "services.yaml:4:15: replicas of service 'web' must not be negative, got -1");
  EXPECT_EQ(services_errors(head + "max_per_node: -2\n"),
            "services.yaml:4:19: max_per_node of service 'web' must not be negative, got -2");
  EXPECT_EQ(services_errors(head + "priority: -5\n"),
            "services.yaml:4:15: priority of service 'web' must not be negative, got -5");
  EXPECT_EQ(services_errors(head + "min_available: -1\n"),
            "services.yaml:4:20: min_available of service 'web' must not be negative, got -1");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    cost: -0.5\n"),
            "cluster.yaml:4:11: cost of node 'n1' must not be negative, got -0.5");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: -4, memory: 1Gi}\n"),
            "cluster.yaml:3:21: bad quantity '-4' for cpu: negative");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    running: {web: -1}\n"),
            "cluster.yaml:4:20: running count of 'web' on node 'n1' must not be negative, got -1");
}

TEST(SpecErrors, SoftCapacityMustNameResourcesOfTheCapacityWithinIt) {
  const std::string head = "nodes:\n  - name: n1\n    capacity: {cpu: 4, memory: 1Gi}\n    ";
  EXPECT_EQ(cluster_errors(head + "soft_capacity: {cpu: 6}\n"),
            "cluster.yaml:4:20: soft_capacity cpu of node 'n1' (6000) is more than its capacity (4000)");
  EXPECT_EQ(cluster_errors(head + "soft_capacity: {gpu: 1}\n"),
            "cluster.yaml:4:20: soft_capacity of node 'n1' names gpu, which its capacity does not have");
  EXPECT_EQ(cluster_errors(head + "soft_capacity: {cpu: 2x}\n"),
            "cluster.yaml:4:26: bad quantity '2x' for cpu: unknown suffix 'x' (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti or Pi)");
  EXPECT_EQ(cluster_errors(head + "soft_capacty: {cpu: 2}\n"),
            "cluster.yaml:4:5: unknown key 'soft_capacty' in node 'n1' (did you mean 'soft_capacity'?)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\nobjective: {overload_cost: -1}\n"),
            "services.yaml:4:28: overload_cost of objective must not be negative, got -1");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\nobjective: {overload_cost: {cpu: -1}}\n"),
            "services.yaml:4:34: 'cpu' in overload_cost of objective must not be negative, got -1");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\nobjective: {overload_cost: {dsik: 1}}\n"),
            "services.yaml:4:29: overload_cost names resource 'dsik', which no node's capacity and no service's request has");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\nobjective: {overload_cost: [1]}\n"),
            "services.yaml:4:28: overload_cost of objective must be a number or a map of resource to number, got a list");
}

TEST(SpecErrors, ServiceMoveCostMustBeANonNegativeNumber) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\nobjective: {service_move_cost: -2}\n"),
            "services.yaml:4:32: service_move_cost of objective must not be negative, got -2");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\nobjective: {service_move: 2}\n"),
            "services.yaml:4:13: unknown key 'service_move' in objective (did you mean 'service_move_cost'?)");
}

TEST(SpecErrors, BadFreeRatioRulesAreRejected) {
  const std::string head = "services:\n  web:\n    image: x\nobjective:\n  free_ratio:\n    - ";
  EXPECT_EQ(services_errors(head + "{per: cpu, keep: disk}\n"),
            "services.yaml:6:24: free_ratio names resource 'disk', which no node's capacity and no service's request has");
  EXPECT_EQ(services_errors(head + "{per: cpu}\n"),
            "services.yaml:6:7: free_ratio rule #1 of objective has no keep (a resource name, e.g. cpu)");
  EXPECT_EQ(services_errors(head + "{per: cpu, keep: cpu}\n"),
            "services.yaml:6:7: free_ratio rule #1 of objective has per and keep both 'cpu': they must differ");
  EXPECT_EQ(services_errors(head + "{per: cpu, keep: memory, ratio: -1}\n"),
            "services.yaml:6:39: ratio of free_ratio rule #1 of objective must not be negative, got -1");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    move_cost: -2\n"),
            "services.yaml:4:16: move_cost of service 'web' must not be negative, got -2");
  EXPECT_EQ(services_errors(head + "{per: cpu, keep: memory, wieght: 1}\n"),
            "services.yaml:6:32: unknown key 'wieght' in free_ratio rule #1 of objective (did you mean 'weight'?)");
}

TEST(SpecErrors, BadNearRulesAreRejected) {
  const std::string head = "services:\n  cache:\n    image: redis\n  web:\n    image: x\n    near: ";
  EXPECT_EQ(services_errors(head + "[{service: cahce, key: zone}]\n"),
            "services.yaml:6:22: unknown service 'cahce' in near of service 'web' (did you mean 'cache'?)");
  EXPECT_EQ(services_errors(head + "[{service: web, key: zone}]\n"),
            "services.yaml:6:22: service 'web' is near itself, which means nothing");
  EXPECT_EQ(services_errors(head + "[{service: cache}]\n"),
            "services.yaml:6:12: item 1 of near of service 'web' has no key (the node label whose domains are shared, e.g. zone)");
  EXPECT_EQ(services_errors(head + "[{key: zone}]\n"),
            "services.yaml:6:12: item 1 of near of service 'web' has no service (the service to run near)");
  EXPECT_EQ(services_errors(head + "[{service: cache, key: \"\"}]\n"),
            "services.yaml:6:34: key of item 1 of near of service 'web' is empty");
  EXPECT_EQ(services_errors(head + "[{service: cache, kye: zone}]\n"),
            "services.yaml:6:12: item 1 of near of service 'web' has no key (the node label whose domains are shared, e.g. zone)\n"
            "services.yaml:6:29: unknown key 'kye' in item 1 of near of service 'web' (did you mean 'key'?)");
  EXPECT_EQ(services_errors(head + "cache\n"), "services.yaml:6:11: near of service 'web' must be a list, got 'cache'");
}

TEST(SpecErrors, TransientResourcesMustBeAListOfKnownResources) {
  const std::string head = "services:\n  web:\n    image: x\nrollout: ";
  EXPECT_EQ(services_errors(head + "{transient: [cpu, disk]}\n"),
            "services.yaml:4:28: transient of rollout names resource 'disk', which no node's capacity and no service's "
            "request has");
  EXPECT_EQ(services_errors(head + "{transient: cpu}\n"), "services.yaml:4:22: transient of rollout must be a list, got 'cpu'");
  EXPECT_EQ(services_errors(head + "{transiant: [cpu]}\n"),
            "services.yaml:4:11: unknown key 'transiant' in rollout (did you mean 'transient'?)");
}

TEST(SpecErrors, NumbersBeyondIntAreRejected) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replicas: 3000000000\n"),
            "services.yaml:4:15: replicas of service 'web' must be at most 2147483647, got 3000000000");
}

TEST(SpecErrors, UnknownServicesInAvoidPreferAndRunningPointAtTheReference) {
  const std::string services = "services:\n  web:\n    image: x\n    avoid: [dbb]\n    prefer: [cahce]\n"
                               "  db: {image: pg}\n  cache: {image: redis}\n";
  EXPECT_EQ(services_errors(services),
            "services.yaml:4:13: unknown service 'dbb' in avoid of service 'web' (did you mean 'db'?)\n"
            "services.yaml:5:14: unknown service 'cahce' in prefer of service 'web' (did you mean 'cache'?)");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    running: {web: 1, api: 2}\n"),
            "cluster.yaml:4:23: unknown service 'api' in running of node 'n1'");
}

TEST(SpecErrors, DuplicateNodeNamesAndServiceKeysAreRejected) {
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n"
                           "  - name: n1\n    capacity: {cpu: 2, memory: 1Gi}\n"),
            "cluster.yaml:4:11: duplicate node name 'n1' (first at line 2)");
  EXPECT_EQ(services_errors("services:\n  web: {image: a}\n  db: {image: b}\n  web: {image: c}\n"),
            "services.yaml:4:3: duplicate key 'web' in services (first at line 2)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: a\n    replicas: 2\n    replicas: 3\n"),
            "services.yaml:5:5: duplicate key 'replicas' in service 'web' (first at line 4)");
}

TEST(SpecErrors, YamlSyntaxErrorsCarryTheParserPosition) {
  EXPECT_EQ(services_errors("services:\n  web: {image: x\n"),
            "services.yaml:3:1: YAML syntax error: end of map flow not found");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n   capacity: {cpu: 1}\n"),
            "cluster.yaml:3:4: YAML syntax error: end of sequence not found");
}

TEST(SpecErrors, SyntaxErrorsInBothFilesAreBothReported) {
  EXPECT_EQ(errors("nodes: [\n", "services: {\n"),
            "cluster.yaml:2:1: YAML syntax error: end of sequence flow not found\n"
            "services.yaml:2:1: YAML syntax error: end of map flow not found");
}

TEST(SpecErrors, MissingRequiredFieldsAreNamed) {
  EXPECT_EQ(cluster_errors("nodes:\n  - capacity: {cpu: 1, memory: 1Gi}\n"), "cluster.yaml:2:5: node #1 has no name");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n"), "cluster.yaml:2:5: node 'n1' has no capacity");
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1}\n"),
            "cluster.yaml:3:15: capacity of node 'n1' has no memory");
  EXPECT_EQ(services_errors("services:\n  web: {replicas: 2}\n"), "services.yaml:2:3: service 'web' has no image");
  EXPECT_EQ(cluster_errors("{}\n"), "cluster.yaml:1:1: the cluster file has no 'nodes' list");
  EXPECT_EQ(cluster_errors(""), "cluster.yaml: the cluster file has no 'nodes' list");
  EXPECT_EQ(services_errors("rollout: {max_concurrent: 2}\n"),
            "services.yaml:1:1: the services file has no 'services' map (use 'services: {}' for none)");
}

TEST(SpecErrors, BadStrategyIsRejectedWithTheChoices) {
  EXPECT_EQ(services_errors(std::string(kServices) + "objective: {strategy: binpak}\n"),
            "services.yaml:4:23: bad strategy 'binpak': expected binpack, spread or balanced (did you mean 'binpack'?)");
}

TEST(SpecErrors, BadWeightsAreRejected) {
  EXPECT_EQ(services_errors(std::string(kServices) + "objective: {node_cost: -1}\n"),
            "services.yaml:4:24: node_cost of objective must not be negative, got -1");
  EXPECT_EQ(services_errors(std::string(kServices) + "objective: {unplaced_penalty: 0}\n"),
            "services.yaml:4:31: unplaced_penalty of objective must be positive, got 0");
}

TEST(SpecErrors, BadSpreadRulesAreRejected) {
  const std::string head = "services:\n  web:\n    image: x\n    ";
  EXPECT_EQ(services_errors(head + "spread: {max_skew: 1}\n"),
            "services.yaml:4:13: spread of service 'web' has no key (the node label to spread over, e.g. zone)");
  EXPECT_EQ(services_errors(head + "spread: {key: zone, max_skew: 0}\n"),
            "services.yaml:4:35: max_skew of spread of service 'web' must be at least 1, got 0");
  EXPECT_EQ(services_errors(head + "spread: {key: zone, min_domains: 0}\n"),
            "services.yaml:4:38: min_domains of spread of service 'web' must be at least 1, got 0");
  EXPECT_EQ(services_errors(head + "spread: {key: zone, min_domain: 2}\n"),
            "services.yaml:4:25: unknown key 'min_domain' in spread of service 'web' (did you mean 'min_domains'?)");
  EXPECT_EQ(services_errors(head + "spread: zone\n"),
            "services.yaml:4:13: spread of service 'web' must be a map, got 'zone'");
}

TEST(SpecErrors, BadNodeAffinityIsRejected) {
  const std::string head = "services:\n  web:\n    image: x\n    node_affinity:\n";
  EXPECT_EQ(services_errors(head + "      - {key: gpu, operator: Inn, values: [A100]}\n"),
            "services.yaml:5:30: bad operator 'Inn' in item 1 of node_affinity of service 'web': expected In or NotIn "
            "(did you mean 'In'?)");
  EXPECT_EQ(services_errors(head + "      - {operator: In, values: [A100]}\n"),
            "services.yaml:5:9: item 1 of node_affinity of service 'web' has no key (the node label to match, e.g. "
            "gpu_model)");
  EXPECT_EQ(services_errors(head + "      - {key: gpu, values: []}\n"),
            "services.yaml:5:28: values of item 1 of node_affinity of service 'web' is empty (In and NotIn need at "
            "least one value)");
  EXPECT_EQ(services_errors(head + "      - {key: gpu}\n"),
            "services.yaml:5:9: item 1 of node_affinity of service 'web' has no values (the label values to match)");
  EXPECT_EQ(services_errors(head + "      - {key: gpu, value: [A100]}\n"),
            "services.yaml:5:9: item 1 of node_affinity of service 'web' has no values (the label values to match)\n"
            "services.yaml:5:20: unknown key 'value' in item 1 of node_affinity of service 'web' (did you mean "
            "'values'?)");
}

TEST(SpecErrors, MinAvailableAboveReplicasIsRejectedInAnyKeyOrder) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    min_available: 4\n    replicas: 3\n"),
            "services.yaml:4:20: min_available of service 'web' (4) is more than its replicas (3)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    min_available: 2\n"),
            "services.yaml:4:20: min_available of service 'web' (2) is more than its replicas (1)");
}

TEST(SpecErrors, MaxConcurrentBelowOneIsRejected) {
  EXPECT_EQ(services_errors(std::string(kServices) + "rollout: {max_concurrent: 0}\n"),
            "services.yaml:4:27: max_concurrent of rollout must be at least 1, got 0");
}

TEST(SpecErrors, ServiceAvoidingOrPreferringItselfIsRejected) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    avoid: [web]\n"),
            "services.yaml:4:13: service 'web' avoids itself (use max_per_node: 1 for one replica per node)");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    prefer: [web]\n"),
            "services.yaml:4:14: service 'web' prefers itself, which means nothing");
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    avoid: [db]\n    prefer: [db]\n  db: {image: pg}\n"),
            "services.yaml:5:14: service 'web' both avoids and prefers 'db'");
}

TEST(SpecErrors, TaintsAndTolerationsMustHaveAKnownEffect) {
  const std::string shape = "expected key[=value]:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute";
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    taints: [\"dedicated=db\"]\n"),
            "cluster.yaml:4:14: bad taint 'dedicated=db' on node 'n1': no effect: " + shape);
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    tolerations: [\"gpu:NoScheduel\"]\n"),
            "services.yaml:4:19: bad toleration 'gpu:NoScheduel' in service 'web': unknown effect 'NoScheduel': " +
                shape);
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    tolerations: [\"=db:NoSchedule\"]\n"),
            "services.yaml:4:19: bad toleration '=db:NoSchedule' in service 'web': key is empty: " + shape);
}

TEST(SpecErrors, BadNodeStateIsRejected) {
  EXPECT_EQ(cluster_errors("nodes:\n  - name: n1\n    capacity: {cpu: 1, memory: 1Gi}\n    state: drained\n"),
            "cluster.yaml:4:12: bad state 'drained' of node 'n1': expected ready, cordoned or lost");
}

TEST(SpecErrors, BadNamesAreRejected) {
  EXPECT_EQ(cluster_errors("nodes:\n  - name: \"n 1\"\n    capacity: {cpu: 1, memory: 1Gi}\n"),
            "cluster.yaml:2:11: bad node name 'n 1': contains ' ' (allowed: letters, digits, '.', '_', '-')");
  EXPECT_EQ(services_errors("services:\n  -web: {image: x}\n"),
            "services.yaml:2:3: bad service name '-web': must start with a letter or digit");
}

TEST(SpecErrors, BadPortsAndEnvironmentAreRejected) {
  const std::string head = "services:\n  web:\n    image: x\n    ";
  EXPECT_EQ(services_errors(head + "ports: [80, 70000]\n"),
            "services.yaml:4:17: item 2 of ports of service 'web' must be at most 65535, got 70000");
  EXPECT_EQ(services_errors(head + "ports: [80, 80]\n"), "services.yaml:4:17: port 80 appears twice in ports of service 'web'");
  EXPECT_EQ(services_errors(head + "env: {1X: a}\n"),
            "services.yaml:4:11: bad variable name '1X' in env of service 'web': must start with a letter or '_'");
  EXPECT_EQ(services_errors(head + "command: [run, {a: b}]\n"),
            "services.yaml:4:20: item 2 of command of service 'web' must be a string, got a map");
}

TEST(SpecErrors, EveryErrorInAFileIsReportedOnePerLine) {
  const std::string message = services_errors(
      "services:\n"
      "  web:\n"
      "    image: x\n"
      "    replicas: -3\n"
      "    resources: {cpu: 1q}\n"
      "    avoid: [nobody]\n"
      "  db:\n"
      "    replica: 2\n"
      "rollout: {max_concurrent: 0}\n");
  EXPECT_EQ(message,
            "services.yaml:4:15: replicas of service 'web' must not be negative, got -3\n"
            "services.yaml:5:22: bad quantity '1q' for cpu: unknown suffix 'q' (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti or Pi)\n"
            "services.yaml:6:13: unknown service 'nobody' in avoid of service 'web'\n"
            "services.yaml:7:3: service 'db' has no image\n"
            "services.yaml:8:5: unknown key 'replica' in service 'db' (did you mean 'replicas'?)\n"
            "services.yaml:9:27: max_concurrent of rollout must be at least 1, got 0");
}

TEST(SpecErrors, QuotedTextStaysOnOneLineAndShort) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replicas: \"six\\nseven\"\n"),
            "services.yaml:4:15: replicas of service 'web' must be an integer, got 'six\\nseven'");
  const std::string long_value(100, 'z');
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replicas: " + long_value + "\n"),
            "services.yaml:4:15: replicas of service 'web' must be an integer, got '" + std::string(60, 'z') + "...'");
}

TEST(SpecErrors, TotalsThatOverflowInt64AreRejected) {
  EXPECT_EQ(services_errors("services:\n  web:\n    image: x\n    replicas: 3\n    resources: {memory: 4E}\n"),
            "services.yaml: the total memory demand overflows int64");
}

}  // namespace
}  // namespace berth::spec
