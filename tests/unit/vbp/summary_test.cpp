#include "bench/vbp/summary.hpp"

#include <gtest/gtest.h>

namespace berth::bench::vbp {
namespace {

constexpr const char* kSummary =
    "instance_name\tLB\tOPT\tbest_overall\tbest_IC\n"
    "class1_20_3_0\t6\t6\t6\t7\n"
    "class1_20_3_1\t5\t-1\t7\t7\n"
    "classC_60_3_0\t20\t20\t23\t23\n";

TEST(ParseSummary, ReadsBoundOptimumAndBestHeuristicByName) {
  auto summary = parse_summary(kSummary, "s.csv");
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->rows.size(), 3u);
  const Known& known = summary->rows.at("class1_20_3_1");
  EXPECT_EQ(known.lower_bound, 5);
  EXPECT_EQ(known.optimum, -1);
  EXPECT_EQ(known.best_heuristic, 7);
}

TEST(ParseSummary, PointsAtTheLineOfEachError) {
  auto error_of = [](const std::string& text) {
    auto summary = parse_summary(text, "s.csv");
    EXPECT_FALSE(summary.ok()) << text;
    return summary ? "" : summary.error().message;
  };
  EXPECT_EQ(error_of(""), "s.csv:0: empty file, expected a header row");
  EXPECT_EQ(error_of("instance_name\tLB\tbest_overall\n"), "s.csv:1: the header names no column 'OPT' (tab-separated)");
  EXPECT_EQ(error_of("instance_name\tLB\tOPT\tbest_overall\nx\t1\t2\n"), "s.csv:2: 3 fields, the header has 4");
  EXPECT_EQ(error_of("instance_name\tLB\tOPT\tbest_overall\nx\t1\t2\tthree\n"), "s.csv:2: best_overall is not an integer");
  EXPECT_EQ(error_of("instance_name\tLB\tOPT\tbest_overall\nx\t1\t2\t3\nx\t1\t2\t3\n"),
            "s.csv:3: instance 'x' is listed twice");
}

TEST(ClassOf, IsTheNameUpToItsFirstUnderscore) {
  EXPECT_EQ(class_of("class1_20_3_0"), "class1");
  EXPECT_EQ(class_of("classC_60_3_0"), "classC");
  EXPECT_EQ(class_of("plain"), "plain");
}

TEST(FormatClasses, SumsEachClassAgainstTheBestHeuristicAndTheOptimum) {
  auto summary = parse_summary(kSummary, "s.csv");
  ASSERT_TRUE(summary.ok());
  const std::vector<RunResult> results = {
      {.name = "class1_20_3_0", .bins = 6, .lower_bound = 6, .seconds = 0.5},
      // OPT unknown, berth's bound 6 meets its own packing: the optimum is 6.
      {.name = "class1_20_3_1", .bins = 6, .lower_bound = 6, .seconds = 1.0},
      {.name = "classC_60_3_0", .bins = 24, .lower_bound = 20, .seconds = 2.0},
      {.name = "not_listed", .bins = 1, .lower_bound = 1, .seconds = 9.0},
  };
  const std::string table = format_classes(results, summary->rows);
  EXPECT_NE(table.find("| class1 | 2 | 12 | 12 | 13 | -1 | 1 / 1 / 0 | 2 / 2 | 1.5 |\n"), std::string::npos) << table;
  EXPECT_NE(table.find("| classC | 1 | 24 | 20 | 23 | +1 | 0 / 0 / 1 | 1 / 0 | 2.0 |\n"), std::string::npos) << table;
  EXPECT_NE(table.find("| all | 3 | 36 | 32 | 36 | +0 | 1 / 1 / 1 | 3 / 2 | 3.5 |\n"), std::string::npos) << table;
}

}  // namespace
}  // namespace berth::bench::vbp
