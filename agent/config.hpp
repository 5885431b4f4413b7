#pragma once
// berth-agent's configuration and the node report it makes: what the agent tells the
// coordinator about its node, from the probed host and the operator's flags.
//
//   AgentConfig config;                       // flags and BERTH_* variables fill it (main.cpp)
//   config.labels = {"zone=a", "disk=ssd"};
//   config.capacity = {"cpu=4", "memory=8Gi"};  // overrides the probe (test clusters)
//   const auto report = node_report(config, probe_host({...}));
//   // report->capacity == {{"cpu", 4000}, {"memory", 8589934592}}
//
// Amounts use the spec's quantity syntax (500m, 2, 512Mi, 1G) and units (cpu millicores,
// memory bytes, gpu milli-GPUs, others counts). Every bad entry is reported at once, one
// per line, naming the flag and the entry: "--label 'zone': expected KEY=VALUE".
#include <string>
#include <vector>

#include "agent/probe.hpp"
#include "common/protocol/messages.hpp"
#include "common/result.hpp"

namespace berth::agent {

struct AgentConfig {
  std::string join = "tcp://127.0.0.1:7071";  // the coordinator's agents endpoint
  std::string name{};                          // node name; empty: the host name
  std::vector<std::string> labels{};           // KEY=VALUE
  std::vector<std::string> taints{};           // KEY=VALUE:EFFECT
  std::vector<std::string> capacity{};         // RESOURCE=AMOUNT, replaces the probed figure
  std::vector<std::string> resources{};        // RESOURCE=AMOUNT, extra resources (gpu=1)
  std::vector<std::string> soft_capacity{};    // RESOURCE=AMOUNT, use above it costs
  std::vector<std::string> reserve{};          // cpu=AMOUNT, memory=AMOUNT kept back
  double cost = 1.0;
  std::string log_level = "info";
};

// The reserve entries as the probe takes them (only cpu and memory may be reserved).
Result<Reserve> parse_reserve(const AgentConfig& config);

// The report the agent registers with. `probed` is the probe's result: its cpu and memory
// are used unless --capacity names them; a failed probe is an error only if they are not.
// `host_name` stands in for an empty config.name.
Result<protocol::NodeReport> node_report(const AgentConfig& config, const Result<HostResources>& probed,
                                         const std::string& host_name);

}  // namespace berth::agent
