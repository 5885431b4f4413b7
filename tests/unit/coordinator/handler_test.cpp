// The operator API's routes through ApiHandler, without a socket: status codes, JSON
// bodies, and errors that point at the file, line and field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "coordinator/api/handler.hpp"
#include "coordinator/api/json.hpp"

namespace berth::coordinator::api {
namespace {

using nlohmann::json;

const char* const kWeb = R"(services:
  web:
    image: nginx
    replicas: 3
    resources: {cpu: 1, memory: 1Gi}
)";

class HandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"n1", "n2"})
      ASSERT_TRUE(state.report_node({.name = name, .capacity = {{"cpu", 2000}, {"memory", 4 * model::kGiB}}},
                                    NodeSource::static_file)
                      .ok());
  }
  HttpResponse get(const std::string& target) { return handler.handle({.method = "GET", .target = target}); }
  HttpResponse post(const std::string& target, const std::string& body, const std::string& content_type = "") {
    return handler.handle({.method = "POST", .target = target, .content_type = content_type, .body = body});
  }
  ClusterState state{ClusterStateOptions{.solve_options = {.seed = 5}}};
  ApiHandler handler{state};
};

TEST_F(HandlerTest, PlanAnswersWithMovesAndChangesNothing) {
  const HttpResponse response = post("/v1/plan", kWeb, "application/yaml");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const json plan = json::parse(response.body);
  EXPECT_EQ(plan["replicas_placed"], 3);
  EXPECT_EQ(plan["replicas_started"], 3);
  EXPECT_EQ(plan["nodes_total"], 2);
  int started = 0;
  for (const json& node : plan["moves"])
    for (const json& start : node["start"]) started += start["count"].get<int>();
  EXPECT_EQ(started, 3);
  EXPECT_TRUE(plan.contains("lower_bound"));
  EXPECT_TRUE(plan.contains("gap"));
  EXPECT_EQ(get("/v1/placement").status, 404) << "a plan applies nothing";
}

TEST_F(HandlerTest, ApplyStoresThePlacementThatGetServes) {
  const HttpResponse applied = post("/v1/apply", json{{"services_yaml", kWeb}, {"name", "web.yaml"}}.dump(),
                                    "application/json; charset=utf-8");
  ASSERT_EQ(applied.status, 200) << applied.body;
  const json target = json::parse(applied.body);
  EXPECT_EQ(target["version"], 1);
  EXPECT_EQ(target["reason"], "apply web.yaml");

  const HttpResponse placement = get("/v1/placement");
  ASSERT_EQ(placement.status, 200);
  const json body = json::parse(placement.body);
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["placement"], target["placement"]);
  int total = 0;
  for (const auto& [node, services] : body["placement"].items())
    if (services.contains("web")) total += services["web"].get<int>();
  EXPECT_EQ(total, 3);

  const json services = json::parse(get("/v1/services").body);
  ASSERT_EQ(services["services"].size(), 1u);
  EXPECT_EQ(services["services"][0]["name"], "web");
  EXPECT_EQ(services["services"][0]["placed"], 3);
  EXPECT_EQ(services["services"][0]["request"]["cpu"], 1000);

  const json status = json::parse(get("/v1/status").body);
  EXPECT_EQ(status["applied"], true);
  EXPECT_EQ(status["nodes"]["alive"], 2);
  EXPECT_EQ(status["target"]["version"], 1);
  EXPECT_EQ(status["target"]["replicas_unplaced"], 0);

  const json nodes = json::parse(get("/v1/nodes").body);
  ASSERT_EQ(nodes["nodes"].size(), 2u);
  EXPECT_EQ(nodes["nodes"][0]["name"], "n1");
  EXPECT_EQ(nodes["nodes"][0]["health"], "alive");
  EXPECT_EQ(nodes["nodes"][0]["source"], "static");
  EXPECT_EQ(nodes["nodes"][0]["capacity"]["cpu"], 2000);
  const int on_n1 = nodes["nodes"][0]["target"].value("web", 0);
  EXPECT_EQ(nodes["nodes"][0]["target_used"]["cpu"], 1000 * on_n1);
}

TEST_F(HandlerTest, ABadSpecIs400WithFileLineAndField) {
  const HttpResponse response =
      post("/v1/apply", json{{"services_yaml", "services:\n  web:\n    image: x\n    replica: 3\n"}, {"name", "mine.yaml"}}.dump(),
           "application/json");
  ASSERT_EQ(response.status, 400);
  const json body = json::parse(response.body);
  EXPECT_EQ(body["error"],
            "invalid services spec: mine.yaml:4:5: unknown key 'replica' in service 'web' (did you mean 'replicas'?)");
  ASSERT_EQ(body["details"].size(), 1u);
  const json& detail = body["details"][0];
  EXPECT_EQ(detail["file"], "mine.yaml");
  EXPECT_EQ(detail["line"], 4);
  EXPECT_EQ(detail["column"], 5);
  EXPECT_EQ(detail["field"], "services.web.replica");
  EXPECT_EQ(detail["message"], "unknown key 'replica' in service 'web' (did you mean 'replicas'?)");
  EXPECT_EQ(get("/v1/placement").status, 404) << "nothing half-applied";
}

TEST_F(HandlerTest, SeveralProblemsAreListedOneDetailEach) {
  const HttpResponse response = post("/v1/plan", "services:\n  web:\n    replicas: -1\n  db: {image: x, port: 5}\n");
  ASSERT_EQ(response.status, 400);
  const json body = json::parse(response.body);
  ASSERT_GE(body["details"].size(), 2u) << body.dump(2);
  EXPECT_NE(body["error"].get<std::string>().find("problems in services.yaml"), std::string::npos) << body["error"];
  for (const json& detail : body["details"]) {
    EXPECT_EQ(detail["file"], "services.yaml");
    EXPECT_TRUE(detail["line"].is_number()) << detail.dump();
  }
}

TEST_F(HandlerTest, BadBodiesAre400) {
  EXPECT_EQ(post("/v1/plan", "").status, 400);
  EXPECT_EQ(post("/v1/plan", "{not json", "application/json").status, 400);
  EXPECT_EQ(post("/v1/plan", "[1, 2]", "application/json").status, 400);
  const HttpResponse missing = post("/v1/plan", R"({"services": "x"})", "application/json");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(json::parse(missing.body)["error"].get<std::string>().find("services_yaml"), std::string::npos);
  EXPECT_EQ(post("/v1/plan", R"({"services_yaml": "x", "name": 3})", "application/json").status, 400);
  EXPECT_EQ(post("/v1/plan", "services: {web: [\n").status, 400) << "a YAML syntax error";
}

TEST_F(HandlerTest, UnknownPathsAre404AndWrongMethods405) {
  const HttpResponse missing = get("/v2/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error"], "no such endpoint: /v2/nothing");
  const HttpResponse wrong = get("/v1/apply");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "POST");
  EXPECT_EQ(handler.handle({.method = "DELETE", .target = "/v1/nodes"}).status, 405);
  EXPECT_EQ(get("/v1/status?verbose=1").status, 200) << "a query string does not change the route";
}

TEST_F(HandlerTest, MetricsAndHealth) {
  const HttpResponse metrics = get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, kMetricsContentType);
  EXPECT_NE(metrics.body.find("berth_nodes{health=\"alive\"} 2\n"), std::string::npos) << metrics.body;
  EXPECT_EQ(json::parse(get("/healthz").body)["status"], "ok");
}

TEST_F(HandlerTest, AnInternalFailureIs500) {
  ClusterState broken{ClusterStateOptions{.solve = [](const model::Problem&, const optimizer::SolveOptions&)
                                              -> optimizer::Solution { throw std::runtime_error("round driver gone"); }}};
  ApiHandler broken_handler{broken};
  const HttpResponse response = broken_handler.handle({.method = "POST", .target = "/v1/apply", .body = kWeb});
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(json::parse(response.body)["error"], "the solve failed: round driver gone");
}

TEST(ErrorDetails, ReadFileLineAndColumnFromMessages) {
  const auto details = details_of("s.yaml:3:5: bad thing\ns.yaml:7: no column\ns.yaml: whole file\nother", "s.yaml");
  ASSERT_EQ(details.size(), 4u);
  EXPECT_EQ(details[0].line, 3);
  EXPECT_EQ(details[0].column, 5);
  EXPECT_EQ(details[0].message, "bad thing");
  EXPECT_EQ(details[1].line, 7);
  EXPECT_EQ(details[1].column, 0);
  EXPECT_EQ(details[1].message, "no column");
  EXPECT_EQ(details[2].file, "s.yaml");
  EXPECT_EQ(details[2].line, 0);
  EXPECT_EQ(details[2].message, "whole file");
  EXPECT_EQ(details[3].file, "");
  EXPECT_EQ(details[3].message, "other");
  const json body = error_json("bad", details);
  EXPECT_TRUE(body["details"][1]["column"].is_null());
  EXPECT_TRUE(body["details"][3]["file"].is_null());
}

}  // namespace
}  // namespace berth::coordinator::api
