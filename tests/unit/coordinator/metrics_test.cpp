// Metrics in the Prometheus text format, the health rule and the per-node diff.
#include <gtest/gtest.h>

#include <string>

#include "coordinator/state/metrics.hpp"
#include "coordinator/state/nodes.hpp"
#include "coordinator/state/summary.hpp"

namespace berth::coordinator {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(Metrics, FormatsSamplesAsPrometheusReadsThem) {
  EXPECT_EQ(format_sample(0), "0");
  EXPECT_EQ(format_sample(0.1), "0.1");
  EXPECT_EQ(format_sample(0.0005), "0.0005");
  EXPECT_EQ(format_sample(1e-9), "1e-09");
  EXPECT_EQ(format_sample(-2.5), "-2.5");
  EXPECT_EQ(format_sample(12345678), "12345678");
  EXPECT_EQ(format_sample(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.observe_round(0.0001);
  metrics.observe_round(0.003);
  metrics.observe_round(0.003);
  metrics.observe_round(100);
  const std::string text = metrics.render();
  EXPECT_TRUE(has_line(text, "# TYPE berth_round_duration_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_bucket{le=\"0.0005\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_bucket{le=\"0.001\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_bucket{le=\"0.005\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_bucket{le=\"10\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_bucket{le=\"+Inf\"} 4")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_count 4")) << text;
  EXPECT_TRUE(has_line(text, "berth_round_duration_seconds_sum 100.0061")) << text;
}

TEST(Metrics, SolvesSetTheGaugesOnlyWhenCommitted) {
  Metrics metrics;
  metrics.record_solve({.kind = SolveKind::apply, .seconds = 0.02, .committed = true, .objective = 10,
                        .lower_bound = 9, .gap = 0.1, .rounds = 12, .unplaced_replicas = 3, .nodes_used = 4});
  metrics.record_solve({.kind = SolveKind::plan, .seconds = 0.01, .committed = false, .objective = 99,
                        .lower_bound = 1, .gap = 0.9, .rounds = 5, .unplaced_replicas = 50, .nodes_used = 1});
  metrics.set_nodes(5, 1, 2);
  metrics.count_dropped(3);
  metrics.count_request(200);
  metrics.count_request(200);
  metrics.count_request(400);
  const std::string text = metrics.render();
  EXPECT_EQ(metrics.rounds_total(), 17u);
  EXPECT_EQ(metrics.solves_total(), 2u);
  EXPECT_EQ(metrics.requests_total(200), 2u);
  EXPECT_TRUE(has_line(text, "berth_rounds_total 17")) << text;
  EXPECT_TRUE(has_line(text, "berth_solves_total{kind=\"plan\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "berth_solves_total{kind=\"apply\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "berth_solves_total{kind=\"resolve\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "berth_gap 0.1")) << text;
  EXPECT_TRUE(has_line(text, "berth_objective 10")) << text;
  EXPECT_TRUE(has_line(text, "berth_unplaced_replicas 3")) << text;
  EXPECT_TRUE(has_line(text, "berth_nodes_used 4")) << text;
  EXPECT_TRUE(has_line(text, "berth_nodes{health=\"alive\"} 5")) << text;
  EXPECT_TRUE(has_line(text, "berth_nodes{health=\"suspect\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "berth_dropped_messages_total 3")) << text;
  EXPECT_TRUE(has_line(text, "berth_http_requests_total{code=\"400\"} 1")) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(Metrics, EveryFamilyHasHelpAndType) {
  const std::string text = Metrics{}.render();
  std::size_t helps = 0;
  std::size_t types = 0;
  for (std::size_t at = text.find("# HELP "); at != std::string::npos; at = text.find("# HELP ", at + 1)) ++helps;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos; at = text.find("# TYPE ", at + 1)) ++types;
  EXPECT_EQ(helps, types);
  EXPECT_GE(helps, 12u);
}

TEST(Health, SuspectAfterKMissedHeartbeatsAndLostAfterTwiceAsMany) {
  const Liveness liveness{.heartbeat_interval = std::chrono::milliseconds(500), .suspect_after_missed = 4};
  const TimePoint seen{};
  EXPECT_EQ(health_at(seen, seen + std::chrono::milliseconds(2000), liveness), Health::alive);
  EXPECT_EQ(health_at(seen, seen + std::chrono::milliseconds(2001), liveness), Health::suspect);
  EXPECT_EQ(health_at(seen, seen + std::chrono::milliseconds(4000), liveness), Health::suspect);
  EXPECT_EQ(health_at(seen, seen + std::chrono::milliseconds(4001), liveness), Health::lost);
}

TEST(Diff, ListsStartsAndStopsPerNodeSortedByName) {
  const NamedPlacement before = {{"b", {{"web", 2}, {"db", 1}}}, {"a", {{"web", 1}}}, {"gone", {{"api", 1}}}};
  const NamedPlacement after = {{"b", {{"web", 1}, {"cache", 2}}}, {"a", {{"web", 1}}}, {"new", {{"api", 1}}}};
  const auto moves = diff(before, after);
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(moves[0], (NodeMoves{"b", {{"cache", 2}}, {{"db", 1}, {"web", 1}}}));
  EXPECT_EQ(moves[1], (NodeMoves{"gone", {}, {{"api", 1}}}));
  EXPECT_EQ(moves[2], (NodeMoves{"new", {{"api", 1}}, {}}));
  EXPECT_TRUE(diff(after, after).empty());
}

}  // namespace
}  // namespace berth::coordinator
