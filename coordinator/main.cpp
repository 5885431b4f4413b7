// berth-coordinator: the control plane. It binds a ZeroMQ ROUTER for the agents
// (registration, heartbeats, price rounds, targets) and serves the operator API over
// HTTP; solves run the optimizer with the nodes' subproblems answered by the agents.
// Flags override BERTH_* environment variables, which override the defaults below.
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/net/zmq_sockets.hpp"
#include "common/protocol/codec.hpp"
#include "coordinator/api/server.hpp"
#include "coordinator/rounds/agent_link.hpp"
#include "coordinator/rounds/networked_solvers.hpp"
#include "coordinator/rounds/targets.hpp"
#include "coordinator/state/cluster_state.hpp"

namespace {

using namespace berth;
using namespace std::chrono_literals;

struct CoordinatorConfig {
  std::string agents_listen = "tcp://127.0.0.1:7071";
  std::string api_host = "127.0.0.1";
  int api_port = 7070;
  int heartbeat_ms = 1000;
  int suspect_after = 3;
  int round_deadline_ms = 500;
  int bidders_per_class = 2;
  int resolve_delay_ms = 200;
  std::uint64_t seed = 1;
  int max_rounds = 300;
  double time_limit_seconds = 0;
  double gap = 0.005;
  std::string log_level = "info";
};

std::uint64_t new_incarnation() {
  std::random_device device;
  const auto now = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  return ((static_cast<std::uint64_t>(device()) << 32) ^ device() ^ now) | 1;
}

// Re-solves after nodes change, off the network thread, a short while after the first
// request so that a burst of joins (a cluster starting) costs one solve, not hundreds.
class ResolveWorker {
 public:
  ResolveWorker(coordinator::ClusterState& state, std::chrono::milliseconds delay, spdlog::logger& log)
      : state_(state), delay_(delay), log_(log), thread_([this] { run(); }) {}
  ~ResolveWorker() { stop(); }
  // Waits for a re-solve in progress; later requests are ignored.
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  void request(const std::string& reason) {
    {
      const std::lock_guard lock(mutex_);
      if (!pending_) reason_ = reason;
      pending_ = true;
    }
    wake_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait(lock, [&] { return stopping_ || pending_; });
      if (stopping_) break;
      wake_.wait_for(lock, delay_, [&] { return stopping_; });
      if (stopping_) break;
      const std::string reason = reason_;
      pending_ = false;
      lock.unlock();
      if (state_.needs_resolve()) {
        auto target = state_.resolve(reason);
        if (target) {
          log_.info("re-solved reason=\"{}\" version={} objective={:.4f} gap={:.4f}", reason, target->version,
                    target->summary.objective, target->summary.gap);
        } else {
          log_.info("no re-solve reason=\"{}\": {}", reason, target.error().message);
        }
      }
      lock.lock();
    }
  }

  coordinator::ClusterState& state_;
  std::chrono::milliseconds delay_;
  spdlog::logger& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::string reason_;
  std::thread thread_;  // last: starts after the members it reads
};

int run(int argc, char** argv) {
  CoordinatorConfig config;
  CLI::App app{"berth-coordinator: the control plane of a berth cluster"};
  app.set_version_flag("--version", "berth-coordinator " BERTH_VERSION);
  app.add_option("--agents-listen", config.agents_listen, "ZeroMQ endpoint the agents connect to")
      ->envname("BERTH_AGENTS_LISTEN")->capture_default_str();
  app.add_option("--api-host", config.api_host, "address of the operator API")
      ->envname("BERTH_API_HOST")->capture_default_str();
  app.add_option("--api-port", config.api_port, "port of the operator API (0: any free port)")
      ->envname("BERTH_API_PORT")->check(CLI::Range(0, 65535))->capture_default_str();
  app.add_option("--heartbeat-ms", config.heartbeat_ms, "heartbeat period the agents keep")
      ->envname("BERTH_HEARTBEAT_MS")->check(CLI::Range(10, 60000))->capture_default_str();
  app.add_option("--suspect-after", config.suspect_after, "missed heartbeats before a node is suspect (lost: twice)")
      ->envname("BERTH_SUSPECT_AFTER")->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--round-deadline-ms", config.round_deadline_ms, "how long a price round waits for bids")
      ->envname("BERTH_ROUND_DEADLINE_MS")->check(CLI::Range(1, 600000))->capture_default_str();
  app.add_option("--bidders-per-class", config.bidders_per_class,
                 "agents asked per class of identical nodes (0: every member)")
      ->envname("BERTH_BIDDERS_PER_CLASS")->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--resolve-delay-ms", config.resolve_delay_ms, "wait after a node change before re-solving")
      ->envname("BERTH_RESOLVE_DELAY_MS")->check(CLI::Range(0, 600000))->capture_default_str();
  app.add_option("--seed", config.seed, "random seed of every solve")->envname("BERTH_SEED")->capture_default_str();
  app.add_option("--max-rounds", config.max_rounds, "most price rounds per solve")
      ->envname("BERTH_MAX_ROUNDS")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--time-limit", config.time_limit_seconds, "seconds per solve (0: none)")
      ->envname("BERTH_TIME_LIMIT")->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--gap", config.gap, "stop a solve once (objective - bound) / objective is this small")
      ->envname("BERTH_GAP")->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("BERTH_LOG_LEVEL")->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  auto log = spdlog::stderr_color_mt("coordinator");
  log->set_level(spdlog::level::from_str(config.log_level));
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n: %v");

  // SIGINT and SIGTERM end the process through sigwait below; block them before any
  // thread starts so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::chrono::milliseconds heartbeat(config.heartbeat_ms);
  coordinator::AgentLink* link = nullptr;
  coordinator::ClusterState* state_ptr = nullptr;
  ResolveWorker* worker = nullptr;
  const coordinator::NetworkedSolversOptions round_options{
      .round_deadline = std::chrono::milliseconds(config.round_deadline_ms),
      .bidders_per_class = config.bidders_per_class};

  coordinator::ClusterState state({
      .solve =
          [&](const model::Problem& problem, const optimizer::SolveOptions& options) {
            coordinator::NetworkedSolvers solvers(*link, state_ptr->metrics(), round_options);
            auto solution = optimizer::solve(problem, options, solvers);
            const auto stats = solvers.stats();
            log->info("solve={} rounds={} objective={:.4f} bound={:.4f} bids={} local={} refused={} bytes={}",
                      solvers.solve_id(), solution.rounds, solution.objective, solution.lower_bound,
                      stats.bids_accepted, stats.answers_local, stats.bids_refused,
                      stats.bytes_sent + stats.bytes_received);
            return solution;
          },
      .solve_options = {.seed = config.seed,
                        .gap_target = config.gap,
                        .max_rounds = config.max_rounds,
                        .time_limit_seconds = config.time_limit_seconds},
      .liveness = {.heartbeat_interval = heartbeat, .suspect_after_missed = config.suspect_after},
      .clock = {},
      .on_resolve_needed =
          [&](const std::string& reason) {
            if (worker != nullptr) worker->request(reason);
          },
      .on_commit =
          [&](const coordinator::Target& target) {
            for (const auto& [node, message] : coordinator::agent_targets(target))
              link->send(node, std::make_shared<const std::string>(protocol::encode(message)));
            log->info("target version={} reason=\"{}\" nodes_used={} unplaced={}", target.version, target.reason,
                      target.summary.nodes_used, target.summary.replicas_unplaced);
          },
  });
  state_ptr = &state;

  // The worker outlives the link's thread (which calls it); a re-solve it runs after the
  // link stopped answers every class in this process instead of waiting on agents.
  ResolveWorker resolve_worker(state, std::chrono::milliseconds(config.resolve_delay_ms), *log);
  worker = &resolve_worker;
  net::Context context;
  coordinator::AgentLink agent_link(
      state, context, {.endpoint = config.agents_listen, .heartbeat = heartbeat, .incarnation = new_incarnation()},
      log);
  link = &agent_link;
  const auto agents_endpoint = agent_link.start();
  if (!agents_endpoint) {
    log->error("{}", agents_endpoint.error().message);
    return 1;
  }

  coordinator::api::HttpServer server(state, {.host = config.api_host, .port = static_cast<std::uint16_t>(config.api_port)});
  const auto api_port = server.start();
  if (!api_port) {
    log->error("{}", api_port.error().message);
    agent_link.stop();
    return 1;
  }
  log->info("listening agents={} api=http://{}:{} incarnation={}", *agents_endpoint, config.api_host, *api_port,
            agent_link.incarnation());
  // One machine-readable line on stdout, so scripts and tests learn the ports bound.
  std::printf("berth-coordinator ready agents=%s api=http://%s:%u\n", agents_endpoint->c_str(), config.api_host.c_str(),
              static_cast<unsigned>(*api_port));
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  log->info("stopping signal={}", received);
  // The link first: a solve still running then answers its remaining rounds in this
  // process at once instead of waiting out each round's deadline for agents.
  agent_link.stop();
  server.stop();
  resolve_worker.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "berth-coordinator: " << e.what() << '\n';
    return 1;
  }
}
