#include "coordinator/rounds/round_collector.hpp"

#include <algorithm>
#include <cmath>

namespace berth::coordinator {
namespace {

// How far a bid's value may be from the cost the coordinator computes for its counts:
// both sides run the same code, so this only absorbs a different order of additions.
constexpr double kValueTolerance = 1e-6;

bool all_finite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

}  // namespace

const char* to_string(BidVerdict verdict) {
  switch (verdict) {
    case BidVerdict::accepted: return "accepted";
    case BidVerdict::duplicate: return "duplicate";
    case BidVerdict::late: return "late";
    case BidVerdict::other_round: return "other_round";
    case BidVerdict::unknown_sender: return "unknown_sender";
    case BidVerdict::invalid: return "invalid";
  }
  return "unknown";
}

RoundCollector::RoundCollector(std::uint64_t solve, std::uint64_t round,
                               const std::vector<optimizer::LocalProblem>& problems,
                               const std::vector<std::vector<std::string>>& bidders, RoundKind kind)
    : solve_(solve), round_(round), problems_(problems), kind_(kind), answers_(problems.size()) {
  for (std::size_t c = 0; c < bidders.size() && c < problems.size(); ++c) {
    if (!bidders[c].empty()) ++expected_;
    for (const std::string& node : bidders[c]) class_of_sender_.emplace(node, c);
  }
}

BidOutcome RoundCollector::offer(const std::string& sender, const protocol::Bid& bid) {
  if (bid.solve == solve_ && bid.round < round_) return {BidVerdict::late};
  if (bid.solve != solve_ || bid.round != round_)
    return {BidVerdict::other_round, "bid for solve " + std::to_string(bid.solve) + " round " +
                                         std::to_string(bid.round) + ", open is solve " + std::to_string(solve_) +
                                         " round " + std::to_string(round_)};
  const auto it = class_of_sender_.find(sender);
  if (it == class_of_sender_.end()) return {BidVerdict::unknown_sender};
  const std::size_t c = it->second;
  if (answers_[c]) return {BidVerdict::duplicate};
  if (std::string reason = check(problems_[c], bid); !reason.empty()) return {BidVerdict::invalid, reason};
  answers_[c] = optimizer::LocalAnswer{.counts = bid.counts,
                                       .value = bid.value,
                                       .lower_bound = bid.lower_bound,
                                       .exact = bid.exact,
                                       .bound_direction = bid.bound_direction};
  ++answered_;
  return {BidVerdict::accepted};
}

std::string RoundCollector::check(const optimizer::LocalProblem& problem, const protocol::Bid& bid) const {
  if (!std::isfinite(bid.lower_bound) || !all_finite(bid.bound_direction)) return "non-finite bound";
  // A bound-only round reads nothing but the bound; whatever counts come along are unused.
  if (kind_.bound_only) return "";
  if (bid.counts.size() != problem.items.size())
    return std::to_string(bid.counts.size()) + " counts for " + std::to_string(problem.items.size()) + " items";
  double earnings = 0;
  for (std::size_t i = 0; i < problem.items.size(); ++i) {
    if (bid.counts[i] < 0 || bid.counts[i] > problem.items[i].limit)
      return "count " + std::to_string(bid.counts[i]) + " of item " + std::to_string(i) + " outside 0.." +
             std::to_string(problem.items[i].limit);
    earnings += problem.items[i].price * bid.counts[i];
  }
  const double cost = optimizer::local_cost(problem, bid.counts);
  if (!std::isfinite(cost)) return "the counts do not fit the node";
  const double value = cost - earnings;
  if (!std::isfinite(bid.value) || std::abs(value - bid.value) > kValueTolerance * std::max(1.0, std::abs(value)))
    return "value " + std::to_string(bid.value) + " is not the counts' " + std::to_string(value);
  if (bid.lower_bound > bid.value + kValueTolerance * std::max(1.0, std::abs(bid.value)))
    return "lower bound above the value";
  return "";
}

}  // namespace berth::coordinator
