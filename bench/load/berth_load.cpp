// berth-load: 1,000 agents from a few processes against one real berth-coordinator. Per
// size, the time to converge (POST /v1/apply of a generated cluster's services), the price
// rounds' latency p50/p99 and bytes per round from the coordinator's /metrics, against the
// in-process solve of the same problem in the same run. Not a test: a benchmark to read.
//
//   berth-load --agents 100,300,1000 --processes 4 --replicas-per-node 10 --json load.json
//
// Every agent is a real agent::AgentCore behind its own ZeroMQ DEALER; --processes swarm
// processes share them out, each with one poll loop (bench/load/agent_swarm.hpp).
// Exit status: 0 when every size ran and found the in-process objective, 1 on a MISMATCH,
// 2 when a size could not be run, 64 on bad flags.
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/load/load_run.hpp"

namespace {

using berth::load::SizeResult;

struct Config {
  std::vector<int> agents = {100, 300, 1000};
  int processes = 4;
  int replicas_per_node = 10;
  int replicas = 0;
  std::uint64_t seed = 1;
  int max_rounds = 100;
  int bidders_per_class = 2;  // the coordinator's default
  double gap = 0.005;
  int heartbeat_ms = 1000;
  int round_deadline_ms = 500;
  std::string coordinator;
  std::string json_path;
};

// berth-coordinator next to this program.
std::string default_coordinator() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "berth-coordinator";
  return (self.parent_path() / "berth-coordinator").string();
}

void print_header() {
  std::printf("%6s %7s %6s %6s %6s %7s %9s %7s %7s %8s %10s %10s %8s %6s %7s %4s\n", "agents", "classes", "rounds",
              "net_rd", "join_s", "conv_s", "in_proc_s", "ratio", "p50_ms", "p99_ms", "B/round", "B/rd/agent",
              "us/agent", "local", "cpu_c/a", "obj=");
}

void print_row(const SizeResult& r) {
  if (!r.error.empty()) {
    std::printf("%6d  FAILED: %s\n", r.agents, r.error.c_str());
    return;
  }
  const double ratio = r.in_process_seconds > 0 ? r.converge_seconds / r.in_process_seconds : 0;
  char cpu[32];
  std::snprintf(cpu, sizeof cpu, "%.1f/%.1f", r.coordinator_cpu_seconds, r.agents_cpu_seconds);
  std::printf("%6d %7d %6d %6d %6.2f %7.2f %9.2f %6.1fx %7.2f %8.2f %10.0f %10.0f %8.1f %6.0f %7s %4s\n", r.agents,
              r.classes, r.rounds, r.network_rounds, r.join_seconds, r.converge_seconds, r.in_process_seconds, ratio,
              r.round_p50_seconds * 1e3, r.round_p99_seconds * 1e3, r.bytes_per_round, r.bytes_per_round / r.agents,
              r.round_p50_seconds * 1e6 / r.agents, r.local_answers, cpu, r.objectives_equal ? "yes" : "NO");
  if (!r.objectives_equal) {
    std::printf("MISMATCH at %d agents: networked objective %.17g, in-process %.17g (rounds %d vs %d)\n", r.agents,
                r.objective_networked, r.objective_in_process, r.rounds, r.in_process_rounds);
  } else if (!r.placements_equal) {
    std::printf("note at %d agents: equal objectives, different placements\n", r.agents);
  }
  std::fflush(stdout);
}

nlohmann::json to_json(const SizeResult& r) {
  nlohmann::json json = {{"agents", r.agents},
                         {"services", r.services},
                         {"replicas", r.replicas},
                         {"classes", r.classes},
                         {"rounds", r.rounds},
                         {"network_rounds", r.network_rounds},
                         {"join_seconds", r.join_seconds},
                         {"converge_seconds", r.converge_seconds},
                         {"coordinator_solve_seconds", r.solve_seconds},
                         {"in_process_seconds", r.in_process_seconds},
                         {"in_process_rounds", r.in_process_rounds},
                         {"coordinator_cpu_seconds", r.coordinator_cpu_seconds},
                         {"agents_cpu_seconds", r.agents_cpu_seconds},
                         {"round_p50_seconds", r.round_p50_seconds},
                         {"round_p99_seconds", r.round_p99_seconds},
                         {"bytes_per_round", r.bytes_per_round},
                         {"bytes_sent", r.bytes_sent},
                         {"bytes_received", r.bytes_received},
                         {"class_answers_bid", r.bid_answers},
                         {"class_answers_local", r.local_answers},
                         {"late_bids", r.late_bids},
                         {"objective_networked", r.objective_networked},
                         {"objective_in_process", r.objective_in_process},
                         {"objectives_equal", r.objectives_equal},
                         {"placements_equal", r.placements_equal}};
  if (!r.error.empty()) json["error"] = r.error;
  return json;
}

int run(const Config& config) {
  std::string work_dir = (std::filesystem::temp_directory_path() / "berth-load.XXXXXX").string();
  if (mkdtemp(work_dir.data()) == nullptr) {
    std::cerr << "berth-load: cannot create a directory for the coordinator's logs\n";
    return 2;
  }
  const std::string replicas = config.replicas > 0 ? std::to_string(config.replicas) + " replicas at every size"
                                                   : std::to_string(config.replicas_per_node) + " replicas per node";
  std::printf("berth-load: coordinator %s, %d agent processes, %s, seed %llu, max %d rounds, "
              "bidders per class %d%s\n",
              config.coordinator.c_str(), config.processes, replicas.c_str(),
              static_cast<unsigned long long>(config.seed), config.max_rounds, config.bidders_per_class,
              config.bidders_per_class == 0 ? " (every agent bids)" : "");
  print_header();
  std::fflush(stdout);

  std::vector<SizeResult> results;
  for (const int agents : config.agents) {
    results.push_back(berth::load::run_size({.agents = agents,
                                             .processes = config.processes,
                                             .replicas_per_node = config.replicas_per_node,
                                             .replicas = config.replicas,
                                             .seed = config.seed,
                                             .max_rounds = config.max_rounds,
                                             .bidders_per_class = config.bidders_per_class,
                                             .gap = config.gap,
                                             .heartbeat_ms = config.heartbeat_ms,
                                             .round_deadline_ms = config.round_deadline_ms,
                                             .coordinator = config.coordinator,
                                             .work_dir = work_dir}));
    print_row(results.back());
  }

  // Growth against the smallest size that ran: round latency relative to the agent count.
  const SizeResult* first = nullptr;
  for (const SizeResult& r : results) {
    if (!r.error.empty() || r.round_p50_seconds <= 0) continue;
    if (first == nullptr) {
      first = &r;
      std::printf("round p50 per agent:");
    }
    std::printf("  %d agents %.1f us/agent (x%.2f latency for x%.2f agents)", r.agents,
                r.round_p50_seconds * 1e6 / r.agents, r.round_p50_seconds / first->round_p50_seconds,
                static_cast<double>(r.agents) / first->agents);
  }
  if (first != nullptr) std::printf("\n");

  if (!config.json_path.empty()) {
    nlohmann::json json = nlohmann::json::array();
    for (const SizeResult& r : results) json.push_back(to_json(r));
    std::ofstream out(config.json_path);
    out << json.dump(2) << '\n';
  }

  bool failed = false;
  bool mismatch = false;
  for (const SizeResult& r : results) {
    if (!r.error.empty()) {
      failed = true;
    } else {
      std::error_code ignored;
      std::filesystem::remove(r.coordinator_log, ignored);
      mismatch = mismatch || !r.objectives_equal;
    }
  }
  if (!failed) {
    std::error_code ignored;
    std::filesystem::remove(work_dir, ignored);
  } else {
    std::printf("logs kept in %s\n", work_dir.c_str());
  }
  return failed ? 2 : mismatch ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  config.coordinator = default_coordinator();
  CLI::App app{"berth-load: many agents against one berth-coordinator, against the in-process solve"};
  app.add_option("--agents", config.agents, "agent counts (= nodes) to run, comma-separated")
      ->delimiter(',')->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--processes", config.processes, "processes the agents are shared out over")
      ->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--replicas-per-node", config.replicas_per_node, "replicas of the generated services per node")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--replicas", config.replicas,
                 "total replicas at every size instead (about the same services while nodes grow); 0: per node")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--seed", config.seed, "generator and solve seed")->capture_default_str();
  app.add_option("--max-rounds", config.max_rounds, "most price rounds per solve")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--bidders-per-class", config.bidders_per_class,
                 "agents asked per node class (the coordinator's flag; 0: every agent bids)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--gap", config.gap, "stop once (objective - bound) / objective is this small")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--heartbeat-ms", config.heartbeat_ms, "the coordinator's heartbeat period")
      ->check(CLI::Range(10, 60000))->capture_default_str();
  app.add_option("--round-deadline-ms", config.round_deadline_ms, "how long a round waits for bids")
      ->check(CLI::Range(1, 600000))->capture_default_str();
  app.add_option("--coordinator", config.coordinator, "berth-coordinator to run")->capture_default_str();
  app.add_option("--json", config.json_path, "also write the results as JSON to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 64;
  }
  try {
    return run(config);
  } catch (const std::exception& e) {
    std::cerr << "berth-load: " << e.what() << '\n';
    return 2;
  }
}
