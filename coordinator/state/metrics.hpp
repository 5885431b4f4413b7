#pragma once
// berth::coordinator::Metrics — the coordinator's counters, gauges and histograms,
// rendered in the Prometheus text exposition format (version 0.0.4) for GET /metrics.
//
//   Metrics metrics;
//   metrics.record_network_solve(stats); // the round driver, when a networked solve ends
//   metrics.count_dropped();             // a malformed or late message was dropped
//   std::string text = metrics.render(); // "# HELP berth_rounds_total ...\n..."
//
// Who updates what: the networked round driver calls record_network_solve when a solve
// ends (each round's latency over the network, bytes, bids) and count_dropped; ClusterState records every solve
// (record_solve: berth_solves_total by kind, berth_rounds_total += the solve's rounds,
// solve latency, and for committed solves the gauges of the current target) and the node
// counts by health; the HTTP server counts requests by status code. Rounds are counted
// from the solve's result, not from observe_round, so an in-process solve (which has no
// per-round latency to report) and a networked one count their rounds the same way.
// Thread-safe: every member locks an internal mutex, so any thread may update it.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::coordinator {

// A Prometheus histogram with fixed upper bounds (seconds).
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  void observe(double value);
  // "# HELP", "# TYPE", cumulative "_bucket{le=...}" lines, "_sum" and "_count".
  void render(std::string& out, std::string_view name, std::string_view help) const;
  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, kBounds.size()> buckets_{};  // not cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

enum class SolveKind { plan, apply, resolve };
const char* to_string(SolveKind kind);

// The figures of one solve, as Metrics records them.
struct SolveFigures {
  SolveKind kind = SolveKind::plan;
  double seconds = 0;
  bool committed = false;  // became the cluster's target (apply, resolve): sets the gauges
  double objective = 0;
  double lower_bound = 0;
  double gap = 0;
  int rounds = 0;
  int unplaced_replicas = 0;
  int nodes_used = 0;
};

// What one networked solve's rounds cost: per-round latency and wire bytes, and how the
// node classes were answered. NetworkedSolvers reports it when a solve ends.
struct NetworkRoundStats {
  std::vector<double> round_seconds;   // one entry per round, in order
  std::uint64_t bytes_sent = 0;        // subproblems and prices
  std::uint64_t bytes_received = 0;    // bids
  std::uint64_t bids_accepted = 0;     // class answers taken from an agent's bid
  std::uint64_t bids_late = 0;         // bids after their class was answered (a slower member, a missed deadline)
  std::uint64_t bids_refused = 0;      // bids that were invalid, for no open round, or from a node not asked
  std::uint64_t answers_local = 0;     // class answers the coordinator computed itself (no bid in time)
};

class Metrics {
 public:
  // A networked solve ended: its rounds' latencies go into the histogram, its counts into
  // the totals, and its latency quantiles and bytes per round into the last-solve gauges.
  void record_network_solve(const NetworkRoundStats& stats);
  // One price round took `seconds` (latency histogram only; record_network_solve adds a
  // whole solve's rounds at once).
  void observe_round(double seconds);
  // `count` messages were dropped (malformed, unknown sender, late for their round).
  void count_dropped(std::uint64_t count = 1);
  void record_solve(const SolveFigures& figures);
  void set_nodes(int alive, int suspect, int lost);
  // One HTTP request answered with this status code.
  void count_request(int status);

  std::uint64_t rounds_total() const;
  std::uint64_t dropped_total() const;
  std::uint64_t solves_total() const;
  std::uint64_t requests_total(int status) const;

  // Every metric with HELP and TYPE lines, families in a fixed order, ending in '\n'.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t rounds_ = 0;
  Histogram round_latency_;
  std::uint64_t dropped_ = 0;
  std::map<SolveKind, std::uint64_t> solves_;
  Histogram solve_latency_;
  double gap_ = 0;
  double objective_ = 0;
  double lower_bound_ = 0;
  int last_rounds_ = 0;
  int unplaced_ = 0;
  int nodes_used_ = 0;
  int alive_ = 0;
  int suspect_ = 0;
  int lost_ = 0;
  std::map<int, std::uint64_t> requests_;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t bids_accepted_ = 0;
  std::uint64_t bids_late_ = 0;
  std::uint64_t bids_refused_ = 0;
  std::uint64_t answers_local_ = 0;
  double last_round_p50_ = 0;
  double last_round_p99_ = 0;
  double last_round_bytes_ = 0;
  int last_network_rounds_ = 0;
};

// A sample value as Prometheus reads it: shortest round-trip decimal, "NaN", "+Inf", "-Inf".
std::string format_sample(double value);

}  // namespace berth::coordinator
