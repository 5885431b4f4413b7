#pragma once
// berth::coordinator::ClusterState — what the coordinator knows: the registered nodes
// and their health, the applied services, and the current target placement. The API
// thread, the network thread and the round driver share one instance.
//
//   ClusterState state({.solve = my_network_solve, .on_resolve_needed = wake_worker});
//   state.report_node({.name = "n1", .capacity = {{"cpu", 4000}, {"memory", 8 * model::kGiB}}});
//   auto plan = state.plan(yaml, "services.yaml");     // dry run; nothing changes
//   auto commit = state.apply(yaml, "services.yaml");  // solve and store as the target
//   state.sweep();                                     // health from heartbeats; lost nodes
//   if (state.needs_resolve()) state.resolve("node n3 lost");
//
// The solve is injected (ClusterStateOptions::solve): the in-process optimizer by default,
// the networked round driver in a coordinator with agents. Every solve is built the same
// way: the nodes that are not lost (a suspect node is cordoned: it keeps what it runs,
// takes nothing new), each running what the current target puts there (or, before any
// target includes it, what it reports running), and the services file parsed against them.
// Solves are serialised (one at a time: a networked solve owns the agents' rounds); the
// registry stays readable and writable while one runs. A plan or apply that fails (bad
// spec, a placement breaking a hard rule) changes nothing.
//
// Time comes from the injected clock, so tests advance it instead of sleeping. Callbacks
// are called without any lock held, from the thread that caused them.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/problem.hpp"
#include "common/optimizer/solve.hpp"
#include "common/result.hpp"
#include "coordinator/state/metrics.hpp"
#include "coordinator/state/nodes.hpp"
#include "coordinator/state/summary.hpp"

namespace berth::coordinator {

// The same contract as optimizer::solve. `options.elapsed_seconds` is set from the
// injected clock, so `time_limit_seconds` holds for a networked solve too.
using SolveFunction = std::function<optimizer::Solution(const model::Problem&, const optimizer::SolveOptions&)>;
using Clock = std::function<TimePoint()>;

// The cluster's current target: the last committed solve.
struct Target {
  std::uint64_t version = 0;  // 1 for the first commit, +1 for each later one
  SolveKind kind = SolveKind::apply;
  std::string reason;         // "apply services.yaml", "node n3 lost"
  TimePoint solved_at{};
  std::string services_name;  // the applied file's name, as messages give it
  std::string services_yaml;  // the applied file, re-read by every re-solve
  model::Problem problem;     // what was solved: the nodes then, the services
  SolveSummary summary;       // placement, figures, moves from the previous target
};

struct ClusterStateOptions {
  SolveFunction solve{};                     // empty: optimizer::solve in this process
  optimizer::SolveOptions solve_options{};   // seed, gap target, round and time budget
  Liveness liveness{};
  Clock clock{};                             // empty: std::chrono::steady_clock::now
  // A node joined, came back or was lost while services are applied: call resolve()
  // soon (e.g. post it to a worker). `reason` says what changed.
  std::function<void(const std::string& reason)> on_resolve_needed{};
  // A solve became the target (apply or resolve): e.g. send each agent its part.
  std::function<void(const Target& target)> on_commit{};
};

enum class NodeChange { joined, rejoined, updated };  // rejoined: came back from lost
const char* to_string(NodeChange change);

// A consistent copy of everything, taken under one lock, for the API.
struct Snapshot {
  std::vector<NodeStatus> nodes;  // sorted by name
  std::optional<Target> target;
  bool needs_resolve = false;
};

class ClusterState {
 public:
  explicit ClusterState(ClusterStateOptions options = {});
  ClusterState(const ClusterState&) = delete;
  ClusterState& operator=(const ClusterState&) = delete;

  // Register a node or refresh it (a heartbeat with its report). An invalid report is
  // refused with invalid_argument and changes nothing.
  Result<NodeChange> report_node(NodeReport report, NodeSource source = NodeSource::agent);
  // Health of every agent node from its last report and the clock; returns the names of
  // the nodes that became lost in this sweep.
  std::vector<std::string> sweep();

  // Dry run: what applying `services_yaml` would do now. invalid_spec errors name
  // `services_name` as the file, one "FILE:LINE:COLUMN: what" per line.
  Result<SolveSummary> plan(std::string_view services_yaml, std::string_view services_name);
  // Solve and store as the target.
  Result<Target> apply(std::string_view services_yaml, std::string_view services_name);
  // Re-solve the applied services against the nodes now, warm from the current target.
  // invalid_argument when nothing is applied.
  Result<Target> resolve(const std::string& reason);

  bool needs_resolve() const;
  Snapshot snapshot() const;
  std::vector<NodeStatus> nodes() const;
  std::optional<Target> target() const;
  // The target's replicas on one node (service → count): empty when none or unknown.
  std::map<std::string, int> target_for(const std::string& node) const;

  // The injected clock's time, for ages ("last seen 2.1 s ago") consistent with health.
  TimePoint now() const { return options_.clock(); }

  Metrics& metrics() { return metrics_; }
  const Metrics& metrics() const { return metrics_; }

 private:
  struct Input {
    model::Problem registered;  // nodes as parse_services takes them
    NamedPlacement before;      // what the moves count from
    std::uint64_t resolve_requests = 0;
  };
  Input input_locked() const;
  Result<Target> solve_and_commit(std::string_view yaml, std::string_view name, SolveKind kind,
                                  const std::string& reason);
  struct Solved {
    model::Problem problem;
    SolveSummary summary;
    std::uint64_t resolve_requests = 0;  // resolve_requests_ when the solve began
  };
  Result<Solved> solve(std::string_view yaml, std::string_view name, SolveKind kind);
  void update_node_metrics_locked();
  void request_resolve_locked(const std::string& reason, std::vector<std::string>& reasons);

  ClusterStateOptions options_;
  Metrics metrics_;
  std::mutex solve_mutex_;  // one solve at a time; taken before mutex_, never after
  mutable std::mutex mutex_;
  std::map<std::string, NodeStatus> nodes_;
  std::optional<Target> target_;
  // Counts re-solve requests, so a commit clears needs_resolve_ only when no request
  // arrived while it was solving.
  std::uint64_t resolve_requests_ = 0;
  bool needs_resolve_ = false;
};

}  // namespace berth::coordinator
