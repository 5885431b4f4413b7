// berthctl's commands and report, without a process: hand-made solutions for exact
// output, the real optimizer for the end-to-end exit codes.
// (Lives beside the spec tests until tests/unit/berthctl/ exists; it is its own
// executable, berth_berthctl_tests.)
#include <gtest/gtest.h>

#include <sstream>

#include "coordinator/berthctl/commands.hpp"
#include "coordinator/berthctl/solve_report.hpp"
#include "tests/support/builders.hpp"

namespace berth::berthctl {
namespace {

using model::NodeId;
using model::ServiceId;
using testing::a_node;
using testing::a_problem;
using testing::a_service;

const std::string kExamples = std::string(BERTH_SOURCE_DIR) + "/examples/";

// Two nodes, web running 2 on n1; the solution moves one web to n2 and leaves db unplaced.
// n2 is cordoned, so that move is also a violation for the tests that need one.
struct Fixture {
  model::Problem problem = a_problem(
      {a_node("n1").cpu(4000).memory_gib(8).label("zone", "a").running(0, 2),
       a_node("n2").cpu(2000).memory_gib(4).state(model::NodeState::cordoned)},
      {a_service("web").replicas(2).cpu(500).memory_mib(512), a_service("db").replicas(1).cpu(8000)});
  optimizer::Solution solution = make_solution();

  optimizer::Solution make_solution() const {
    optimizer::Solution s;
    s.status = optimizer::SolveStatus::partial;
    s.placement = model::Placement::empty_for(problem);
    s.placement.set(NodeId{0}, ServiceId{0}, 1);
    s.placement.set(NodeId{1}, ServiceId{0}, 1);
    s.terms = model::evaluate(problem, s.placement);
    s.objective = s.terms.total();
    s.lower_bound = 1000.0;
    s.gap = (s.objective - s.lower_bound) / s.objective;
    s.rounds = 12;
    s.unplaced.push_back({ServiceId{1}, 1, "no node has 8 cpu free"});
    return s;
  }
};

TEST(Berthctl, FormatsAmountsInHumanUnits) {
  EXPECT_EQ(format_amount("cpu", 500), "0.5");
  EXPECT_EQ(format_amount("cpu", 16000), "16");
  EXPECT_EQ(format_amount("cpu", 1250), "1.25");
  EXPECT_EQ(format_amount("memory", 512 * model::kMiB), "512Mi");
  EXPECT_EQ(format_amount("memory", 3 * model::kGiB / 2), "1.5Gi");
  EXPECT_EQ(format_amount("memory", 64 * model::kGiB), "64Gi");
  EXPECT_EQ(format_amount("memory", 100), "100");
  EXPECT_EQ(format_amount("gpu", 2000), "2");
  EXPECT_EQ(format_amount("gpu", 500), "0.5");
}

TEST(Berthctl, ListsStopsAndStartsRelativeToRunning) {
  const Fixture f;
  const auto stopping = stops(f.problem, f.solution.placement);
  ASSERT_EQ(stopping.size(), 1u);
  EXPECT_EQ(stopping[0].service, ServiceId{0});
  EXPECT_EQ(stopping[0].node, NodeId{0});
  EXPECT_EQ(stopping[0].count, 1);
  const auto starting = starts(f.problem, f.solution.placement);
  ASSERT_EQ(starting.size(), 1u);
  EXPECT_EQ(starting[0].node, NodeId{1});
  EXPECT_EQ(starting[0].count, 1);
}

TEST(Berthctl, HumanReportShowsSummaryNodesChangesTermsAndUnplaced) {
  const Fixture f;
  const std::string text = format_report({f.problem, f.solution, 0.25, {}});
  EXPECT_NE(text.find("status       partial\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lower bound  1000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("rounds       12\n"), std::string::npos) << text;
  EXPECT_NE(text.find("time         0.250 s\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nodes used   2 / 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("replicas     2 placed, 1 unplaced, 1 moved\n"), std::string::npos) << text;
  EXPECT_NE(text.find("node  zone  state     cpu        memory         replicas\n"), std::string::npos) << text;
  EXPECT_NE(text.find("n1    a     ready     0.5/4 12%  512Mi/8Gi 6%   web×1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("n2    -     cordoned  0.5/2 25%  512Mi/4Gi 12%  web×1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  stop   web  ×1  on  n1\n  start  web  ×1  on  n2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  migration     1\n  service_move  0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("unplaced:\n  db  ×1  no node has 8 cpu free\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("VIOLATIONS"), std::string::npos);
}

TEST(Berthctl, HumanReportListsViolationsFromTheChecker) {
  const Fixture f;
  const auto violations = model::check(f.problem, f.solution.placement);
  ASSERT_EQ(violations.size(), 1u);
  const std::string text = format_report({f.problem, f.solution, 0, violations});
  EXPECT_NE(text.find("VIOLATIONS (the placement breaks hard rules; this is a bug):\n  cordoned: " + violations[0].detail +
                      "\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(to_json({f.problem, f.solution, 0, violations})["violations"][0]["kind"], "cordoned");
}

TEST(Berthctl, JsonReportCarriesPlacementMovesUnplacedAndTerms) {
  const Fixture f;
  const auto json = to_json({f.problem, f.solution, 0.5, {}});
  EXPECT_EQ(json["status"], "partial");
  EXPECT_EQ(json["proven_optimal"], false);
  EXPECT_EQ(json["rounds"], 12);
  EXPECT_DOUBLE_EQ(json["seconds"].get<double>(), 0.5);
  EXPECT_EQ(json["nodes_used"], 2);
  EXPECT_EQ(json["nodes_total"], 2);
  EXPECT_EQ(json["placement"].dump(), R"({"web":{"n1":1,"n2":1},"db":{}})");
  EXPECT_EQ(json["moves"].dump(), R"([{"service":"web","from":"n1","count":1}])");
  EXPECT_EQ(json["starts"].dump(), R"([{"service":"web","to":"n2","count":1}])");
  EXPECT_EQ(json["unplaced"].dump(), R"([{"service":"db","count":1,"reason":"no node has 8 cpu free"}])");
  EXPECT_DOUBLE_EQ(json["terms"]["migration"].get<double>(), f.solution.terms.migration);
  EXPECT_DOUBLE_EQ(json["terms"]["unplaced"].get<double>(), f.solution.terms.unplaced);
  EXPECT_EQ(json["nodes"][1].dump(),
            R"({"name":"n2","state":"cordoned","capacity":{"cpu":2000,"memory":4294967296},)"
            R"("used":{"cpu":500,"memory":536870912}})");
  EXPECT_EQ(json["violations"].dump(), "[]");
}

TEST(Berthctl, ValidatePrintsCounts) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_validate({kExamples + "cluster.yaml", kExamples + "services.yaml"}, out, err), kExitOk);
  EXPECT_EQ(out.str(), "ok: 8 nodes, 6 services, 20 replicas\n");
  EXPECT_EQ(err.str(), "");
}

TEST(Berthctl, BadInputExitsTwoWithTheErrors) {
  std::ostringstream out;
  std::ostringstream err;
  const SolveCommand command{.cluster_path = kExamples + "missing.yaml", .services_path = kExamples + "services.yaml"};
  EXPECT_EQ(run_solve(command, [] { return 0.0; }, out, err), kExitBadInput);
  EXPECT_EQ(err.str(), "cannot read " + kExamples + "missing.yaml: No such file or directory\n");
  EXPECT_EQ(out.str(), "");
}

TEST(Berthctl, SolveReportsTheInjectedClocksTime) {
  std::ostringstream out;
  std::ostringstream err;
  double now = 100.0;
  // Each reading advances the clock a little; the report must be the difference of the
  // readings around the solve, not wall time.
  const Clock clock = [&now] { return now += 0.001; };
  const SolveCommand command{.cluster_path = kExamples + "cluster.yaml",
                             .services_path = kExamples + "services.yaml",
                             .json = true,
                             .seed = 3,
                             .max_rounds = 20};
  ASSERT_EQ(run_solve(command, clock, out, err), kExitOk) << err.str();
  const auto json = nlohmann::json::parse(out.str());
  EXPECT_EQ(json["violations"].dump(), "[]");
  const double seconds = json["seconds"].get<double>();
  EXPECT_GT(seconds, 0.0);
  EXPECT_NEAR(seconds, now - 100.0 - 0.001, 1e-9) << "the last reading is the solve's end";
}

}  // namespace
}  // namespace berth::berthctl
