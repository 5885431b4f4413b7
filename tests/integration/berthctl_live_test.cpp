// berthctl apply, plan, status and nodes against a real API server on a loopback port,
// with real spec files in a temporary directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "coordinator/api/server.hpp"
#include "coordinator/berthctl/commands.hpp"

namespace berth::berthctl {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kThreeWeb = R"(services:
  web:
    image: nginx
    replicas: 3
    resources: {cpu: 1, memory: 1Gi}
)";

const char* const kWebAndDb = R"(services:
  web:
    image: nginx
    replicas: 3
    resources: {cpu: 1, memory: 1Gi}
  db:
    image: postgres
    resources: {cpu: 1, memory: 1Gi}
)";

class BerthctlLive : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("berthctl_live_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    for (const char* name : {"n1", "n2"})
      ASSERT_TRUE(state.report_node({.name = name,
                                     .labels = {{"zone", name}},
                                     .capacity = {{"cpu", 2000}, {"memory", 4 * model::kGiB}, {"gpu", 0}}})
                      .ok());
    const auto port = server.start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    live.coordinator = "http://127.0.0.1:" + std::to_string(*port);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string file(const std::string& name, const std::string& text) {
    const fs::path path = dir / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir;
  coordinator::ClusterState state{coordinator::ClusterStateOptions{.solve_options = {.seed = 11}}};
  coordinator::api::HttpServer server{state, {}};
  LiveOptions live;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_F(BerthctlLive, PlanShowsStartsPerNodeAndChangesNothing) {
  const std::string path = file("web.yaml", kThreeWeb);
  ASSERT_EQ(run_plan({live, path}, out, err), kExitOk) << err.str();
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("plan for " + path + " (dry run: nothing changes)\n", 0), 0u) << text;
  EXPECT_NE(text.find("+   node n"), std::string::npos) << text;
  EXPECT_NE(text.find("      + web  ×"), std::string::npos) << text;
  EXPECT_NE(text.find("\nlower bound  "), std::string::npos) << text;
  EXPECT_NE(text.find("\ngap          "), std::string::npos) << text;
  EXPECT_NE(text.find("3 placed, 0 unplaced; 3 to start, 0 to stop"), std::string::npos) << text;
  EXPECT_FALSE(state.target().has_value());
}

TEST_F(BerthctlLive, ApplyThenPlanAnotherFileShowsStopsAndStarts) {
  ASSERT_EQ(run_apply({live, file("both.yaml", kWebAndDb)}, out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("as version 1\n"), std::string::npos) << out.str();
  ASSERT_TRUE(state.target().has_value());

  // Without db, its replica stops on whichever node hosts it.
  std::string db_node;
  const auto target = state.target();
  for (const auto& [node, services] : target->summary.placement)
    if (services.count("db") > 0) db_node = node;
  ASSERT_FALSE(db_node.empty());
  out.str("");
  ASSERT_EQ(run_plan({{live.coordinator, /*json=*/true}, file("web.yaml", kThreeWeb)}, out, err), kExitOk);
  const json plan = json::parse(out.str());
  ASSERT_EQ(plan["moves"].size(), 1u) << plan.dump(2);
  EXPECT_EQ(plan["moves"][0]["node"], db_node);
  EXPECT_EQ(plan["moves"][0]["stop"], json::parse(R"([{"service": "db", "count": 1}])"));
  EXPECT_EQ(plan["replicas_stopped"], 1);

  out.str("");
  ASSERT_EQ(run_plan({live, file("web2.yaml", kThreeWeb)}, out, err), kExitOk);
  EXPECT_NE(out.str().find("-   node " + db_node + "\n      - db  ×1\n"), std::string::npos) << out.str();
}

TEST_F(BerthctlLive, StatusAndNodesDescribeTheCluster) {
  ASSERT_EQ(run_status(live, out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("2 alive, 0 suspect, 0 lost (2 registered)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("none: nothing applied yet"), std::string::npos) << out.str();

  ASSERT_EQ(run_apply({live, file("web.yaml", kThreeWeb)}, out, err), kExitOk);
  out.str("");
  ASSERT_EQ(run_status(live, out, err), kExitOk);
  EXPECT_NE(out.str().find("version 1 (apply "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("1 service, 3 replicas placed, 0 unplaced"), std::string::npos) << out.str();

  out.str("");
  ASSERT_EQ(run_nodes(live, out, err), kExitOk);
  const std::string table = out.str();
  EXPECT_EQ(table.rfind("NODE  HEALTH  CPU  ", 0), 0u) << table;
  EXPECT_NE(table.find("\nn1    alive   "), std::string::npos) << table;
  EXPECT_NE(table.find("GPU"), std::string::npos) << table;

  out.str("");
  ASSERT_EQ(run_nodes({live.coordinator, /*json=*/true}, out, err), kExitOk);
  const json nodes = json::parse(out.str());
  int web = 0;
  for (const json& node : nodes["nodes"]) web += node["target"].value("web", 0);
  EXPECT_EQ(web, 3);
}

TEST_F(BerthctlLive, ABadSpecExitsTwoWithTheFileLineAndField) {
  const std::string path = file("bad.yaml", "services:\n  web:\n    image: x\n    replicas: -2\n    port: 80\n");
  EXPECT_EQ(run_apply({live, path}, out, err), kExitBadInput);
  const std::string text = err.str();
  EXPECT_NE(text.find("error: invalid services spec: 2 problems in " + path), std::string::npos) << text;
  EXPECT_NE(text.find(path + ":4:15: "), std::string::npos) << text;
  EXPECT_NE(text.find("(field services.web.replicas)"), std::string::npos) << text;
  EXPECT_NE(text.find("(field services.web.port)"), std::string::npos) << text;
  EXPECT_FALSE(state.target().has_value());

  out.str("");
  EXPECT_EQ(run_plan({{live.coordinator, true}, path}, out, err), kExitBadInput);
  EXPECT_EQ(json::parse(out.str())["details"].size(), 2u) << "--json prints the error answer too";
}

TEST_F(BerthctlLive, AMissingFileOrCoordinatorIsAClearError) {
  EXPECT_EQ(run_plan({live, (dir / "nope.yaml").string()}, out, err), kExitBadInput);
  EXPECT_NE(err.str().find("cannot read " + (dir / "nope.yaml").string()), std::string::npos) << err.str();

  err.str("");
  const std::string url = live.coordinator;
  server.stop();
  EXPECT_EQ(run_status(live, out, err), kExitFailure);
  EXPECT_NE(err.str().find("cannot reach the coordinator at " + url), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("BERTH_COORDINATOR"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace berth::berthctl
