#include "agent/agent_core.hpp"

#include <algorithm>

#include "common/optimizer/local.hpp"
#include "common/protocol/codec.hpp"

namespace berth::agent {
namespace {

// Heartbeat periods the coordinator may ask for; anything else is clamped, since a
// period of 0 would spin the agent and one of hours would get it marked lost.
constexpr std::chrono::milliseconds kMinHeartbeat{10};
constexpr std::chrono::milliseconds kMaxHeartbeat{60000};

Received dropped(std::string why) {
  Received result;
  result.dropped = std::move(why);
  return result;
}

}  // namespace

AgentCore::AgentCore(protocol::NodeReport report, AgentCoreOptions options)
    : report_(std::move(report)),
      options_(options),
      heartbeat_(options.heartbeat),
      register_retry_(options.first_register_retry) {}

std::vector<protocol::Message> AgentCore::tick(TimePoint now) {
  std::vector<protocol::Message> out;
  if (!started_) {
    started_ = true;
    last_heard_ = now;
    next_tick_ = now;
  }
  if (registered_ && now - last_heard_ > options_.silent_periods * heartbeat_) forget_registration(now);
  if (now < next_tick_) return out;
  if (registered_) {
    out.emplace_back(protocol::Heartbeat{.incarnation = incarnation_, .report = report_});
    next_tick_ = now + heartbeat_;
  } else {
    out.emplace_back(protocol::Register{.report = report_});
    next_tick_ = now + std::min(register_retry_, heartbeat_);
    register_retry_ = std::min(2 * register_retry_, heartbeat_);
  }
  return out;
}

Received AgentCore::receive(std::string_view payload, TimePoint now) {
  auto message = protocol::decode(payload);
  if (!message) return dropped("decode: " + message.error().message);
  return handle(*message, now);
}

Received AgentCore::handle(const protocol::Message& message, TimePoint now) {
  Received result;
  if (const auto* ack = std::get_if<protocol::RegisterAck>(&message)) {
    last_heard_ = now;
    registered_ = true;
    // Solve ids start again with each coordinator incarnation: forget the old ones.
    if (ack->incarnation != incarnation_) solves_.clear();
    incarnation_ = ack->incarnation;
    heartbeat_ = std::clamp(std::chrono::milliseconds(ack->heartbeat_ms), kMinHeartbeat, kMaxHeartbeat);
    next_tick_ = now + heartbeat_;
  } else if (const auto* heartbeat_ack = std::get_if<protocol::HeartbeatAck>(&message)) {
    last_heard_ = now;
    if (!heartbeat_ack->known || heartbeat_ack->incarnation != incarnation_) forget_registration(now);
  } else if (const auto* subproblem = std::get_if<protocol::Subproblem>(&message)) {
    last_heard_ = now;
    if (subproblem->services.size() != subproblem->problem.items.size())
      return dropped("subproblem " + std::to_string(subproblem->solve) + ": services and items differ");
    std::erase_if(solves_, [&](const KnownSolve& known) { return known.solve == subproblem->solve; });
    solves_.push_back({subproblem->solve, *subproblem});
    while (solves_.size() > options_.kept_solves) solves_.pop_front();
  } else if (const auto* prices = std::get_if<protocol::Prices>(&message)) {
    last_heard_ = now;
    return answer(*prices);
  } else if (const auto* target = std::get_if<protocol::Target>(&message)) {
    last_heard_ = now;
    std::map<std::string, std::int32_t> running;
    for (const protocol::TargetService& service : target->services)
      if (service.replicas > 0) running[service.service] += service.replicas;
    report_.running = std::move(running);
    target_ = *target;
    result.target_changed = true;
  } else {
    return dropped(std::string("unexpected ") + protocol::type_name(message) + " from the coordinator");
  }
  return result;
}

Received AgentCore::answer(const protocol::Prices& prices) {
  const auto known = std::find_if(solves_.begin(), solves_.end(),
                                  [&](const KnownSolve& k) { return k.solve == prices.solve; });
  if (known == solves_.end())
    return dropped("prices for solve " + std::to_string(prices.solve) + " without its subproblem");
  optimizer::LocalProblem& problem = known->subproblem.problem;
  if (prices.prices.size() != problem.items.size())
    return dropped("prices for solve " + std::to_string(prices.solve) + " have " +
                       std::to_string(prices.prices.size()) + " entries for " +
                       std::to_string(problem.items.size()) + " items");
  for (std::size_t i = 0; i < problem.items.size(); ++i) problem.items[i].price = prices.prices[i];
  problem.bound_direction = prices.direction;
  const optimizer::LocalAnswer local = optimizer::solve_local(problem, {.want_answer = !prices.bound_only});
  ++bids_sent_;
  Received result;
  result.send.emplace_back(protocol::Bid{.solve = prices.solve,
                                         .round = prices.round,
                                         .counts = local.counts,
                                         .value = local.value,
                                         .lower_bound = local.lower_bound,
                                         .exact = local.exact,
                                         .bound_direction = local.bound_direction});
  return result;
}

void AgentCore::forget_registration(TimePoint now) {
  registered_ = false;
  register_retry_ = options_.first_register_retry;
  next_tick_ = now;  // register at once
}

}  // namespace berth::agent
