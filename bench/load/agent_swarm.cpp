#include "bench/load/agent_swarm.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "agent/agent_core.hpp"
#include "common/net/zmq_sockets.hpp"
#include "common/protocol/codec.hpp"

namespace berth::load {
namespace {

using agent::Clock;
using std::chrono::milliseconds;

constexpr milliseconds kLongestWait{200};  // the loop looks at the time at least this often

struct SwarmAgent {
  std::unique_ptr<net::Dealer> dealer;
  std::unique_ptr<agent::AgentCore> core;
};

}  // namespace

protocol::NodeReport node_report(const model::Problem& problem, const model::Node& node) {
  protocol::NodeReport report;
  report.node = node.name;
  for (std::size_t r = 0; r < problem.resources.size() && r < node.capacity.size(); ++r) {
    const std::string& resource = problem.resources[r];
    if (node.capacity[r] > 0 || resource == "cpu" || resource == "memory") report.capacity[resource] = node.capacity[r];
  }
  report.labels = std::map<std::string, std::string>(node.labels.begin(), node.labels.end());
  report.taints = node.taints;
  report.cost = node.cost;
  return report;
}

int run_swarm(const SwarmOptions& options) {
  const pid_t parent = getppid();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) {
    std::fprintf(stderr, "berth-load swarm: signalfd failed\n");
    return 1;
  }

  // Two sockets' worth of headroom per agent, as ZeroMQ counts its own internal ones.
  net::Context context(static_cast<int>(options.reports.size()) * 2 + 64);
  std::vector<SwarmAgent> agents;
  agents.reserve(options.reports.size());
  for (const protocol::NodeReport& report : options.reports) {
    SwarmAgent swarm_agent;
    swarm_agent.dealer = std::make_unique<net::Dealer>(context, net::DealerOptions{.identity = report.node});
    if (auto connected = swarm_agent.dealer->connect(options.endpoint); !connected) {
      std::fprintf(stderr, "berth-load swarm: %s\n", connected.error().message.c_str());
      close(signal_fd);
      return 1;
    }
    swarm_agent.core = std::make_unique<agent::AgentCore>(report);
    agents.push_back(std::move(swarm_agent));
  }

  std::vector<zmq::pollitem_t> items;
  items.reserve(agents.size() + 1);
  for (SwarmAgent& swarm_agent : agents) items.push_back({swarm_agent.dealer->socket().handle(), 0, ZMQ_POLLIN, 0});
  items.push_back({nullptr, signal_fd, ZMQ_POLLIN, 0});
  const std::size_t signal_item = agents.size();

  std::uint64_t dropped = 0;
  const auto send_all = [&](net::Dealer& dealer, const std::vector<protocol::Message>& messages) {
    for (const protocol::Message& message : messages) dealer.send(protocol::encode(message));
  };
  auto last_heard = Clock::now();
  int code = 0;
  while (true) {
    auto now = Clock::now();
    auto next = now + kLongestWait;
    for (SwarmAgent& swarm_agent : agents) {
      send_all(*swarm_agent.dealer, swarm_agent.core->tick(now));
      next = std::min(next, swarm_agent.core->next_tick());
    }
    const auto wait = std::chrono::duration_cast<milliseconds>(next - now);
    net::poll(items, std::clamp(wait, milliseconds(0), kLongestWait));
    if (items[signal_item].revents & ZMQ_POLLIN) break;
    for (std::size_t i = 0; i < agents.size(); ++i) {
      if ((items[i].revents & ZMQ_POLLIN) == 0) continue;
      SwarmAgent& swarm_agent = agents[i];
      while (auto frame = swarm_agent.dealer->receive()) {
        now = Clock::now();
        last_heard = now;
        if (!frame->well_formed) {
          ++dropped;
          continue;
        }
        const agent::Received received = swarm_agent.core->receive(frame->payload, now);
        send_all(*swarm_agent.dealer, received.send);
        if (received.dropped) ++dropped;
      }
    }
    if (Clock::now() - last_heard > options.give_up_after) {
      std::fprintf(stderr, "berth-load swarm: no word from the coordinator for %lld ms, stopping\n",
                   static_cast<long long>(options.give_up_after.count()));
      code = 3;
      break;
    }
    if (getppid() != parent) break;  // the harness is gone (PR_SET_PDEATHSIG is the first line of defence)
  }
  if (dropped > 0) std::fprintf(stderr, "berth-load swarm: %llu messages dropped\n", static_cast<unsigned long long>(dropped));
  agents.clear();
  close(signal_fd);
  return code;
}

}  // namespace berth::load
