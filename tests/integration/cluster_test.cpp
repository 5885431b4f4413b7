// A coordinator and agents as real processes on loopback: they converge on the placement
// `berthctl solve` finds offline, and survive the faults of a real network (an agent
// dying mid-solve, the coordinator restarting).
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/integration/live_cluster.hpp"

namespace berth::testing {
namespace {

using namespace std::chrono_literals;

// Rules that couple the nodes (spread, avoid, max_per_node), so the rounds matter.
constexpr const char* kServices = R"(services:
  web:
    image: nginx:1.25
    replicas: 6
    resources: {cpu: 500m, memory: 512Mi}
    spread: {key: zone, max_skew: 1}
  api:
    image: api:2
    replicas: 4
    resources: {cpu: "1", memory: 2Gi}
    max_per_node: 2
    avoid: [batch]
  batch:
    image: batch:7
    replicas: 3
    resources: {cpu: "2", memory: 4Gi}
  cache:
    image: redis:7
    replicas: 2
    resources: {cpu: 250m, memory: 1Gi}
    prefer: [web]
objective: {strategy: binpack}
)";

struct AgentSpec {
  std::string name;
  std::string zone;
  std::string capacity;
};

// Four nodes with different capacities, so that each is a class of its own and answers
// for itself.
const std::vector<AgentSpec> kAgents = {
    {"n1", "a", "cpu=4,memory=8Gi"},
    {"n2", "a", "cpu=6,memory=12Gi"},
    {"n3", "b", "cpu=8,memory=16Gi"},
    {"n4", "b", "cpu=3,memory=6Gi"},
};

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The cluster file `berthctl solve` reads for the same nodes.
std::string cluster_yaml(const std::vector<AgentSpec>& agents) {
  std::string yaml = "nodes:\n";
  for (const AgentSpec& agent : agents) {
    std::string capacity = agent.capacity;
    for (auto& c : capacity)
      if (c == ',') c = ' ';
    std::string cpu = capacity.substr(4, capacity.find(' ') - 4);
    std::string memory = capacity.substr(capacity.find("memory=") + 7);
    yaml += "  - {name: " + agent.name + ", labels: {zone: " + agent.zone + "}, capacity: {cpu: \"" + cpu +
            "\", memory: " + memory + "}}\n";
  }
  return yaml;
}

// service → node → replicas from a berthctl solve --json placement; node → service →
// replicas from the coordinator's. Both as node → service → count, zeros left out.
using Counts = std::map<std::string, std::map<std::string, int>>;

Counts by_node_from_services(const nlohmann::json& placement) {
  Counts counts;
  for (const auto& [service, nodes] : placement.items())
    for (const auto& [node, count] : nodes.items())
      if (count.get<int>() > 0) counts[node][service] = count.get<int>();
  return counts;
}

Counts by_node(const nlohmann::json& placement) {
  Counts counts;
  for (const auto& [node, services] : placement.items())
    for (const auto& [service, count] : services.items())
      if (count.get<int>() > 0) counts[node][service] = count.get<int>();
  return counts;
}

// What every node reports running (GET /v1/nodes), as node → service → count.
Counts reported_running(const LiveCluster& cluster) {
  const ApiReply nodes = cluster.get("/v1/nodes");
  Counts running;
  for (const auto& node : nodes.json["nodes"])
    for (const auto& [service, count] : node["running"].items())
      if (count.get<int>() > 0) running[node["name"]][service] = count.get<int>();
  return running;
}

void start_agents(LiveCluster& cluster, const std::vector<AgentSpec>& agents) {
  for (const AgentSpec& agent : agents)
    cluster.start_agent(agent.name, {"--label", "zone=" + agent.zone, "--capacity", agent.capacity});
}

TEST(LiveCluster, ConvergesOnThePlacementBerthctlSolveFinds) {
  LiveCluster cluster("converges");
  ASSERT_TRUE(cluster.start_coordinator({"--heartbeat-ms", "200", "--seed", "5"}));
  start_agents(cluster, kAgents);
  ASSERT_TRUE(cluster.wait_for_nodes(kAgents.size(), 15s)) << cluster.logs();

  const ApiReply applied = cluster.post("/v1/apply", kServices);
  ASSERT_EQ(applied.status, 200) << applied.body << cluster.logs();

  write_file(cluster.path("cluster.yaml"), cluster_yaml(kAgents));
  write_file(cluster.path("services.yaml"), kServices);
  const std::string output = cluster.path("solve.json");
  const std::string command = bin("berthctl") + " solve --json --seed 5 --cluster " + cluster.path("cluster.yaml") +
                              " --services " + cluster.path("services.yaml") + " > " + output;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto offline = nlohmann::json::parse(read_file(output));

  EXPECT_EQ(by_node(applied.json["placement"]), by_node_from_services(offline["placement"]));
  EXPECT_DOUBLE_EQ(applied.json["objective"].get<double>(), offline["objective"].get<double>());
  EXPECT_DOUBLE_EQ(applied.json["lower_bound"].get<double>(), offline["lower_bound"].get<double>());
  EXPECT_EQ(applied.json["rounds"], offline["rounds"]);
  // The agents answered the rounds: every class by bid, none by the coordinator itself.
  EXPECT_GT(cluster.metric("berth_class_answers_total{source=\"bid\"}"), 0);
  EXPECT_EQ(cluster.metric("berth_class_answers_total{source=\"local\"}"), 0) << cluster.logs();

  // Each agent carries out its part and reports it in its heartbeats.
  const Counts target = by_node(applied.json["placement"]);
  EXPECT_TRUE(eventually([&] { return reported_running(cluster) == target; }, 10s)) << cluster.logs();
}

TEST(LiveCluster, ARoundEndsByItsDeadlineWhenAnAgentDiesAndItsReplicasMoveWhenItIsLost) {
  LiveCluster cluster("agent_dies");
  // 40 rounds of at most 150 ms: a solve that waits on a dead agent takes about 6 s; one
  // that waited for it would never end.
  ASSERT_TRUE(cluster.start_coordinator({"--heartbeat-ms", "300", "--round-deadline-ms", "150", "--max-rounds",
                                         "40", "--resolve-delay-ms", "50"}));
  start_agents(cluster, kAgents);
  ASSERT_TRUE(cluster.wait_for_nodes(kAgents.size(), 15s)) << cluster.logs();
  ASSERT_EQ(cluster.post("/v1/apply", kServices).status, 200);
  const double local_before = cluster.metric("berth_class_answers_total{source=\"local\"}");

  // n3 stops answering the moment the solve starts (it stays connected, like a hung
  // host), and is killed while the rounds run.
  cluster.agent("n3").signal(SIGSTOP);
  ApiReply replanned;
  std::thread apply([&] { replanned = cluster.post("/v1/plan", kServices); });
  std::this_thread::sleep_for(500ms);  // inject the fault mid-solve; not a wait for a condition
  cluster.agent("n3").signal(SIGKILL);
  apply.join();
  ASSERT_EQ(replanned.status, 200) << replanned.body << cluster.logs();
  // Every networked round (price rounds and price-search evaluations) waited at most its
  // deadline for n3, and the coordinator answered n3's class itself in the rounds n3 missed.
  const double network_rounds = cluster.metric("berth_last_solve_network_rounds");
  ASSERT_GT(network_rounds, 0);
  EXPECT_LE(replanned.json["seconds"].get<double>(), network_rounds * 0.150 + 1.0);
  EXPECT_GT(cluster.metric("berth_class_answers_total{source=\"local\"}"), local_before) << cluster.logs();

  // Lost after 2 × 3 missed heartbeats; the re-solve moves n3's replicas elsewhere.
  EXPECT_TRUE(eventually([&] { return cluster.node_health()["n3"] == "lost"; }, 10s)) << cluster.logs();
  ApiReply status;
  EXPECT_TRUE(eventually(
      [&] {
        status = cluster.get("/v1/status");
        return status.json["target"].is_object() && status.json["target"]["version"].get<int>() >= 2;
      },
      30s))
      << status.body << cluster.logs();
  const ApiReply placement = cluster.get("/v1/placement");
  const Counts after = by_node(placement.json["placement"]);
  EXPECT_EQ(after.count("n3"), 0u) << placement.body;
  int placed = 0;
  for (const auto& [node, services] : after)
    for (const auto& [service, count] : services) placed += count;
  EXPECT_GT(placed, 0);
}

TEST(LiveCluster, AgentsRegisterAgainAfterACoordinatorRestartAndStateIsRebuilt) {
  LiveCluster cluster("restart");
  ASSERT_TRUE(cluster.start_coordinator({"--heartbeat-ms", "150"}));
  start_agents(cluster, kAgents);
  ASSERT_TRUE(cluster.wait_for_nodes(kAgents.size(), 15s)) << cluster.logs();
  const ApiReply applied = cluster.post("/v1/apply", kServices);
  ASSERT_EQ(applied.status, 200) << applied.body;
  const Counts target = by_node(applied.json["placement"]);

  const auto running_everywhere = [&] { return reported_running(cluster) == target; };
  ASSERT_TRUE(eventually(running_everywhere, 10s)) << cluster.logs();

  cluster.stop_coordinator(SIGKILL);
  ASSERT_TRUE(cluster.start_coordinator({"--heartbeat-ms", "150"}, /*fixed_ports=*/true));
  // A new incarnation: every agent registers again with what it runs.
  ASSERT_TRUE(cluster.wait_for_nodes(kAgents.size(), 15s)) << cluster.logs();
  EXPECT_TRUE(eventually(running_everywhere, 10s)) << cluster.logs();

  // Applying the same services again moves nothing: the new coordinator starts from what
  // the agents run.
  const ApiReply again = cluster.post("/v1/apply", kServices);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["replicas_started"], 0) << again.body;
  EXPECT_EQ(again.json["replicas_stopped"], 0) << again.body;
  EXPECT_EQ(by_node(again.json["placement"]), target);
}

}  // namespace
}  // namespace berth::testing
