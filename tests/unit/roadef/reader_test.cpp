#include "bench/roadef/reader.hpp"

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tiny_instance.hpp"

namespace berth::roadef {
namespace {

using testing::kTinyAssignment;
using testing::kTinyModel;

TEST(RoadefReader, ReadsEveryRecordOfTheModel) {
  auto problem = parse_instance(kTinyModel, kTinyAssignment);
  ASSERT_TRUE(problem) << problem.error().message;
  ASSERT_EQ(problem->resources.size(), 2U);
  EXPECT_FALSE(problem->resources[0].transient);
  EXPECT_TRUE(problem->resources[1].transient);
  EXPECT_EQ(problem->resources[0].load_cost_weight, 10);
  ASSERT_EQ(problem->machines.size(), 3U);
  EXPECT_EQ(problem->machines[2].neighborhood, 1);
  EXPECT_EQ(problem->machines[1].location, 1);
  EXPECT_EQ(problem->machines[0].safety_capacity, (std::vector<std::int64_t>{5, 8}));
  EXPECT_EQ(problem->machine_move_cost[1][2], 3);
  EXPECT_EQ(problem->machine_move_cost[2][0], 2);
  ASSERT_EQ(problem->services.size(), 2U);
  EXPECT_EQ(problem->services[0].spread_min, 2);
  EXPECT_EQ(problem->services[1].dependencies, std::vector<int>{0});
  ASSERT_EQ(problem->processes.size(), 4U);
  EXPECT_EQ(problem->processes[2].service, 1);
  EXPECT_EQ(problem->processes[2].requirement, (std::vector<std::int64_t>{3, 5}));
  EXPECT_EQ(problem->processes[0].move_cost, 5);
  ASSERT_EQ(problem->balances.size(), 1U);
  EXPECT_EQ(problem->balances[0].target, 1);
  EXPECT_EQ(problem->balances[0].weight, 2);
  EXPECT_EQ(problem->process_move_weight, 1);
  EXPECT_EQ(problem->service_move_weight, 10);
  EXPECT_EQ(problem->machine_move_weight, 100);
  EXPECT_EQ(problem->initial, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(problem->neighborhood_count(), 2);
  EXPECT_EQ(problem->location_count(), 3);
}

TEST(RoadefReader, NamesFileLineAndFieldOfABadNumber) {
  std::string model = kTinyModel;
  model.replace(model.find("0 1 10 10 5 8"), 13, "0 1 10 x 5 8");
  auto problem = parse_instance(model, kTinyAssignment, "model_t.txt", "assignment_t.txt");
  ASSERT_FALSE(problem);
  EXPECT_EQ(problem.error().message, "model_t.txt:6: machine 1 capacity[1]: expected an integer, got 'x'");
}

TEST(RoadefReader, RejectsAServiceIndexOutOfRange) {
  std::string model = kTinyModel;
  model.replace(model.find("1 2 3 1\n"), 8, "2 2 3 1\n");
  auto problem = parse_instance(model, kTinyAssignment);
  ASSERT_FALSE(problem);
  EXPECT_NE(problem.error().message.find("process 3 service: 2 is out of range [0, 1]"), std::string::npos)
      << problem.error().message;
}

TEST(RoadefReader, RejectsATruncatedModelAndTrailingData) {
  const std::string truncated = kTinyModel.substr(0, kTinyModel.rfind("1 10 100"));
  auto short_problem = parse_instance(truncated, kTinyAssignment);
  ASSERT_FALSE(short_problem);
  EXPECT_NE(short_problem.error().message.find("weightProcessMoveCost: unexpected end of file"), std::string::npos)
      << short_problem.error().message;

  auto long_problem = parse_instance(kTinyModel + "7\n", kTinyAssignment);
  ASSERT_FALSE(long_problem);
  EXPECT_NE(long_problem.error().message.find("unexpected data after the last record"), std::string::npos);
}

TEST(RoadefReader, RejectsAnAssignmentToAMissingMachineOrOfTheWrongLength) {
  auto bad_machine = parse_instance(kTinyModel, "0 1 3 1\n", "m", "a.txt");
  ASSERT_FALSE(bad_machine);
  EXPECT_EQ(bad_machine.error().message, "a.txt:1: process 2 machine: 3 is out of range [0, 2]");
  EXPECT_FALSE(parse_instance(kTinyModel, "0 1 0\n"));
  EXPECT_FALSE(parse_instance(kTinyModel, "0 1 0 1 2\n"));
}

TEST(RoadefReader, WritesTheSolutionAsOneLineOfMachineIndices) {
  EXPECT_EQ(format_solution({2, 1, 0, 1}), "2 1 0 1\n");
  const std::string path = ::testing::TempDir() + "roadef_solution_test.txt";
  ASSERT_TRUE(write_solution(path, {2, 1, 0, 1}));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "2 1 0 1\n");
  // Read back as an assignment of the same instance.
  auto problem = parse_instance(kTinyModel, text);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->initial, (std::vector<int>{2, 1, 0, 1}));
  std::remove(path.c_str());
}

TEST(RoadefReader, ReportsAMissingFile) {
  auto problem = read_instance("/nonexistent/model.txt", "/nonexistent/assignment.txt");
  ASSERT_FALSE(problem);
  EXPECT_EQ(problem.error().message, "/nonexistent/model.txt: cannot open");
}

}  // namespace
}  // namespace berth::roadef
