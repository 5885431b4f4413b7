#pragma once
// berth::load::run_size — one size of the load harness: a generated cluster of `agents`
// nodes served by a real berth-coordinator and `processes` forked agent swarms, its
// services applied over the API (time to converge), the coordinator's round figures read
// from /metrics, then the same problem solved in this process for comparison.
//
//   const SizeResult result = load::run_size({.agents = 1000, .coordinator = "build/bin/berth-coordinator"});
//   if (!result.error.empty()) ...            // the size could not be run (why, with a log path)
//   if (!result.objectives_equal) ...         // the networked solve found another placement
//
// The in-process problem is built as the coordinator builds it (ClusterState::input_locked):
// the registered nodes sorted by name, resources cpu, memory, then the others sorted,
// and the services file parsed against them with spec::parse_services.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/model/problem.hpp"
#include "common/protocol/messages.hpp"

namespace berth::load {

struct SizeOptions {
  int agents = 100;
  int processes = 4;
  int replicas_per_node = 10;
  int replicas = 0;           // total replicas of every size; 0: agents × replicas_per_node
  std::uint64_t seed = 1;
  int max_rounds = 100;
  int bidders_per_class = 0;  // 0: every agent bids
  double gap = 0.005;
  int heartbeat_ms = 1000;
  int round_deadline_ms = 500;
  std::string coordinator;    // path of berth-coordinator
  std::string work_dir;       // the coordinator's log goes here
};

struct SizeResult {
  int agents = 0;
  int services = 0;
  int replicas = 0;
  int classes = 0;              // node classes of the problem (identical subproblems)
  int rounds = 0;               // the networked solve's rounds (the apply's answer)
  int network_rounds = 0;       // price rounds sent over the network (berth_last_solve_network_rounds)
  double join_seconds = 0;      // swarms forked → every agent alive in GET /v1/nodes
  double converge_seconds = 0;  // POST /v1/apply, request to answer
  double solve_seconds = 0;     // the coordinator's own solve time (the apply's "seconds")
  double in_process_seconds = 0;
  // CPU seconds used while the apply ran: the coordinator's, and all agent processes'.
  double coordinator_cpu_seconds = 0;
  double agents_cpu_seconds = 0;
  int in_process_rounds = 0;
  double round_p50_seconds = 0;
  double round_p99_seconds = 0;
  double bytes_per_round = 0;
  double bytes_sent = 0;        // subproblems and prices, the whole solve
  double bytes_received = 0;    // bids, the whole solve
  double bid_answers = 0;       // class answers from bids (whole solve)
  double local_answers = 0;     // class answers the coordinator computed (no bid in time)
  double late_bids = 0;
  double objective_networked = 0;
  double objective_in_process = 0;
  bool objectives_equal = false;
  bool placements_equal = false;
  std::string coordinator_log;
  std::string error;            // non-empty: the size did not run to the end
};

SizeResult run_size(const SizeOptions& options);

// The registered problem the coordinator solves against: nodes sorted by name, resource
// dimensions cpu, memory, then every other reported resource, sorted; nothing running.
model::Problem registered_cluster(const std::vector<protocol::NodeReport>& reports);

// The value of one Prometheus sample, `series` written as in the text ("name" or
// "name{label=\"v\"}"); nullopt when absent or unreadable.
std::optional<double> prometheus_sample(const std::string& text, const std::string& series);

}  // namespace berth::load
