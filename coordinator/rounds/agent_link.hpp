#pragma once
// berth::coordinator::AgentLink — the coordinator's side of the agents' connections: a
// ZeroMQ ROUTER on its own network thread. It registers agents and refreshes them from
// heartbeats into ClusterState, sweeps their health every half heartbeat period, hands
// bids to the open round (RoundSink), and sends what other threads queue.
//
//   AgentLink link(state, context, {.endpoint = "tcp://127.0.0.1:*"}, logger);
//   const auto endpoint = link.start();            // Result<std::string>: the bound address
//   link.send("n1", protocol::encode(protocol::Target{...}));   // any thread
//   link.stop();                                    // also done by the destructor
//
// An agent speaks only for itself: a register or heartbeat whose node differs from the
// sender's routing id is dropped. Heartbeats from a node that did not register with this
// incarnation (the coordinator restarted) are answered `known: false`, which makes the
// agent register again. Every malformed or unexpected message is dropped with one log
// line and counted in berth_dropped_messages_total.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "common/net/zmq_sockets.hpp"
#include "common/protocol/messages.hpp"
#include "common/result.hpp"
#include "coordinator/rounds/round_collector.hpp"
#include "coordinator/state/cluster_state.hpp"

namespace berth::coordinator {

// Receives the bids of the open round, on the network thread, and says what it made of
// each (the link logs refusals).
class RoundSink {
 public:
  virtual ~RoundSink() = default;
  virtual BidOutcome deliver(const std::string& sender, const protocol::Bid& bid, std::size_t bytes) = 0;
};

struct AgentLinkOptions {
  std::string endpoint = "tcp://127.0.0.1:7071";
  std::chrono::milliseconds heartbeat{1000};  // the period agents are told to keep
  std::uint64_t incarnation = 1;              // different on every coordinator start
};

// The protocol's node report as the registry takes it.
NodeReport to_node_report(const protocol::NodeReport& report);

class AgentLink {
 public:
  AgentLink(ClusterState& state, net::Context& context, AgentLinkOptions options,
            std::shared_ptr<spdlog::logger> logger);
  ~AgentLink();
  AgentLink(const AgentLink&) = delete;
  AgentLink& operator=(const AgentLink&) = delete;

  Result<std::string> start();
  // Stops the network thread; later sends are dropped and no node is reachable.
  void stop();
  bool running() const { return thread_.joinable() && !stopping_; }

  // Thread-safe: queue encoded payloads for nodes; the network thread sends them in order.
  void send(const std::string& node, std::shared_ptr<const std::string> payload);
  void send(std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> batch);

  // Registered with this incarnation and heard from within two heartbeat periods.
  bool reachable(const std::string& node) const;
  std::uint64_t incarnation() const { return options_.incarnation; }
  std::uint64_t next_solve_id() { return ++solve_ids_; }

  // The open round's sink; nullptr when none. Bids arriving without one are dropped.
  void set_round_sink(RoundSink* sink);

 private:
  void run();
  void handle(const net::RouterFrame& frame);
  void handle_report(const std::string& sender, const protocol::NodeReport& report, bool is_register,
                     std::uint64_t incarnation);
  void reply(const std::string& node, const protocol::Message& message);
  void flush_outbox();
  void drop(const std::string& sender, const std::string& why);

  ClusterState& state_;
  AgentLinkOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  net::Router router_;
  net::Wakeup wakeup_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> solve_ids_{0};

  std::mutex outbox_mutex_;
  std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> outbox_;

  mutable std::mutex peers_mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> registered_;  // node → last heard

  std::mutex sink_mutex_;
  RoundSink* sink_ = nullptr;
};

}  // namespace berth::coordinator
