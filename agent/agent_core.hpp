#pragma once
// berth::agent::AgentCore — what a berth-agent does with the coordinator's messages, as a
// value-in, messages-out state machine with no sockets and no clock of its own: the shell
// (agent/main.cpp, and the load harness running a thousand of them) feeds it received
// payloads and the time, and sends what it returns.
//
//   AgentCore core(report);                       // the node's resource report
//   for (auto& m : core.tick(now)) send(encode(m));          // register, heartbeats
//   auto reply = core.receive(payload, now);      // prices → a bid, acks, a target
//   for (auto& m : reply.send) send(encode(m));
//   if (reply.dropped) log("drop: {}", *reply.dropped);     // never trusted, never fatal
//   wait until core.next_tick() or a message, whichever comes first.
//
// Registration: Register at start, again while unanswered (backing off from 50 ms to the
// heartbeat period), when a
// heartbeat_ack says `known: false` or names another incarnation (the coordinator
// restarted), and after `silent_periods` periods without hearing from the coordinator.
// Rounds: a subproblem is kept per solve (the last few); prices are answered with
// solve_local, the same code as the in-process solver, so the coordinator's placement is
// the one `berthctl solve` finds. A target replaces what the node runs: with no runtime
// driver yet the agent records it, and reports it as `running` in its next heartbeat.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/messages.hpp"

namespace berth::agent {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct AgentCoreOptions {
  std::chrono::milliseconds heartbeat{1000};  // until the coordinator says otherwise
  // An unanswered register is resent after this, then after twice as long, up to the
  // heartbeat period: the first one is often refused locally while the connection is
  // still being made, and a thousand agents should not all wait a full period for it.
  std::chrono::milliseconds first_register_retry{50};
  int silent_periods = 3;                     // register again after this much silence
  std::size_t kept_solves = 2;                // subproblems remembered
};

struct Received {
  std::vector<protocol::Message> send;  // replies, in order
  std::optional<std::string> dropped;   // why the payload was ignored
  bool target_changed = false;          // a new target was recorded (see target())
};

class AgentCore {
 public:
  explicit AgentCore(protocol::NodeReport report, AgentCoreOptions options = {});

  // What is due at `now`: a register while unregistered, a heartbeat when its period is up.
  std::vector<protocol::Message> tick(TimePoint now);
  // Decodes and handles one payload from the coordinator.
  Received receive(std::string_view payload, TimePoint now);
  Received handle(const protocol::Message& message, TimePoint now);

  // When tick() next has something to send.
  TimePoint next_tick() const { return next_tick_; }
  bool registered() const { return registered_; }
  std::uint64_t incarnation() const { return incarnation_; }
  std::chrono::milliseconds heartbeat_period() const { return heartbeat_; }
  const protocol::NodeReport& report() const { return report_; }
  const std::optional<protocol::Target>& target() const { return target_; }
  std::uint64_t bids_sent() const { return bids_sent_; }

 private:
  struct KnownSolve {
    std::uint64_t solve = 0;
    protocol::Subproblem subproblem;
  };
  Received answer(const protocol::Prices& prices);
  void forget_registration(TimePoint now);

  protocol::NodeReport report_;
  AgentCoreOptions options_;
  std::chrono::milliseconds heartbeat_;
  std::chrono::milliseconds register_retry_;
  bool registered_ = false;
  bool started_ = false;
  std::uint64_t incarnation_ = 0;
  TimePoint next_tick_{};
  TimePoint last_heard_{};
  std::deque<KnownSolve> solves_;
  std::optional<protocol::Target> target_;
  std::uint64_t bids_sent_ = 0;
};

}  // namespace berth::agent
