// berth-agent: runs on every node. It probes the host, registers with the coordinator,
// heartbeats, answers each price round with its local subproblem's solution, and records
// the target it is sent. Flags override BERTH_* environment variables, which override
// the defaults (agent/config.hpp).
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/agent_core.hpp"
#include "agent/config.hpp"
#include "common/net/zmq_sockets.hpp"
#include "common/protocol/codec.hpp"

namespace {

using namespace berth;

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "";
  return buffer;
}

// A configuration error, one "berth-agent: ..." line per problem.
int bad_config(const std::string& message) {
  std::size_t start = 0;
  while (start <= message.size()) {
    const auto end = std::min(message.find('\n', start), message.size());
    std::cerr << "berth-agent: " << message.substr(start, end - start) << '\n';
    start = end + 1;
  }
  return 2;
}

std::string describe(const protocol::Target& target) {
  std::string text;
  for (const auto& service : target.services) {
    if (!text.empty()) text += ' ';
    text += service.service + "=" + std::to_string(service.replicas);
  }
  return text.empty() ? "nothing" : text;
}

int run(int argc, char** argv) {
  agent::AgentConfig config;
  CLI::App app{"berth-agent: the node agent of a berth cluster"};
  app.set_version_flag("--version", "berth-agent " BERTH_VERSION);
  app.add_option("--join", config.join, "the coordinator's agents endpoint")
      ->envname("BERTH_JOIN")->capture_default_str();
  app.add_option("--name", config.name, "node name (default: the host name)")->envname("BERTH_NODE_NAME");
  app.add_option("--label", config.labels, "node label KEY=VALUE (repeat, or comma-separated)")
      ->envname("BERTH_LABELS")->delimiter(',');
  app.add_option("--taint", config.taints, "node taint KEY=VALUE:EFFECT (repeat, or comma-separated)")
      ->envname("BERTH_TAINTS")->delimiter(',');
  app.add_option("--capacity", config.capacity, "RESOURCE=AMOUNT instead of the probed figure (cpu=4,memory=8Gi)")
      ->envname("BERTH_CAPACITY")->delimiter(',');
  app.add_option("--resource", config.resources, "extra resource RESOURCE=AMOUNT (gpu=1)")
      ->envname("BERTH_RESOURCES")->delimiter(',');
  app.add_option("--soft-capacity", config.soft_capacity,
                 "RESOURCE=AMOUNT above which use costs the objective's overload_cost (cpu=12,memory=48Gi)")
      ->envname("BERTH_SOFT_CAPACITY")->delimiter(',');
  app.add_option("--reserve", config.reserve, "kept back from the probed host: cpu=500m,memory=512Mi")
      ->envname("BERTH_RESERVE")->delimiter(',');
  app.add_option("--cost", config.cost, "node cost weight")->envname("BERTH_COST")->capture_default_str();
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("BERTH_LOG_LEVEL")->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  auto reserve = agent::parse_reserve(config);
  if (!reserve) return bad_config(reserve.error().message);
  const auto probed = agent::probe_host({.reserve = *reserve});
  auto report = agent::node_report(config, probed, host_name());
  if (!report) return bad_config(report.error().message);

  auto log = spdlog::stderr_color_mt("agent");
  log->set_level(spdlog::level::from_str(config.log_level));
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n " + report->node + ": %v");
  if (probed) {
    log->info("probed cpu_millis={} cpu_source=\"{}\" memory_bytes={} memory_source=\"{}\"", probed->cpu_millis,
              probed->cpu_source, probed->memory_bytes, probed->memory_source);
  } else {
    log->warn("host probe failed: {}", probed.error().message);
  }
  log->info("joining {} cpu={} memory={}", config.join, report->capacity["cpu"], report->capacity["memory"]);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) {
    log->error("signalfd failed: SIGINT and SIGTERM could not be handled");
    return 1;
  }

  net::Context context;
  net::Dealer dealer(context, {.identity = report->node});
  if (auto connected = dealer.connect(config.join); !connected) {
    log->error("{}", connected.error().message);
    return 1;
  }
  agent::AgentCore core(std::move(*report));
  std::vector<zmq::pollitem_t> items = {
      {dealer.socket().handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, signal_fd, ZMQ_POLLIN, 0},
  };
  const auto send_all = [&](const std::vector<protocol::Message>& messages) {
    for (const auto& message : messages) dealer.send(protocol::encode(message));
  };
  bool was_registered = false;
  while (true) {
    auto now = agent::Clock::now();
    send_all(core.tick(now));
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(core.next_tick() - now);
    net::poll(items, std::clamp(wait, std::chrono::milliseconds(0), core.heartbeat_period()));
    if (items[1].revents & ZMQ_POLLIN) break;
    while (auto frame = dealer.receive()) {
      now = agent::Clock::now();
      if (!frame->well_formed) {
        log->warn("dropped message reason=\"expected one payload frame\"");
        continue;
      }
      const agent::Received received = core.receive(frame->payload, now);
      send_all(received.send);
      if (received.dropped) log->warn("dropped message reason=\"{}\"", *received.dropped);
      if (received.target_changed) log->info("target solve={} runs {}", core.target()->solve, describe(*core.target()));
    }
    if (core.registered() != was_registered) {
      was_registered = core.registered();
      if (was_registered) {
        log->info("registered incarnation={} heartbeat_ms={}", core.incarnation(), core.heartbeat_period().count());
      } else {
        log->warn("coordinator silent or restarted: registering again");
      }
    }
  }
  log->info("stopping after {} bids", core.bids_sent());
  close(signal_fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "berth-agent: " << e.what() << '\n';
    return 1;
  }
}
