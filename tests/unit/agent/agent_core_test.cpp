#include "agent/agent_core.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/optimizer/local.hpp"
#include "common/protocol/codec.hpp"
#include "common/protocol/messages.hpp"

namespace berth::agent {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;

// An arbitrary start: the core must not care what the clock reads, only how it moves.
const TimePoint kStart = TimePoint{} + 1h;

protocol::NodeReport a_report() {
  protocol::NodeReport report;
  report.node = "n1";
  report.capacity = {{"cpu", 4000}, {"memory", 8 * kGiB}};
  report.labels = {{"zone", "a"}};
  report.cost = 2.0;
  return report;
}

// Type names of what the core sent, in order: readable when a test fails.
std::vector<std::string> names(const std::vector<protocol::Message>& messages) {
  std::vector<std::string> result;
  for (const protocol::Message& message : messages) result.emplace_back(protocol::type_name(message));
  return result;
}

template <typename T>
std::optional<T> single(const std::vector<protocol::Message>& messages) {
  if (messages.size() != 1) return std::nullopt;
  if (const T* message = std::get_if<T>(&messages[0])) return *message;
  return std::nullopt;
}

protocol::RegisterAck an_ack(std::uint64_t incarnation, std::int64_t heartbeat_ms) {
  protocol::RegisterAck ack;
  ack.incarnation = incarnation;
  ack.heartbeat_ms = heartbeat_ms;
  return ack;
}

protocol::HeartbeatAck a_heartbeat_ack(std::uint64_t incarnation, bool known) {
  protocol::HeartbeatAck ack;
  ack.incarnation = incarnation;
  ack.known = known;
  return ack;
}

// Two dimensions (cpu millis, memory MiB), three services, the second and third in conflict.
optimizer::LocalProblem a_small_problem() {
  optimizer::LocalProblem lp;
  lp.dims = 2;
  lp.capacity = {4000, 8192};
  lp.demand = {1000, 2048,   // web
               2000, 1024,   // db
               500, 4096};   // cache
  lp.items.resize(3);
  const std::int32_t limits[] = {3, 1, 2};
  for (std::size_t i = 0; i < lp.items.size(); ++i) {
    lp.items[i].service = static_cast<std::uint32_t>(i);
    lp.items[i].limit = limits[i];
  }
  lp.items[0].running = 1;
  lp.fixed_cost = 1.0;
  lp.migration_weight = 1.0;
  lp.colocation_weight = 0.1;
  lp.conflicts = {{}, {2}, {1}};
  lp.prefers = {{}, {}, {}};
  lp.preferred_by = {{}, {}, {}};
  lp.unmet_preferences = {0, 0, 0};
  return lp;
}

// Too many answers to enumerate (101 × 101 > 4096), so solve_local's answer and bound-only
// paths differ.
optimizer::LocalProblem a_large_problem() {
  optimizer::LocalProblem lp;
  lp.dims = 2;
  lp.capacity = {40000, 80000};
  lp.demand = {500, 1000,
               1000, 500};
  lp.items.resize(2);
  for (std::size_t i = 0; i < lp.items.size(); ++i) {
    lp.items[i].service = static_cast<std::uint32_t>(i);
    lp.items[i].limit = 100;
  }
  lp.fixed_cost = 1.0;
  lp.migration_weight = 1.0;
  lp.conflicts = {{}, {}};
  lp.prefers = {{}, {}};
  lp.preferred_by = {{}, {}};
  lp.unmet_preferences = {0, 0};
  return lp;
}

protocol::Subproblem a_subproblem(std::uint64_t solve, const optimizer::LocalProblem& lp) {
  protocol::Subproblem subproblem;
  subproblem.solve = solve;
  for (std::size_t i = 0; i < lp.items.size(); ++i) subproblem.services.push_back("s" + std::to_string(i));
  subproblem.problem = lp;
  return subproblem;
}

protocol::Prices some_prices(std::uint64_t solve, std::uint64_t round, std::vector<double> prices) {
  protocol::Prices message;
  message.solve = solve;
  message.round = round;
  message.deadline_ms = 500;
  message.prices = std::move(prices);
  return message;
}

optimizer::LocalProblem priced(optimizer::LocalProblem lp, const std::vector<double>& prices) {
  for (std::size_t i = 0; i < lp.items.size(); ++i) lp.items[i].price = prices[i];
  return lp;
}

// A core that registered at kStart with incarnation 7 and the given heartbeat period.
AgentCore a_registered_core(std::int64_t heartbeat_ms = 100, AgentCoreOptions options = {}) {
  AgentCore core(a_report(), options);
  core.tick(kStart);
  core.handle(an_ack(7, heartbeat_ms), kStart);
  return core;
}

TEST(AgentCore, FirstTickSendsRegisterWithTheNodeReport) {
  AgentCore core(a_report());

  const auto sent = single<protocol::Register>(core.tick(kStart));

  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->report, a_report());
  EXPECT_FALSE(core.registered());
}

TEST(AgentCore, ResendsAnUnansweredRegisterBackingOffToThePeriod) {
  AgentCoreOptions options;
  options.heartbeat = 300ms;
  options.first_register_retry = 50ms;
  AgentCore core(a_report(), options);
  core.tick(kStart);

  // 50, 100, 200 ms apart, then every period.
  EXPECT_EQ(names(core.tick(kStart + 49ms)), std::vector<std::string>{});
  EXPECT_EQ(names(core.tick(kStart + 50ms)), std::vector<std::string>{"register"});
  EXPECT_EQ(names(core.tick(kStart + 149ms)), std::vector<std::string>{});
  EXPECT_EQ(names(core.tick(kStart + 150ms)), std::vector<std::string>{"register"});
  EXPECT_EQ(names(core.tick(kStart + 350ms)), std::vector<std::string>{"register"});
  EXPECT_EQ(core.next_tick(), kStart + 650ms);
  EXPECT_EQ(names(core.tick(kStart + 650ms)), std::vector<std::string>{"register"});
  EXPECT_EQ(core.next_tick(), kStart + 950ms);
}

TEST(AgentCore, TheRegisterBackoffStartsOverAfterTheCoordinatorIsLost) {
  AgentCoreOptions options;
  options.heartbeat = 100ms;
  options.first_register_retry = 10ms;
  AgentCore core(a_report(), options);
  core.tick(kStart);
  core.tick(kStart + 10ms);
  core.tick(kStart + 30ms);
  core.tick(kStart + 70ms);  // the retry has reached the period
  core.handle(an_ack(7, 100), kStart + 80ms);
  core.handle(a_heartbeat_ack(8, true), kStart + 90ms);  // another incarnation: register again

  EXPECT_EQ(names(core.tick(kStart + 90ms)), std::vector<std::string>{"register"});
  EXPECT_EQ(core.next_tick(), kStart + 100ms);
}

TEST(AgentCore, RegisterAckArmsAHeartbeatAfterTheAckedPeriod) {
  AgentCore core(a_report());
  core.tick(kStart);
  const TimePoint acked = kStart + 30ms;

  const Received reply = core.handle(an_ack(7, 200), acked);

  EXPECT_TRUE(reply.send.empty());
  EXPECT_FALSE(reply.dropped.has_value());
  EXPECT_TRUE(core.registered());
  EXPECT_EQ(core.incarnation(), 7u);
  EXPECT_EQ(core.heartbeat_period(), 200ms);
  EXPECT_EQ(core.next_tick(), acked + 200ms);
}

TEST(AgentCore, SendsNoHeartbeatBeforeThePeriodIsUp) {
  AgentCore core = a_registered_core(200);

  EXPECT_EQ(names(core.tick(kStart + 1ms)), std::vector<std::string>{});
  EXPECT_EQ(names(core.tick(kStart + 199ms)), std::vector<std::string>{});
}

TEST(AgentCore, HeartbeatCarriesTheIncarnationOfTheAckAndTheReport) {
  AgentCore core = a_registered_core(200);

  const auto heartbeat = single<protocol::Heartbeat>(core.tick(kStart + 200ms));

  ASSERT_TRUE(heartbeat.has_value());
  EXPECT_EQ(heartbeat->incarnation, 7u);
  EXPECT_EQ(heartbeat->report, a_report());
  EXPECT_EQ(core.next_tick(), kStart + 400ms);
}

TEST(AgentCore, AZeroHeartbeatPeriodFromTheAckIsClampedToTenMilliseconds) {
  AgentCore core = a_registered_core(0);

  EXPECT_EQ(core.heartbeat_period(), 10ms);
  EXPECT_EQ(names(core.tick(kStart + 9ms)), std::vector<std::string>{});
  EXPECT_EQ(names(core.tick(kStart + 10ms)), std::vector<std::string>{"heartbeat"});
}

TEST(AgentCore, ANegativeHeartbeatPeriodIsClampedToTenMilliseconds) {
  AgentCore core = a_registered_core(-5000);

  EXPECT_EQ(core.heartbeat_period(), 10ms);
}

TEST(AgentCore, AnHourLongHeartbeatPeriodIsClampedToOneMinute) {
  AgentCore core = a_registered_core(3600 * 1000);

  EXPECT_EQ(core.heartbeat_period(), 60000ms);
  EXPECT_EQ(core.next_tick(), kStart + 60000ms);
}

TEST(AgentCore, AHeartbeatAckOfTheSameIncarnationKeepsTheAgentRegistered) {
  AgentCore core = a_registered_core(100);
  core.tick(kStart + 100ms);

  const Received reply = core.handle(a_heartbeat_ack(7, true), kStart + 110ms);

  EXPECT_TRUE(reply.send.empty());
  EXPECT_TRUE(core.registered());
  EXPECT_EQ(names(core.tick(kStart + 110ms)), std::vector<std::string>{});
  EXPECT_EQ(names(core.tick(kStart + 200ms)), std::vector<std::string>{"heartbeat"});
}

TEST(AgentCore, HeartbeatAckWithKnownFalseMakesTheAgentRegisterAtOnce) {
  AgentCore core = a_registered_core(100);
  core.tick(kStart + 100ms);
  const TimePoint now = kStart + 110ms;

  core.handle(a_heartbeat_ack(7, false), now);

  EXPECT_FALSE(core.registered());
  EXPECT_EQ(core.next_tick(), now);
  const auto sent = single<protocol::Register>(core.tick(now));
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->report, a_report());
}

TEST(AgentCore, HeartbeatAckFromAnotherIncarnationMakesTheAgentRegisterAtOnce) {
  AgentCore core = a_registered_core(100);
  core.tick(kStart + 100ms);
  const TimePoint now = kStart + 110ms;

  core.handle(a_heartbeat_ack(8, true), now);

  EXPECT_FALSE(core.registered());
  EXPECT_EQ(names(core.tick(now)), std::vector<std::string>{"register"});
}

TEST(AgentCore, ReRegistersWithTheNewIncarnationAfterACoordinatorRestart) {
  AgentCore core = a_registered_core(100);
  core.handle(a_heartbeat_ack(8, true), kStart + 110ms);
  core.tick(kStart + 110ms);

  core.handle(an_ack(8, 100), kStart + 120ms);

  const auto heartbeat = single<protocol::Heartbeat>(core.tick(kStart + 220ms));
  ASSERT_TRUE(heartbeat.has_value());
  EXPECT_EQ(heartbeat->incarnation, 8u);
}

TEST(AgentCore, SilenceForThreePeriodsMakesTheAgentRegisterAgain) {
  AgentCore core = a_registered_core(100);

  // Heartbeats go out unanswered; three periods of silence are still tolerated.
  EXPECT_EQ(names(core.tick(kStart + 100ms)), std::vector<std::string>{"heartbeat"});
  EXPECT_EQ(names(core.tick(kStart + 200ms)), std::vector<std::string>{"heartbeat"});
  EXPECT_EQ(names(core.tick(kStart + 300ms)), std::vector<std::string>{"heartbeat"});
  EXPECT_TRUE(core.registered());

  EXPECT_EQ(names(core.tick(kStart + 301ms)), std::vector<std::string>{"register"});
  EXPECT_FALSE(core.registered());
}

TEST(AgentCore, HearingFromTheCoordinatorResetsTheSilence) {
  AgentCore core = a_registered_core(100);
  core.tick(kStart + 100ms);
  core.tick(kStart + 200ms);
  core.handle(a_heartbeat_ack(7, true), kStart + 250ms);

  EXPECT_EQ(names(core.tick(kStart + 400ms)), std::vector<std::string>{"heartbeat"});
  EXPECT_EQ(names(core.tick(kStart + 550ms)), std::vector<std::string>{"heartbeat"});
  EXPECT_TRUE(core.registered());
}

TEST(AgentCore, PricesForAnUnknownSolveAreDroppedWithAReason) {
  AgentCore core = a_registered_core();
  core.handle(a_subproblem(5, a_small_problem()), kStart);

  const Received reply = core.handle(some_prices(9, 1, {3.0, 2.0, 1.0}), kStart + 1ms);

  EXPECT_TRUE(reply.send.empty());
  ASSERT_TRUE(reply.dropped.has_value());
  EXPECT_NE(reply.dropped->find("solve 9"), std::string::npos) << *reply.dropped;
  EXPECT_EQ(core.bids_sent(), 0u);
}

TEST(AgentCore, PricesWithAWrongNumberOfEntriesAreDropped) {
  AgentCore core = a_registered_core();
  core.handle(a_subproblem(5, a_small_problem()), kStart);

  const Received reply = core.handle(some_prices(5, 1, {3.0, 2.0}), kStart + 1ms);

  EXPECT_TRUE(reply.send.empty());
  ASSERT_TRUE(reply.dropped.has_value());
  EXPECT_NE(reply.dropped->find("2 entries for 3 items"), std::string::npos) << *reply.dropped;
  EXPECT_EQ(core.bids_sent(), 0u);
}

TEST(AgentCore, ASubproblemWhoseServicesAndItemsDifferIsDropped) {
  AgentCore core = a_registered_core();
  protocol::Subproblem subproblem = a_subproblem(5, a_small_problem());
  subproblem.services.pop_back();

  const Received dropped = core.handle(subproblem, kStart);
  const Received reply = core.handle(some_prices(5, 1, {3.0, 2.0, 1.0}), kStart + 1ms);

  EXPECT_TRUE(dropped.dropped.has_value());
  EXPECT_TRUE(reply.send.empty());
  EXPECT_TRUE(reply.dropped.has_value());
}

TEST(AgentCore, PricesAreAnsweredWithTheBidSolveLocalFindsAtThosePrices) {
  AgentCore core = a_registered_core();
  const optimizer::LocalProblem lp = a_small_problem();
  const std::vector<double> prices = {3.0, 4.0, 2.5};
  core.handle(a_subproblem(5, lp), kStart);

  const Received reply = core.handle(some_prices(5, 2, prices), kStart + 1ms);

  const optimizer::LocalAnswer expected = optimizer::solve_local(priced(lp, prices));
  // At these prices hosting pays: the answer is not the empty one, so prices were applied.
  ASSERT_NE(expected.counts, (std::vector<std::int32_t>{0, 0, 0}));
  EXPECT_FALSE(reply.dropped.has_value());
  const auto bid = single<protocol::Bid>(reply.send);
  ASSERT_TRUE(bid.has_value());
  EXPECT_EQ(bid->solve, 5u);
  EXPECT_EQ(bid->round, 2u);
  EXPECT_EQ(bid->counts, expected.counts);
  EXPECT_DOUBLE_EQ(bid->value, expected.value);
  EXPECT_DOUBLE_EQ(bid->lower_bound, expected.lower_bound);
  EXPECT_EQ(bid->exact, expected.exact);
  EXPECT_EQ(core.bids_sent(), 1u);
}

TEST(AgentCore, EachRoundIsAnsweredAtItsOwnPrices) {
  AgentCore core = a_registered_core();
  const optimizer::LocalProblem lp = a_small_problem();
  core.handle(a_subproblem(5, lp), kStart);
  core.handle(some_prices(5, 1, {3.0, 4.0, 2.5}), kStart + 1ms);

  const Received reply = core.handle(some_prices(5, 2, {0.0, 0.0, 0.0}), kStart + 2ms);

  const optimizer::LocalAnswer expected = optimizer::solve_local(priced(lp, {0.0, 0.0, 0.0}));
  const auto bid = single<protocol::Bid>(reply.send);
  ASSERT_TRUE(bid.has_value());
  EXPECT_EQ(bid->counts, expected.counts);
  EXPECT_DOUBLE_EQ(bid->value, expected.value);
  EXPECT_EQ(core.bids_sent(), 2u);
}

TEST(AgentCore, BoundOnlyPricesAreAnsweredWithoutAnAnswer) {
  AgentCore core = a_registered_core();
  const optimizer::LocalProblem lp = a_large_problem();
  const std::vector<double> prices = {5.0, 4.0};
  core.handle(a_subproblem(6, lp), kStart);
  protocol::Prices message = some_prices(6, 3, prices);
  message.bound_only = true;
  message.direction = {1.0 / 40000, 1.0 / 80000};

  const Received reply = core.handle(message, kStart + 1ms);

  optimizer::LocalProblem at_prices = priced(lp, prices);
  at_prices.bound_direction = message.direction;
  optimizer::LocalOptions bound_only;
  bound_only.want_answer = false;
  const optimizer::LocalAnswer expected = optimizer::solve_local(at_prices, bound_only);
  const optimizer::LocalAnswer full = optimizer::solve_local(at_prices);
  // The two paths differ here, so the bid shows which one the agent took.
  ASSERT_NE(expected.counts, full.counts);
  const auto bid = single<protocol::Bid>(reply.send);
  ASSERT_TRUE(bid.has_value());
  EXPECT_EQ(bid->round, 3u);
  EXPECT_EQ(bid->counts, expected.counts);
  EXPECT_DOUBLE_EQ(bid->value, expected.value);
  EXPECT_DOUBLE_EQ(bid->lower_bound, expected.lower_bound);
  EXPECT_EQ(bid->bound_direction, expected.bound_direction);
}

TEST(AgentCore, PricesArriveAsBytesAndAreAnswered) {
  AgentCore core = a_registered_core();
  const optimizer::LocalProblem lp = a_small_problem();
  const std::vector<double> prices = {3.0, 4.0, 2.5};
  core.receive(protocol::encode(a_subproblem(5, lp)), kStart);

  const Received reply = core.receive(protocol::encode(some_prices(5, 1, prices)), kStart + 1ms);

  const optimizer::LocalAnswer expected = optimizer::solve_local(priced(lp, prices));
  const auto bid = single<protocol::Bid>(reply.send);
  ASSERT_TRUE(bid.has_value()) << reply.dropped.value_or("");
  EXPECT_EQ(bid->counts, expected.counts);
  EXPECT_DOUBLE_EQ(bid->value, expected.value);
}

TEST(AgentCore, OnlyTheLastKeptSolvesSubproblemsAreRemembered) {
  AgentCoreOptions options;
  options.kept_solves = 2;
  AgentCore core = a_registered_core(100, options);
  for (std::uint64_t solve = 1; solve <= 3; ++solve) core.handle(a_subproblem(solve, a_small_problem()), kStart);

  const Received first = core.handle(some_prices(1, 1, {3.0, 4.0, 2.5}), kStart + 1ms);
  const Received second = core.handle(some_prices(2, 1, {3.0, 4.0, 2.5}), kStart + 2ms);
  const Received third = core.handle(some_prices(3, 1, {3.0, 4.0, 2.5}), kStart + 3ms);

  EXPECT_TRUE(first.send.empty());
  EXPECT_TRUE(first.dropped.has_value());
  ASSERT_TRUE(single<protocol::Bid>(second.send).has_value());
  ASSERT_TRUE(single<protocol::Bid>(third.send).has_value());
  EXPECT_EQ(single<protocol::Bid>(second.send)->solve, 2u);
  EXPECT_EQ(single<protocol::Bid>(third.send)->solve, 3u);
}

TEST(AgentCore, SubproblemsOfAnEarlierCoordinatorIncarnationAreForgotten) {
  AgentCore core = a_registered_core(100);
  core.handle(a_subproblem(1, a_small_problem()), kStart);
  // The coordinator restarted: its solve ids begin again at 1 and mean other problems.
  core.handle(an_ack(core.incarnation() + 1, 100), kStart + 1ms);
  const Received answer = core.handle(some_prices(1, 1, {3.0, 4.0, 2.5}), kStart + 2ms);
  EXPECT_TRUE(answer.send.empty());
  EXPECT_TRUE(answer.dropped.has_value());
}

TEST(AgentCore, ASubproblemSentAgainForTheSameSolveReplacesTheFirst) {
  AgentCoreOptions options;
  options.kept_solves = 2;
  AgentCore core = a_registered_core(100, options);
  core.handle(a_subproblem(1, a_small_problem()), kStart);
  core.handle(a_subproblem(2, a_small_problem()), kStart);
  core.handle(a_subproblem(2, a_large_problem()), kStart);

  // Solve 1 is still kept (the resend took no second slot), and solve 2 has two items now.
  const Received first = core.handle(some_prices(1, 1, {3.0, 4.0, 2.5}), kStart + 1ms);
  const Received second = core.handle(some_prices(2, 1, {3.0, 4.0}), kStart + 2ms);

  EXPECT_TRUE(single<protocol::Bid>(first.send).has_value()) << first.dropped.value_or("");
  EXPECT_TRUE(single<protocol::Bid>(second.send).has_value()) << second.dropped.value_or("");
}

protocol::TargetService a_target_service(const std::string& name, std::int32_t replicas) {
  protocol::TargetService service;
  service.service = name;
  service.replicas = replicas;
  service.image = name + ":1";
  service.request = {{"cpu", 500}};
  return service;
}

TEST(AgentCore, ATargetBecomesWhatTheNodeReportsRunning) {
  AgentCore core = a_registered_core(100);
  protocol::Target target;
  target.solve = 4;
  target.services = {a_target_service("web", 2), a_target_service("db", 0), a_target_service("cache", 1)};

  const Received reply = core.handle(target, kStart + 10ms);

  EXPECT_TRUE(reply.target_changed);
  EXPECT_TRUE(reply.send.empty());
  EXPECT_EQ(core.report().running, (std::map<std::string, std::int32_t>{{"cache", 1}, {"web", 2}}));
  ASSERT_TRUE(core.target().has_value());
  EXPECT_EQ(*core.target(), target);

  const auto heartbeat = single<protocol::Heartbeat>(core.tick(kStart + 100ms));
  ASSERT_TRUE(heartbeat.has_value());
  EXPECT_EQ(heartbeat->report.running, (std::map<std::string, std::int32_t>{{"cache", 1}, {"web", 2}}));
}

TEST(AgentCore, ALaterTargetReplacesWhatTheNodeRuns) {
  protocol::NodeReport report = a_report();
  report.running = {{"old", 3}};
  AgentCore core(report);
  protocol::Target first;
  first.solve = 1;
  first.services = {a_target_service("web", 2)};
  protocol::Target second;
  second.solve = 2;
  second.services = {a_target_service("db", 1)};

  core.handle(first, kStart);
  core.handle(second, kStart + 1ms);

  EXPECT_EQ(core.report().running, (std::map<std::string, std::int32_t>{{"db", 1}}));
  ASSERT_TRUE(core.target().has_value());
  EXPECT_EQ(core.target()->solve, 2u);
}

TEST(AgentCore, GarbageBytesAreDroppedAndChangeNothing) {
  AgentCore core = a_registered_core(100);
  core.handle(a_subproblem(5, a_small_problem()), kStart);
  const TimePoint next = core.next_tick();

  const Received reply = core.receive(std::string("\xff\x00garbage", 9), kStart + 250ms);

  EXPECT_TRUE(reply.dropped.has_value());
  EXPECT_TRUE(reply.send.empty());
  EXPECT_FALSE(reply.target_changed);
  EXPECT_TRUE(core.registered());
  EXPECT_EQ(core.incarnation(), 7u);
  EXPECT_EQ(core.next_tick(), next);
  EXPECT_EQ(core.report(), a_report());
  EXPECT_FALSE(core.target().has_value());
  // Nor does it count as hearing from the coordinator.
  core.tick(kStart + 100ms);
  core.tick(kStart + 200ms);
  core.tick(kStart + 300ms);
  EXPECT_EQ(names(core.tick(kStart + 301ms)), std::vector<std::string>{"register"});
}

TEST(AgentCore, ATruncatedRegisterAckIsDroppedAndChangesNothing) {
  AgentCore core(a_report());
  core.tick(kStart);
  const std::string bytes = protocol::encode(an_ack(9, 50));

  const Received reply = core.receive(bytes.substr(0, bytes.size() - 1), kStart + 1ms);

  EXPECT_TRUE(reply.dropped.has_value());
  EXPECT_TRUE(reply.send.empty());
  EXPECT_FALSE(core.registered());
  EXPECT_EQ(core.incarnation(), 0u);
  EXPECT_EQ(core.heartbeat_period(), 1000ms);
  EXPECT_EQ(core.next_tick(), kStart + AgentCoreOptions{}.first_register_retry);  // the retry as before
}

TEST(AgentCore, ATruncatedTargetIsDroppedAndChangesNothing) {
  AgentCore core = a_registered_core(100);
  protocol::Target target;
  target.solve = 4;
  target.services = {a_target_service("web", 2)};
  const std::string bytes = protocol::encode(target);

  const Received reply = core.receive(bytes.substr(0, bytes.size() / 2), kStart + 1ms);

  EXPECT_TRUE(reply.dropped.has_value());
  EXPECT_FALSE(reply.target_changed);
  EXPECT_FALSE(core.target().has_value());
  EXPECT_EQ(core.report(), a_report());
}

TEST(AgentCore, TheWholeRegisterAckAsBytesRegistersTheAgent) {
  AgentCore core(a_report());
  core.tick(kStart);

  const Received reply = core.receive(protocol::encode(an_ack(9, 50)), kStart + 1ms);

  EXPECT_FALSE(reply.dropped.has_value());
  EXPECT_TRUE(core.registered());
  EXPECT_EQ(core.incarnation(), 9u);
  EXPECT_EQ(core.heartbeat_period(), 50ms);
}

TEST(AgentCore, ABidSentToTheAgentIsDropped) {
  AgentCore core = a_registered_core(100);
  protocol::Bid bid;
  bid.solve = 5;
  bid.round = 1;

  const Received reply = core.handle(bid, kStart + 1ms);

  EXPECT_TRUE(reply.send.empty());
  ASSERT_TRUE(reply.dropped.has_value());
  EXPECT_NE(reply.dropped->find("bid"), std::string::npos) << *reply.dropped;
  EXPECT_EQ(core.bids_sent(), 0u);
  EXPECT_TRUE(core.registered());
}

TEST(AgentCore, AnEncodedHeartbeatOrRegisterSentToTheAgentIsDropped) {
  AgentCore core = a_registered_core(100);
  protocol::Heartbeat heartbeat;
  heartbeat.incarnation = 7;
  heartbeat.report = a_report();
  protocol::Register registration;
  registration.report = a_report();

  const Received first = core.receive(protocol::encode(heartbeat), kStart + 1ms);
  const Received second = core.receive(protocol::encode(registration), kStart + 2ms);

  EXPECT_TRUE(first.dropped.has_value());
  EXPECT_TRUE(first.send.empty());
  EXPECT_TRUE(second.dropped.has_value());
  EXPECT_TRUE(second.send.empty());
  EXPECT_TRUE(core.registered());
}

}  // namespace
}  // namespace berth::agent
