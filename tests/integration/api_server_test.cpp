// The operator API over a real socket: an HttpServer on an ephemeral loopback port and
// berthctl's Beast client. Waits are on conditions with deadlines, never fixed sleeps.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "coordinator/api/handler.hpp"
#include "coordinator/api/server.hpp"
#include "coordinator/berthctl/http_client.hpp"

namespace berth::coordinator::api {
namespace {

using nlohmann::json;
using berthctl::CoordinatorAddress;
using berthctl::http_request;

const char* const kWeb = R"(services:
  web:
    image: nginx
    replicas: 3
    resources: {cpu: 1, memory: 1Gi}
)";

void add_nodes(ClusterState& state) {
  for (const char* name : {"n1", "n2"})
    ASSERT_TRUE(state.report_node({.name = name, .capacity = {{"cpu", 2000}, {"memory", 4 * model::kGiB}}}).ok());
}

// Raw bytes to the server and whatever it answers until it closes (at most 5 s).
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(bytes));
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send);
  std::string answer;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(answer), ec);
  return answer;
}

class ApiServerTest : public ::testing::Test {
 protected:
  void start(ClusterState& state, ServerOptions options = {}) {
    server = std::make_unique<HttpServer>(state, options);
    const auto port = server->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    ASSERT_NE(*port, 0);
    address = CoordinatorAddress{"127.0.0.1", *port};
  }
  berthctl::HttpReply call(const std::string& method, const std::string& target, const std::string& body = "",
                           const std::string& content_type = "") {
    const auto reply = http_request(address, {.method = method, .target = target, .body = body,
                                              .content_type = content_type});
    EXPECT_TRUE(reply.ok()) << reply.error().message;
    return reply.ok() ? *reply : berthctl::HttpReply{};
  }
  std::unique_ptr<HttpServer> server;
  CoordinatorAddress address;
};

TEST_F(ApiServerTest, ApplyThenReadThePlacementOverHttp) {
  ClusterState state;
  add_nodes(state);
  start(state);

  EXPECT_EQ(call("GET", "/healthz").status, 200);
  const auto applied = call("POST", "/v1/apply", kWeb, "application/yaml");
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.content_type, "application/json");
  EXPECT_EQ(json::parse(applied.body)["version"], 1);

  const auto placement = call("GET", "/v1/placement");
  ASSERT_EQ(placement.status, 200);
  EXPECT_EQ(json::parse(placement.body)["placement"], json::parse(applied.body)["placement"]);

  const auto bad = call("POST", "/v1/plan", json{{"services_yaml", "services: {web: {image: x, replicas: 0.5}}"}}.dump(),
                        "application/json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["details"][0]["line"], 1);
  EXPECT_EQ(call("GET", "/nope").status, 404);
  EXPECT_EQ(call("PUT", "/v1/status").status, 405);

  const auto metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.content_type, kMetricsContentType);
  EXPECT_NE(metrics.body.find("berth_solves_total{kind=\"apply\"} 1\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("berth_http_requests_total{code=\"400\"} 1\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("berth_http_requests_total{code=\"200\"} 3\n"), std::string::npos) << metrics.body;
}

TEST_F(ApiServerTest, AnOversizedBodyIs413AndTheServerKeepsServing) {
  ClusterState state;
  start(state, {.max_body_bytes = 1024});
  const auto reply = call("POST", "/v1/apply", std::string(64 * 1024, '#'), "application/yaml");
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(json::parse(reply.body)["error"].get<std::string>().find("over the limit of 1024 bytes"), std::string::npos);
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}

TEST_F(ApiServerTest, GarbageAndTruncatedRequestsDoNotStopTheServer) {
  ClusterState state;
  start(state);
  const std::string garbage = raw_exchange(address.port, "\x01\x02 not http at all\r\n\r\n");
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400", 0), 0u) << garbage;
  const std::string truncated = raw_exchange(address.port, "POST /v1/apply HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc");
  EXPECT_TRUE(truncated.empty() || truncated.rfind("HTTP/1.1 400", 0) == 0) << truncated;
  EXPECT_EQ(raw_exchange(address.port, "").size(), 0u);
  EXPECT_EQ(call("GET", "/v1/status").status, 200);
}

TEST_F(ApiServerTest, StatusAnswersWhileASolveRuns) {
  // The injected solve blocks until the test has read /v1/status over HTTP.
  std::mutex mutex;
  std::condition_variable changed;
  bool solving = false;
  bool release = false;
  ClusterState state{ClusterStateOptions{.solve = [&](const model::Problem& problem,
                                                       const optimizer::SolveOptions& options) {
    {
      std::unique_lock lock(mutex);
      solving = true;
      changed.notify_all();
      changed.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
    }
    return optimizer::solve(problem, options);
  }}};
  add_nodes(state);
  start(state);

  auto apply = std::async(std::launch::async, [&] { return call("POST", "/v1/apply", kWeb); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return solving; }));
  }
  const auto status = call("GET", "/v1/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(json::parse(status.body)["applied"], false) << "the apply is still solving";
  {
    const std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  EXPECT_EQ(apply.get().status, 200);
  EXPECT_EQ(json::parse(call("GET", "/v1/status").body)["applied"], true);
}

TEST_F(ApiServerTest, TheClientSaysWhenNothingListens) {
  ClusterState state;
  start(state);
  const std::uint16_t port = address.port;
  server->stop();
  const auto reply = http_request({"127.0.0.1", port}, {.method = "GET", .target = "/healthz"});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::io);
  EXPECT_EQ(reply.error().message.rfind("cannot reach the coordinator at http://127.0.0.1:" + std::to_string(port), 0),
            0u)
      << reply.error().message;
}

TEST_F(ApiServerTest, ABusyPortIsAnError) {
  ClusterState state;
  start(state);
  HttpServer second(state, {.port = address.port});
  const auto port = second.start();
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos) << port.error().message;
}

}  // namespace
}  // namespace berth::coordinator::api
