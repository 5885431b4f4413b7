#pragma once
// A live berth cluster for integration tests: a real berth-coordinator process on
// ephemeral loopback ports and real berth-agent processes joining it, driven over the
// operator API. Waits are on conditions with deadlines, never fixed sleeps.
//
//   LiveCluster cluster("my_test");
//   cluster.start_coordinator({"--heartbeat-ms", "200"});
//   cluster.start_agent("n1", {"--label", "zone=a", "--capacity", "cpu=4,memory=8Gi"});
//   ASSERT_TRUE(cluster.wait_for_nodes(1, std::chrono::seconds(10)));
//   const auto applied = cluster.post("/v1/apply", services_yaml);   // {status, json}
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coordinator/berthctl/http_client.hpp"
#include "tests/support/process.hpp"

namespace berth::testing {

std::string bin(const std::string& program);  // build/bin/<program>

struct ApiReply {
  int status = 0;
  nlohmann::json json;
  std::string body;
};

// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

class LiveCluster {
 public:
  explicit LiveCluster(const std::string& name);
  ~LiveCluster();

  // Starts the coordinator; `fixed_ports` keeps the agents endpoint and API port of an
  // earlier start (a restart). Fails the test (ADD_FAILURE) without a ready line.
  bool start_coordinator(const std::vector<std::string>& extra, bool fixed_ports = false);
  void stop_coordinator(int signal_number);
  void start_agent(const std::string& name, const std::vector<std::string>& extra);
  ChildProcess& agent(const std::string& name) { return *agents_.at(name); }
  ChildProcess& coordinator() { return *coordinator_; }

  ApiReply get(const std::string& target) const;
  ApiReply post(const std::string& target, const std::string& body) const;
  // Nodes by health from GET /v1/nodes: name → health.
  std::map<std::string, std::string> node_health() const;
  bool wait_for_nodes(std::size_t alive, std::chrono::milliseconds timeout) const;
  // A sample of GET /metrics ("berth_class_answers_total{source=\"local\"}"), or -1.
  double metric(const std::string& series) const;

  const std::string& agents_endpoint() const { return agents_endpoint_; }
  std::string path(const std::string& file) const { return dir_ + "/" + file; }
  // The logs of every process, for failure messages.
  std::string logs() const;

 private:
  std::string dir_;
  std::string agents_endpoint_;
  berthctl::CoordinatorAddress api_{};
  std::unique_ptr<ChildProcess> coordinator_;
  std::map<std::string, std::unique_ptr<ChildProcess>> agents_;
  int coordinator_starts_ = 0;
};

}  // namespace berth::testing
