#pragma once
// berth's wire messages between berth-coordinator and berth-agent, as plain
// structs. docs/protocol.md is the reference (fields, units, timing); codec.hpp
// turns these into MessagePack bytes and back.
//
//   const std::string bytes = protocol::encode(protocol::Bid{.solve = 3, .round
//   = 7, ...}); const auto message = protocol::decode(bytes);   //
//   Result<Message> if (const auto* bid =
//   std::get_if<protocol::Bid>(&*message)) ...
//
// Units: cpu in millicores, memory in bytes, other resources counts; durations
// in milliseconds, relative to the moment of receipt (the two clocks are never
// compared).
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/optimizer/local.hpp"

namespace berth::protocol {

inline constexpr std::int64_t kVersion = 3;

// What an agent reports about its node.
struct NodeReport {
  std::string node;
  std::map<std::string, std::int64_t> capacity; // allocatable after the reserve
  // Use above it costs (the spec's soft_capacity); resources it leaves out have none.
  std::map<std::string, std::int64_t> soft_capacity;
  std::map<std::string, std::string> labels;
  std::vector<std::string> taints;
  double cost = 1.0;
  std::map<std::string, std::int32_t>
      running; // service name → replicas it runs
  bool operator==(const NodeReport &) const = default;
};

// agent → coordinator: first message, and again whenever the coordinator
// changed.
struct Register {
  NodeReport report;
  bool operator==(const Register &) const = default;
};

// coordinator → agent.
struct RegisterAck {
  std::uint64_t incarnation = 0; // changes when the coordinator restarts
  std::int64_t heartbeat_ms = 1000;
  bool operator==(const RegisterAck &) const = default;
};

// agent → coordinator, every heartbeat_ms.
struct Heartbeat {
  std::uint64_t incarnation =
      0; // the coordinator incarnation the agent registered with
  NodeReport report;
  bool operator==(const Heartbeat &) const = default;
};

// coordinator → agent; known = false asks the agent to register again.
struct HeartbeatAck {
  std::uint64_t incarnation = 0;
  bool known = false;
  bool operator==(const HeartbeatAck &) const = default;
};

// coordinator → agent, once per solve: the structure of the node's local
// subproblem. Prices are zero; each item's `service` is its index in
// `services`.
struct Subproblem {
  std::uint64_t solve = 0;
  std::vector<std::string> services; // per item
  optimizer::LocalProblem problem;
};

// coordinator → agent, once per round (or price-search evaluation).
struct Prices {
  std::uint64_t solve = 0;
  std::uint64_t round = 0;
  std::int64_t deadline_ms =
      0;                   // answer within this long or the bid is not counted
  bool bound_only = false; // true: price search, only lower_bound is wanted
  std::vector<double>
      direction; // LocalProblem::bound_direction to start from (may be empty)
  std::vector<double> prices; // per item of the subproblem
  bool operator==(const Prices &) const = default;
};

// agent → coordinator: the answer to one Prices.
struct Bid {
  std::uint64_t solve = 0;
  std::uint64_t round = 0;
  std::vector<std::int32_t> counts; // per item; empty when bound_only
  double value = 0;
  double lower_bound = 0;
  bool exact = false;
  std::vector<double> bound_direction;
  bool operator==(const Bid &) const = default;
};

// What a node must run of one service.
struct TargetService {
  std::string service;
  std::int32_t replicas = 0;
  std::string image;
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::vector<std::int32_t> ports;
  std::map<std::string, std::int64_t> request; // per replica
  bool operator==(const TargetService &) const = default;
};

// coordinator → agent when a solve ends: everything the node should run.
struct Target {
  std::uint64_t solve = 0;
  std::vector<TargetService> services;
  bool operator==(const Target &) const = default;
};

using Message = std::variant<Register, RegisterAck, Heartbeat, HeartbeatAck,
                             Subproblem, Prices, Bid, Target>;

// The "type" string of each message on the wire.
const char *type_name(const Message &message);

} // namespace berth::protocol
