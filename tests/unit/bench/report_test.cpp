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

  const std::string summary = format_summary({result, result});
  EXPECT_NE(summary.find("summary 100x1000, median over 2 seed(s)"), std::string::npos);
}

}  // namespace
}  // namespace berth::bench
