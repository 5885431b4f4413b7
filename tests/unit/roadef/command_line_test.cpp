#include "bench/roadef/command_line.hpp"

#include <gtest/gtest.h>

namespace berth::roadef {
namespace {

TEST(RoadefCommandLine, ReadsTheChallengesFlags) {
  auto line = parse_command_line({"-t", "300", "-p", "m.txt", "-i", "a.txt", "-o", "s.txt", "-s", "42"});
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_FALSE(line->print_name);
  EXPECT_EQ(line->time_limit_seconds, 300);
  EXPECT_EQ(line->model_path, "m.txt");
  EXPECT_EQ(line->assignment_path, "a.txt");
  EXPECT_EQ(line->solution_path, "s.txt");
  EXPECT_EQ(line->seed, 42U);
  EXPECT_EQ(line->bound_seconds, 0);
}

TEST(RoadefCommandLine, ReadsTheBoundTimeWhichMayBeZero) {
  auto line = parse_command_line({"-t", "1", "-p", "m", "-i", "a", "-o", "s", "-b", "30"});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->bound_seconds, 30);
  EXPECT_TRUE(parse_command_line({"-t", "1", "-p", "m", "-i", "a", "-o", "s", "-b", "0"}));
  EXPECT_FALSE(parse_command_line({"-t", "1", "-p", "m", "-i", "a", "-o", "s", "-b", "-3"}));
  EXPECT_FALSE(parse_command_line({"-t", "0", "-p", "m", "-i", "a", "-o", "s"}));
}

TEST(RoadefCommandLine, SeedDefaultsAndNameNeedsNothingElse) {
  auto line = parse_command_line({"-o", "s.txt", "-p", "m.txt", "-i", "a.txt", "-t", "0.5"});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->seed, 1U);
  EXPECT_EQ(line->time_limit_seconds, 0.5);
  auto name = parse_command_line({"-name"});
  ASSERT_TRUE(name);
  EXPECT_TRUE(name->print_name);
}

TEST(RoadefCommandLine, RejectsMissingOrMalformedValues) {
  EXPECT_FALSE(parse_command_line({"-p", "m.txt", "-i", "a.txt", "-o", "s.txt"}));  // no -t
  EXPECT_FALSE(parse_command_line({"-t", "10", "-i", "a.txt", "-o", "s.txt"}));     // no -p
  EXPECT_FALSE(parse_command_line({"-t", "10", "-p", "m.txt", "-i", "a.txt", "-o"}));
  auto bad_time = parse_command_line({"-t", "10s", "-p", "m", "-i", "a", "-o", "s"});
  ASSERT_FALSE(bad_time);
  EXPECT_NE(bad_time.error().message.find("-t: expected a positive number of seconds, got '10s'"), std::string::npos);
  EXPECT_FALSE(parse_command_line({"-t", "-1", "-p", "m", "-i", "a", "-o", "s"}));
  EXPECT_FALSE(parse_command_line({"-t", "1", "-p", "m", "-i", "a", "-o", "s", "-s", "x"}));
  auto unknown = parse_command_line({"--time", "1"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown argument '--time'"), std::string::npos);
}

}  // namespace
}  // namespace berth::roadef
