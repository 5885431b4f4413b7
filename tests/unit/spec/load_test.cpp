// Reading spec files from disk: unreadable files and the shipped examples.
#include <gtest/gtest.h>

#include "common/spec/spec.hpp"

namespace berth::spec {
namespace {

const std::string kExamples = std::string(BERTH_SOURCE_DIR) + "/examples/";

TEST(LoadProblem, MissingFileIsAnIoErrorNamingTheFile) {
  const auto result = load_problem("/nonexistent/cluster.yaml", kExamples + "services.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::io);
  EXPECT_EQ(result.error().message, "cannot read /nonexistent/cluster.yaml: No such file or directory");
}

TEST(LoadProblem, BothUnreadableFilesAreReported) {
  const auto result = load_problem("/nonexistent/a.yaml", "/");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "cannot read /nonexistent/a.yaml: No such file or directory\ncannot read /: is a directory");
}

TEST(LoadProblem, ErrorsNameTheFilePathAsGiven) {
  const auto result = load_problem(kExamples + "cluster.yaml", kExamples + "cluster.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_spec);
  EXPECT_EQ(result.error().message.rfind(kExamples + "cluster.yaml:", 0), 0u) << result.error().message;
}

TEST(LoadProblem, ExamplesParseIntoTheDocumentedCluster) {
  const auto result = load_problem(kExamples + "cluster.yaml", kExamples + "services.yaml");
  ASSERT_TRUE(result.ok()) << result.error().message;
  const model::Problem& problem = result.value();
  EXPECT_EQ(problem.nodes.size(), 8u);
  EXPECT_EQ(problem.services.size(), 6u);
  EXPECT_EQ(problem.resources, (std::vector<std::string>{"cpu", "memory", "gpu"}));
  bool any_running = false;
  for (const auto& node : problem.nodes) any_running = any_running || !node.running.empty();
  EXPECT_TRUE(any_running);
}

}  // namespace
}  // namespace berth::spec
