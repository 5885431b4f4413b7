#include "coordinator/state/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace berth::coordinator {
namespace {

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += format_sample(value);
  out += '\n';
}

void gauge(std::string& out, std::string_view name, std::string_view help, double value) {
  header(out, name, help, "gauge");
  sample(out, name, "", value);
}

void counter(std::string& out, std::string_view name, std::string_view help, double value) {
  header(out, name, help, "counter");
  sample(out, name, "", value);
}

}  // namespace

std::string format_sample(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Shortest round-trip digits; plain decimals in the range people read ("0.0005", not
  // "5e-04"), exponents outside it.
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  char buffer[400];
  const auto result = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                            : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

const char* to_string(SolveKind kind) {
  switch (kind) {
    case SolveKind::plan: return "plan";
    case SolveKind::apply: return "apply";
    case SolveKind::resolve: return "resolve";
  }
  return "unknown";
}

void Histogram::observe(double value) {
  for (std::size_t b = 0; b < kBounds.size(); ++b) {
    if (value <= kBounds[b]) {
      ++buckets_[b];
      break;
    }
  }
  ++count_;
  sum_ += value;
}

void Histogram::render(std::string& out, std::string_view name, std::string_view help) const {
  header(out, name, help, "histogram");
  const std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < kBounds.size(); ++b) {
    cumulative += buckets_[b];
    sample(out, bucket, "le=\"" + format_sample(kBounds[b]) + "\"", static_cast<double>(cumulative));
  }
  sample(out, bucket, "le=\"+Inf\"", static_cast<double>(count_));
  sample(out, std::string(name) + "_sum", "", sum_);
  sample(out, std::string(name) + "_count", "", static_cast<double>(count_));
}

void Metrics::observe_round(double seconds) {
  const std::lock_guard lock(mutex_);
  round_latency_.observe(seconds);
}

void Metrics::record_network_solve(const NetworkRoundStats& stats) {
  std::vector<double> sorted = stats.round_seconds;
  std::sort(sorted.begin(), sorted.end());
  // Nearest-rank quantiles: exact per-round figures, where the histogram has buckets.
  const auto quantile = [&](double q) {
    if (sorted.empty()) return 0.0;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
  };
  const std::lock_guard lock(mutex_);
  for (const double seconds : stats.round_seconds) round_latency_.observe(seconds);
  bytes_sent_ += stats.bytes_sent;
  bytes_received_ += stats.bytes_received;
  bids_accepted_ += stats.bids_accepted;
  bids_late_ += stats.bids_late;
  bids_refused_ += stats.bids_refused;
  answers_local_ += stats.answers_local;
  last_network_rounds_ = static_cast<int>(sorted.size());
  last_round_p50_ = quantile(0.5);
  last_round_p99_ = quantile(0.99);
  last_round_bytes_ = sorted.empty() ? 0.0
                                     : static_cast<double>(stats.bytes_sent + stats.bytes_received) /
                                           static_cast<double>(sorted.size());
}

void Metrics::count_dropped(std::uint64_t count) {
  const std::lock_guard lock(mutex_);
  dropped_ += count;
}

void Metrics::record_solve(const SolveFigures& figures) {
  const std::lock_guard lock(mutex_);
  ++solves_[figures.kind];
  rounds_ += static_cast<std::uint64_t>(figures.rounds > 0 ? figures.rounds : 0);
  solve_latency_.observe(figures.seconds);
  if (!figures.committed) return;
  gap_ = figures.gap;
  objective_ = figures.objective;
  lower_bound_ = figures.lower_bound;
  last_rounds_ = figures.rounds;
  unplaced_ = figures.unplaced_replicas;
  nodes_used_ = figures.nodes_used;
}

void Metrics::set_nodes(int alive, int suspect, int lost) {
  const std::lock_guard lock(mutex_);
  alive_ = alive;
  suspect_ = suspect;
  lost_ = lost;
}

void Metrics::count_request(int status) {
  const std::lock_guard lock(mutex_);
  ++requests_[status];
}

std::uint64_t Metrics::rounds_total() const {
  const std::lock_guard lock(mutex_);
  return rounds_;
}

std::uint64_t Metrics::dropped_total() const {
  const std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t Metrics::solves_total() const {
  const std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [kind, count] : solves_) total += count;
  return total;
}

std::uint64_t Metrics::requests_total(int status) const {
  const std::lock_guard lock(mutex_);
  const auto it = requests_.find(status);
  return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  counter(out, "berth_rounds_total", "Price rounds run by all solves.", static_cast<double>(rounds_));
  round_latency_.render(out, "berth_round_duration_seconds", "Latency of one price round over the network.");
  counter(out, "berth_dropped_messages_total", "Messages dropped: malformed, unknown sender or late for their round.",
          static_cast<double>(dropped_));

  header(out, "berth_round_bytes_total", "Bytes of subproblems and prices sent, and of bids received.", "counter");
  sample(out, "berth_round_bytes_total", "direction=\"sent\"", static_cast<double>(bytes_sent_));
  sample(out, "berth_round_bytes_total", "direction=\"received\"", static_cast<double>(bytes_received_));
  header(out, "berth_class_answers_total",
         "Node-class answers by source: an agent's bid, or the coordinator's own solve when no valid bid came in time.",
         "counter");
  sample(out, "berth_class_answers_total", "source=\"bid\"", static_cast<double>(bids_accepted_));
  sample(out, "berth_class_answers_total", "source=\"local\"", static_cast<double>(answers_local_));
  counter(out, "berth_late_bids_total", "Bids that came after their node class was answered.",
          static_cast<double>(bids_late_));
  counter(out, "berth_refused_bids_total", "Bids refused: invalid, for no open round, or from a node not asked.",
          static_cast<double>(bids_refused_));
  gauge(out, "berth_last_solve_network_rounds", "Rounds of the last networked solve.", last_network_rounds_);
  header(out, "berth_last_solve_round_seconds", "Round latency quantiles of the last networked solve.", "gauge");
  sample(out, "berth_last_solve_round_seconds", "quantile=\"0.5\"", last_round_p50_);
  sample(out, "berth_last_solve_round_seconds", "quantile=\"0.99\"", last_round_p99_);
  gauge(out, "berth_last_solve_round_bytes", "Mean bytes on the wire per round of the last networked solve.",
        last_round_bytes_);

  header(out, "berth_solves_total", "Solves by kind: plan (dry run), apply, resolve (after nodes changed).", "counter");
  for (const SolveKind kind : {SolveKind::plan, SolveKind::apply, SolveKind::resolve}) {
    const auto it = solves_.find(kind);
    sample(out, "berth_solves_total", std::string("kind=\"") + to_string(kind) + "\"",
           static_cast<double>(it == solves_.end() ? 0 : it->second));
  }
  solve_latency_.render(out, "berth_solve_duration_seconds", "Wall time of one solve.");

  gauge(out, "berth_gap", "Relative gap of the current target: (objective - bound) / objective.", gap_);
  gauge(out, "berth_objective", "Objective of the current target placement.", objective_);
  gauge(out, "berth_lower_bound", "Proven lower bound of the current target's solve.", lower_bound_);
  gauge(out, "berth_target_rounds", "Price rounds of the solve that produced the current target.", last_rounds_);
  gauge(out, "berth_unplaced_replicas", "Replicas the current target leaves unplaced.", unplaced_);
  gauge(out, "berth_nodes_used", "Nodes hosting at least one replica in the current target.", nodes_used_);

  header(out, "berth_nodes", "Registered nodes by health.", "gauge");
  sample(out, "berth_nodes", "health=\"alive\"", alive_);
  sample(out, "berth_nodes", "health=\"suspect\"", suspect_);
  sample(out, "berth_nodes", "health=\"lost\"", lost_);

  header(out, "berth_http_requests_total", "Operator API requests by response status code.", "counter");
  for (const auto& [status, count] : requests_)
    sample(out, "berth_http_requests_total", "code=\"" + std::to_string(status) + "\"", static_cast<double>(count));
  return out;
}

}  // namespace berth::coordinator
