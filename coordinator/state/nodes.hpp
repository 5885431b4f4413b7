#pragma once
// The node registry's values: what a node reports about itself, and how alive it is.
//
//   NodeReport report{.name = "n1", .labels = {{"zone", "a"}},
//                     .capacity = {{"cpu", 4000}, {"memory", 8 * model::kGiB}},
//                     .running = {{"web", 2}}};
//   Health h = health_at(last_seen, now, Liveness{});  // alive, suspect or lost
//
// Amounts are in model units: cpu in millicores, memory in bytes, other resources counts.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/model/problem.hpp"
#include "common/result.hpp"

namespace berth::coordinator {

using TimePoint = std::chrono::steady_clock::time_point;

struct NodeReport {
  std::string name{};
  model::Labels labels{};
  std::map<std::string, std::int64_t> capacity{};  // allocatable, by resource name
  std::map<std::string, std::int64_t> soft_capacity{};  // use above it costs; only resources of capacity
  std::vector<std::string> taints{};                // "key=value:Effect"
  double cost = 1.0;
  bool cordoned = false;                 // keeps what runs there, takes nothing new
  std::map<std::string, int> running{};  // service name → replicas running there now
};

// Why a report cannot be registered (empty name, negative amounts...), or ok. Reports
// come from the network: they are checked, never trusted.
Result<bool> validate(const NodeReport& report);

// alive: heard from recently. suspect: missed `suspect_after_missed` heartbeats; keeps
// what it runs but takes nothing new. lost: missed twice that many; its replicas are
// gone and are placed elsewhere.
enum class Health { alive, suspect, lost };
const char* to_string(Health health);

// Agents heartbeat; static nodes (read from a cluster file by a coordinator without
// agents) never expire.
enum class NodeSource { agent, static_file };
const char* to_string(NodeSource source);

struct Liveness {
  std::chrono::milliseconds heartbeat_interval{1000};
  int suspect_after_missed = 3;  // lost after twice as many
};

Health health_at(TimePoint last_seen, TimePoint now, const Liveness& liveness);

struct NodeStatus {
  NodeReport report;
  NodeSource source = NodeSource::agent;
  Health health = Health::alive;
  TimePoint registered_at{};
  TimePoint last_seen{};
};

}  // namespace berth::coordinator
