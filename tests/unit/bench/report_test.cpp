#include "bench/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace berth::bench {
namespace {

TEST(Report, ParsesNodesByReplicas) {
  const auto size = parse_size("1000x10000");
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->nodes, 1000);
  EXPECT_EQ(size->replicas, 10000);
  EXPECT_EQ(size->label(), "1000x10000");
}

TEST(Report, RejectsMalformedSizes) {
  for (const char* text : {"", "x", "1000", "1000x", "x10", "10x0", "0x10", "-1x10", "10x1e3", "10 x 20", "1x2x3"})
    EXPECT_FALSE(parse_size(text).has_value()) << text;
}

TEST(Report, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(Report, RatiosAreBerthOverBaseline) {
  InstanceResult result;
  result.solvers = {{.solver = kBerth, .nodes_used = 60, .seconds = 2.0},
                    {.solver = kBestFit, .nodes_used = 80, .seconds = 0.5},
                    {.solver = kKubeMost, .nodes_used = 0, .seconds = 0.0}};
  EXPECT_DOUBLE_EQ(*node_ratio(result, kBestFit), 0.75);
  EXPECT_DOUBLE_EQ(*time_ratio(result, kBestFit), 4.0);
  EXPECT_FALSE(node_ratio(result, kKubeMost).has_value());  // nothing to divide by
  EXPECT_FALSE(node_ratio(result, kKubeLeast).has_value());  // did not run
}

TEST(Report, SummaryTakesMediansOverSeedsAndTheWorstViolationCount) {
  auto instance = [](std::uint64_t seed, int berth_nodes, int bfd_nodes, int bfd_violations) {
    InstanceResult result{.size = {.nodes = 10, .replicas = 50}, .seed = seed};
    result.solvers = {{.solver = kBerth, .nodes_used = berth_nodes, .lower_bound = 1.0, .seconds = 1.0},
                      {.solver = kBestFit, .nodes_used = bfd_nodes, .violations = bfd_violations, .seconds = 0.5}};
    return result;
  };
  const auto summaries = summarize({instance(1, 4, 8, 0), instance(2, 6, 6, 3), instance(3, 5, 10, 0)});
  ASSERT_EQ(summaries.size(), 1u);
  const auto& summary = summaries.front();
  EXPECT_EQ(summary.seeds, 3);
  ASSERT_EQ(summary.solvers.size(), 2u);
  EXPECT_DOUBLE_EQ(summary.solvers[0].nodes_used, 5);
  EXPECT_DOUBLE_EQ(*summary.solvers[0].lower_bound, 1.0);
  EXPECT_DOUBLE_EQ(summary.solvers[1].nodes_used, 8);
  EXPECT_EQ(summary.solvers[1].worst_violations, 3);
  EXPECT_FALSE(summary.solvers[1].lower_bound.has_value());
  ASSERT_EQ(summary.ratios.size(), 1u);
  EXPECT_EQ(summary.ratios[0].baseline, kBestFit);
  EXPECT_DOUBLE_EQ(*summary.ratios[0].nodes, 0.5);  // median of 0.5, 1.0, 0.5
  EXPECT_DOUBLE_EQ(*summary.ratios[0].time, 2.0);
}

TEST(Report, RunsTheBaselinesOnAGeneratedInstanceAndReportsThem) {
  const RunOptions options{.solvers = {kKubeLeast, kKubeMost, kBestFit}};
  const auto result = run_instance({.nodes = 100, .replicas = 1000}, 3, options);
  ASSERT_EQ(result.solvers.size(), 3u);
  for (const auto& s : result.solvers) {
    EXPECT_EQ(s.violations, 0) << s.solver << ": " << s.first_violation;
    EXPECT_GT(s.nodes_used, 0) << s.solver;
    EXPECT_GT(s.objective, 0) << s.solver;
    EXPECT_FALSE(s.lower_bound.has_value()) << s.solver;
  }
  const std::string table = format_instance(result);
  EXPECT_NE(table.find("kube-least"), std::string::npos);
  EXPECT_NE(table.find("bfd"), std::string::npos);

  const auto json = to_json({result});
  ASSERT_EQ(json["instances"].size(), 1u);
  EXPECT_EQ(json["instances"][0]["size"], "100x1000");
  EXPECT_EQ(json["instances"][0]["solvers"].size(), 3u);
  EXPECT_TRUE(json["instances"][0]["solvers"][0]["lower_bound"].is_null());
  ASSERT_EQ(json["summary"].size(), 1u);
  EXPECT_EQ(json["summary"][0]["median"].size(), 3u);

  const std::string summary = format_summary({result, result});
  EXPECT_NE(summary.find("summary 100x1000, median over 2 seed(s)"), std::string::npos);
}

}  // namespace
}  // namespace berth::bench
