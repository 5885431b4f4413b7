// Hostile and broken input on both ZeroMQ sockets: random bytes, truncated messages,
// extra frames, messages of the wrong direction or for another node. Each is dropped and
// logged, and the process goes on serving.
#include <gtest/gtest.h>

#include <random>

#include "common/net/zmq_sockets.hpp"
#include "common/optimizer/local.hpp"
#include "common/protocol/codec.hpp"
#include "tests/integration/live_cluster.hpp"

namespace berth::testing {
namespace {

using namespace std::chrono_literals;

std::string random_bytes(std::mt19937& random, std::size_t size) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

protocol::NodeReport report_of(const std::string& node) {
  protocol::NodeReport report;
  report.node = node;
  report.capacity = {{"cpu", 2000}, {"memory", 4LL << 30}};
  return report;
}

// The payloads every test throws at a socket before a valid message.
std::vector<std::string> garbage(const protocol::Message& valid) {
  std::mt19937 random(7);
  const std::string bytes = protocol::encode(valid);
  std::vector<std::string> payloads = {
      "",
      random_bytes(random, 1),
      random_bytes(random, 64),
      random_bytes(random, 4096),
      bytes.substr(0, bytes.size() / 2),   // truncated
      bytes.substr(0, bytes.size() - 1),   // one byte short
      bytes + "x",                          // trailing bytes
      std::string(100, '\x91'),             // arrays nested a hundred deep
      "\x82\xa1v\x02\xa4type\xa8register",  // another protocol version
      "\xdf\xff\xff\xff\xff",               // a map claiming 4 billion entries
  };
  return payloads;
}

// The next message on `socket` (a net::Dealer or net::Router) within `timeout`.
template <typename Socket>
bool receive_within(Socket& socket, std::chrono::milliseconds timeout, net::RouterFrame& out) {
  std::vector<zmq::pollitem_t> items = {{socket.socket().handle(), 0, ZMQ_POLLIN, 0}};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto frame = socket.receive()) {
      out = std::move(*frame);
      return true;
    }
    net::poll(items, 50ms);
  }
  return false;
}

TEST(Garbage, TheCoordinatorDropsMalformedMessagesAndKeepsServing) {
  LiveCluster cluster("garbage_coordinator");
  ASSERT_TRUE(cluster.start_coordinator({"--heartbeat-ms", "200"}));
  net::Context context;
  net::Dealer intruder(context, {.identity = "intruder"});
  ASSERT_TRUE(intruder.connect(cluster.agents_endpoint()));

  // Connected first (a DEALER drops what it cannot send yet): register and be answered.
  const protocol::Register valid{.report = report_of("intruder")};
  net::RouterFrame reply;
  const auto connected = eventually(
      [&] {
        intruder.send(protocol::encode(valid));
        return receive_within(intruder, 200ms, reply);
      },
      10s);
  ASSERT_TRUE(connected) << cluster.logs();

  const auto payloads = garbage(valid);
  for (const std::string& payload : payloads) intruder.send(payload);
  // Two frames in one message, a node speaking for another, and a bid for no round.
  intruder.socket().send(zmq::buffer(std::string("a")), zmq::send_flags::sndmore);
  intruder.socket().send(zmq::buffer(protocol::encode(valid)), zmq::send_flags::none);
  intruder.send(protocol::encode(protocol::Register{.report = report_of("someone-else")}));
  intruder.send(protocol::encode(protocol::Bid{.solve = 9, .round = 1, .counts = {1}, .value = 0, .lower_bound = 0,
                                               .exact = false, .bound_direction = {}}));

  // The socket still serves: a heartbeat on the same connection is acknowledged as known.
  const auto registered = protocol::decode(reply.payload);
  ASSERT_TRUE(registered.ok());
  const auto* ack = std::get_if<protocol::RegisterAck>(&*registered);
  ASSERT_NE(ack, nullptr);
  intruder.send(protocol::encode(protocol::Heartbeat{.incarnation = ack->incarnation, .report = valid.report}));
  ASSERT_TRUE(receive_within(intruder, 10s, reply)) << cluster.logs();
  const auto message = protocol::decode(reply.payload);
  ASSERT_TRUE(message.ok());
  const auto* heartbeat_ack = std::get_if<protocol::HeartbeatAck>(&*message);
  ASSERT_NE(heartbeat_ack, nullptr);
  EXPECT_TRUE(heartbeat_ack->known);

  EXPECT_TRUE(cluster.coordinator().running());
  EXPECT_EQ(cluster.get("/healthz").status, 200);
  // Every malformed payload, the multi-frame message and the impersonation are counted.
  EXPECT_GE(cluster.metric("berth_dropped_messages_total"), static_cast<double>(payloads.size() + 2))
      << cluster.logs();
  EXPECT_EQ(cluster.node_health().count("someone-else"), 0u);
  EXPECT_EQ(cluster.node_health()["intruder"], "alive");
}

TEST(Garbage, TheAgentDropsMalformedMessagesAndKeepsAnswering) {
  LiveCluster cluster("garbage_agent");
  net::Context context;
  net::Router coordinator(context, {});
  const auto endpoint = coordinator.bind("tcp://127.0.0.1:*");
  ASSERT_TRUE(endpoint.ok());
  std::vector<std::string> argv = {bin("berth-agent"), "--join", *endpoint, "--name", "n1", "--capacity",
                                   "cpu=4,memory=8Gi", "--log-level", "debug"};
  ChildProcess agent = ChildProcess::spawn(argv, cluster.path("agent.log"));

  net::RouterFrame frame;
  ASSERT_TRUE(receive_within(coordinator, 10s, frame)) << read_file(cluster.path("agent.log"));
  ASSERT_EQ(frame.peer, "n1");
  const auto registration = protocol::decode(frame.payload);
  ASSERT_TRUE(registration.ok());
  ASSERT_TRUE(std::holds_alternative<protocol::Register>(*registration));

  const protocol::RegisterAck ack{.incarnation = 11, .heartbeat_ms = 5000};
  for (const std::string& payload : garbage(ack)) coordinator.send("n1", payload);
  coordinator.socket().send(zmq::buffer(std::string("n1")), zmq::send_flags::sndmore);
  coordinator.socket().send(zmq::buffer(std::string("x")), zmq::send_flags::sndmore);
  coordinator.socket().send(zmq::buffer(std::string("y")), zmq::send_flags::none);
  coordinator.send("n1", protocol::encode(protocol::Register{.report = report_of("n1")}));  // wrong direction
  coordinator.send("n1", protocol::encode(protocol::Prices{.solve = 99, .round = 1, .deadline_ms = 100,
                                                           .bound_only = false, .direction = {}, .prices = {1.0}}));

  // Then a real round: the agent answers exactly what solve_local says.
  optimizer::LocalProblem problem;
  problem.dims = 2;
  problem.capacity = {4000, 8LL << 30};
  problem.demand = {1000, 1LL << 30, 3000, 2LL << 30};
  problem.items = {{.service = 0, .limit = 3, .running = 0, .price = 0}, {.service = 1, .limit = 2, .running = 0, .price = 0}};
  problem.fixed_cost = 1.0;
  problem.conflicts = {{}, {}};
  problem.prefers = {{}, {}};
  problem.preferred_by = {{}, {}};
  problem.unmet_preferences = {0, 0};
  coordinator.send("n1", protocol::encode(ack));
  coordinator.send("n1", protocol::encode(protocol::Subproblem{.solve = 3, .services = {"web", "db"}, .problem = problem}));
  const std::vector<double> prices = {0.6, 0.9};
  coordinator.send("n1", protocol::encode(protocol::Prices{.solve = 3, .round = 1, .deadline_ms = 1000,
                                                           .bound_only = false, .direction = {}, .prices = prices}));
  for (std::size_t i = 0; i < prices.size(); ++i) problem.items[i].price = prices[i];
  const optimizer::LocalAnswer expected = optimizer::solve_local(problem);

  std::optional<protocol::Bid> bid;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!bid && std::chrono::steady_clock::now() < deadline && receive_within(coordinator, 1s, frame)) {
    const auto message = protocol::decode(frame.payload);
    ASSERT_TRUE(message.ok());
    if (const auto* b = std::get_if<protocol::Bid>(&*message)) bid = *b;
  }
  ASSERT_TRUE(bid.has_value()) << read_file(cluster.path("agent.log"));
  EXPECT_EQ(bid->solve, 3u);
  EXPECT_EQ(bid->round, 1u);
  EXPECT_EQ(bid->counts, expected.counts);
  EXPECT_DOUBLE_EQ(bid->value, expected.value);
  EXPECT_DOUBLE_EQ(bid->lower_bound, expected.lower_bound);
  EXPECT_TRUE(agent.running());
  EXPECT_NE(read_file(cluster.path("agent.log")).find("dropped message"), std::string::npos);
}

}  // namespace
}  // namespace berth::testing
