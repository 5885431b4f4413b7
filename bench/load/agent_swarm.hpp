#pragma once
// berth::load swarm — many berth agents in one process, for the load harness: one
// net::Context, one Dealer per node (its routing id is the node's name) and one
// agent::AgentCore per node, all served by a single poll loop. Each agent behaves as a
// berth-agent would (register, heartbeat, answer prices with solve_local, record targets);
// only the host probe is replaced by the generated node's report.
//
//   const int code = load::run_swarm({.endpoint = "tcp://127.0.0.1:40123", .reports = reports});
//
// It returns when SIGTERM or SIGINT arrives (0) or when no agent has heard from the
// coordinator for `give_up_after` (3: the coordinator is gone or hung), so a swarm never
// outlives its coordinator. Meant for a forked child: it blocks the two signals itself.
#include <chrono>
#include <string>
#include <vector>

#include "common/model/problem.hpp"
#include "common/protocol/messages.hpp"

namespace berth::load {

struct SwarmOptions {
  std::string endpoint;                        // the coordinator's agents endpoint
  std::vector<protocol::NodeReport> reports;   // one agent each
  std::chrono::milliseconds give_up_after{15000};
};

int run_swarm(const SwarmOptions& options);

// What an agent on `node` reports: capacity by resource name (cpu and memory always,
// other resources where the node has some), labels, taints and cost; nothing running.
protocol::NodeReport node_report(const model::Problem& problem, const model::Node& node);

}  // namespace berth::load
