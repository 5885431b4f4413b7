#include "coordinator/rounds/round_collector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/optimizer/local.hpp"
#include "common/protocol/messages.hpp"

namespace berth::coordinator {
namespace {

constexpr std::uint64_t kSolve = 12;
constexpr std::uint64_t kRound = 4;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Two dimensions (cpu millis, memory MiB), two services at this round's prices. Together
// the limits do not fit the capacity: {3, 2} needs 7000 cpu of 4000.
optimizer::LocalProblem a_class_problem(double price0, double price1) {
  optimizer::LocalProblem lp;
  lp.dims = 2;
  lp.capacity = {4000, 8192};
  lp.demand = {1000, 1024,
               2000, 2048};
  lp.items.resize(2);
  lp.items[0].service = 0;
  lp.items[0].limit = 3;
  lp.items[0].price = price0;
  lp.items[1].service = 1;
  lp.items[1].limit = 2;
  lp.items[1].price = price1;
  lp.fixed_cost = 1.0;
  lp.migration_weight = 1.0;
  lp.conflicts = {{}, {}};
  lp.prefers = {{}, {}};
  lp.preferred_by = {{}, {}};
  lp.unmet_preferences = {0, 0};
  return lp;
}

// Class 0 asks n1 and n2, class 1 asks n3, class 2 nobody (the coordinator solves it).
struct Round {
  std::vector<optimizer::LocalProblem> problems = {a_class_problem(3.0, 2.5), a_class_problem(1.5, 4.0),
                                                   a_class_problem(2.0, 2.0)};
  std::vector<std::vector<std::string>> bidders = {{"n1", "n2"}, {"n3"}, {}};
};

protocol::Bid a_bid(const optimizer::LocalAnswer& answer, std::uint64_t solve = kSolve, std::uint64_t round = kRound) {
  protocol::Bid bid;
  bid.solve = solve;
  bid.round = round;
  bid.counts = answer.counts;
  bid.value = answer.value;
  bid.lower_bound = answer.lower_bound;
  bid.exact = answer.exact;
  bid.bound_direction = answer.bound_direction;
  return bid;
}

// What an honest agent of class `c` sends.
protocol::Bid the_bid_of(const Round& round, std::size_t c) { return a_bid(optimizer::solve_local(round.problems[c])); }

// A possible but not optimal answer: nothing hosted.
protocol::Bid an_empty_bid(const Round& round, std::size_t c) {
  optimizer::LocalAnswer answer;
  answer.counts = {0, 0};
  answer.value = optimizer::local_cost(round.problems[c], answer.counts);
  answer.lower_bound = answer.value - 5.0;
  return a_bid(answer);
}

RoundKind full_round() { return RoundKind{.bound_only = false}; }
RoundKind bound_only_round() { return RoundKind{.bound_only = true}; }

TEST(RoundCollector, AcceptsAValidBidFromAnAskedNode) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());

  const BidOutcome outcome = collector.offer("n1", the_bid_of(round, 0));

  EXPECT_EQ(outcome.verdict, BidVerdict::accepted) << outcome.reason;
  EXPECT_EQ(collector.answered(), 1u);
  EXPECT_TRUE(collector.answers()[0].has_value());
  EXPECT_FALSE(collector.answers()[1].has_value());
}

TEST(RoundCollector, IsCompleteOnceEveryClassWithBiddersHasAnswered) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());
  EXPECT_EQ(collector.expected(), 2u);
  EXPECT_FALSE(collector.complete());

  collector.offer("n2", the_bid_of(round, 0));
  EXPECT_FALSE(collector.complete());
  collector.offer("n3", the_bid_of(round, 1));

  EXPECT_TRUE(collector.complete());
  EXPECT_EQ(collector.answered(), 2u);
  ASSERT_EQ(collector.answers().size(), 3u);
  EXPECT_FALSE(collector.answers()[2].has_value());
}

TEST(RoundCollector, ARoundWithoutBiddersIsCompleteAtOnce) {
  const Round round;
  const std::vector<std::vector<std::string>> nobody = {{}, {}, {}};
  const RoundCollector collector(kSolve, kRound, round.problems, nobody, full_round());

  EXPECT_EQ(collector.expected(), 0u);
  EXPECT_TRUE(collector.complete());
}

TEST(RoundCollector, ASecondMemberOfAnAnsweredClassIsADuplicateAndTheFirstAnswerStays) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());
  const protocol::Bid first = the_bid_of(round, 0);
  collector.offer("n1", first);

  const BidOutcome outcome = collector.offer("n2", an_empty_bid(round, 0));

  EXPECT_EQ(outcome.verdict, BidVerdict::duplicate);
  EXPECT_EQ(collector.answered(), 1u);
  ASSERT_TRUE(collector.answers()[0].has_value());
  EXPECT_EQ(collector.answers()[0]->counts, first.counts);
}

TEST(RoundCollector, ABidForAnEarlierRoundOfTheSolveIsLate) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());
  protocol::Bid bid = the_bid_of(round, 0);
  bid.round = kRound - 1;

  EXPECT_EQ(collector.offer("n1", bid).verdict, BidVerdict::late);
  EXPECT_EQ(collector.answered(), 0u);
}

TEST(RoundCollector, ABidForAnotherSolveIsFromAnotherRound) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());
  protocol::Bid older_solve = the_bid_of(round, 0);
  older_solve.solve = kSolve - 1;
  older_solve.round = kRound - 1;
  protocol::Bid newer_solve = the_bid_of(round, 0);
  newer_solve.solve = kSolve + 1;

  const BidOutcome older = collector.offer("n1", older_solve);
  const BidOutcome newer = collector.offer("n1", newer_solve);

  EXPECT_EQ(older.verdict, BidVerdict::other_round);
  EXPECT_EQ(newer.verdict, BidVerdict::other_round);
  EXPECT_NE(newer.reason.find("solve 13"), std::string::npos) << newer.reason;
  EXPECT_EQ(collector.answered(), 0u);
}

TEST(RoundCollector, ABidForARoundNotYetOpenedIsFromAnotherRound) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());
  protocol::Bid bid = the_bid_of(round, 0);
  bid.round = kRound + 1;

  const BidOutcome outcome = collector.offer("n1", bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::other_round);
  EXPECT_FALSE(outcome.reason.empty());
  EXPECT_EQ(collector.answered(), 0u);
}

TEST(RoundCollector, ABidFromANodeNotAskedIsFromAnUnknownSender) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());

  EXPECT_EQ(collector.offer("n9", the_bid_of(round, 0)).verdict, BidVerdict::unknown_sender);
  EXPECT_EQ(collector.answered(), 0u);
}

// Offers `bid` from n1 (class 0) and returns the outcome; an invalid bid leaves the class open.
BidOutcome offered_to_class_0(protocol::Bid bid, RoundKind kind = full_round()) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, kind);
  BidOutcome outcome = collector.offer("n1", bid);
  if (outcome.verdict == BidVerdict::invalid) {
    EXPECT_EQ(collector.answered(), 0u);
    EXPECT_FALSE(collector.answers()[0].has_value());
    EXPECT_EQ(collector.offer("n2", the_bid_of(round, 0)).verdict, BidVerdict::accepted)
        << "an invalid bid closed its class";
  }
  return outcome;
}

TEST(RoundCollector, ABidWithTheWrongNumberOfCountsIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.counts.push_back(0);

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_NE(outcome.reason.find("3 counts for 2 items"), std::string::npos) << outcome.reason;
}

TEST(RoundCollector, ACountAboveTheItemsLimitIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.counts = {4, 0};

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_NE(outcome.reason.find("count 4 of item 0"), std::string::npos) << outcome.reason;
}

TEST(RoundCollector, ANegativeCountIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.counts = {0, -1};

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_NE(outcome.reason.find("count -1 of item 1"), std::string::npos) << outcome.reason;
}

TEST(RoundCollector, CountsThatDoNotFitTheCapacityAreInvalid) {
  const Round round;
  const std::vector<std::int32_t> too_much = {3, 2};  // 7000 cpu on a 4000 node
  ASSERT_EQ(optimizer::local_cost(round.problems[0], too_much), kInfinity);
  protocol::Bid bid = the_bid_of(round, 0);
  bid.counts = too_much;
  bid.value = -100;
  bid.lower_bound = -100;

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_NE(outcome.reason.find("do not fit"), std::string::npos) << outcome.reason;
}

TEST(RoundCollector, AValueThatIsNotTheCountsCostMinusEarningsIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.value -= 1.0;
  bid.lower_bound = bid.value - 1.0;

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_NE(outcome.reason.find("is not the counts'"), std::string::npos) << outcome.reason;
}

TEST(RoundCollector, AValueOffOnlyByRoundingIsAccepted) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.value += 1e-9;

  EXPECT_EQ(offered_to_class_0(bid).verdict, BidVerdict::accepted);
}

TEST(RoundCollector, ANonFiniteValueIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.value = std::numeric_limits<double>::quiet_NaN();

  EXPECT_EQ(offered_to_class_0(bid).verdict, BidVerdict::invalid);
}

TEST(RoundCollector, ANonFiniteLowerBoundIsInvalid) {
  const Round round;
  protocol::Bid nan_bound = the_bid_of(round, 0);
  nan_bound.lower_bound = std::numeric_limits<double>::quiet_NaN();
  protocol::Bid infinite_bound = the_bid_of(round, 0);
  infinite_bound.lower_bound = -kInfinity;

  const BidOutcome nan_outcome = offered_to_class_0(nan_bound);
  const BidOutcome infinite_outcome = offered_to_class_0(infinite_bound);

  EXPECT_EQ(nan_outcome.verdict, BidVerdict::invalid);
  EXPECT_EQ(nan_outcome.reason, "non-finite bound");
  EXPECT_EQ(infinite_outcome.verdict, BidVerdict::invalid);
  EXPECT_EQ(infinite_outcome.reason, "non-finite bound");
}

TEST(RoundCollector, ANonFiniteBoundDirectionIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.bound_direction = {1.0, kInfinity};

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_EQ(outcome.reason, "non-finite bound");
}

TEST(RoundCollector, ALowerBoundAboveTheValueIsInvalid) {
  const Round round;
  protocol::Bid bid = the_bid_of(round, 0);
  bid.lower_bound = bid.value + 1.0;

  const BidOutcome outcome = offered_to_class_0(bid);

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_EQ(outcome.reason, "lower bound above the value");
}

TEST(RoundCollector, ABoundOnlyRoundAcceptsAnyCountsWithAFiniteBound) {
  protocol::Bid bid;
  bid.solve = kSolve;
  bid.round = kRound;
  bid.counts = {99, -5, 7};  // neither the right length, nor within limits, nor fitting
  bid.value = 1e6;
  bid.lower_bound = -3.5;

  const BidOutcome outcome = offered_to_class_0(bid, bound_only_round());

  EXPECT_EQ(outcome.verdict, BidVerdict::accepted) << outcome.reason;
}

TEST(RoundCollector, ABoundOnlyRoundAcceptsABoundAboveTheValue) {
  protocol::Bid bid;
  bid.solve = kSolve;
  bid.round = kRound;
  bid.value = 0;
  bid.lower_bound = 10;

  EXPECT_EQ(offered_to_class_0(bid, bound_only_round()).verdict, BidVerdict::accepted);
}

TEST(RoundCollector, ABoundOnlyRoundRefusesANonFiniteBound) {
  protocol::Bid bid;
  bid.solve = kSolve;
  bid.round = kRound;
  bid.lower_bound = kInfinity;

  const BidOutcome outcome = offered_to_class_0(bid, bound_only_round());

  EXPECT_EQ(outcome.verdict, BidVerdict::invalid);
  EXPECT_EQ(outcome.reason, "non-finite bound");
}

TEST(RoundCollector, AnAcceptedBidsAnswerIsWhatWasSent) {
  const Round round;
  RoundCollector collector(kSolve, kRound, round.problems, round.bidders, full_round());
  const protocol::Bid bid = the_bid_of(round, 1);
  ASSERT_NE(bid.counts, (std::vector<std::int32_t>{0, 0}));

  ASSERT_EQ(collector.offer("n3", bid).verdict, BidVerdict::accepted);

  ASSERT_TRUE(collector.answers()[1].has_value());
  const optimizer::LocalAnswer& answer = *collector.answers()[1];
  EXPECT_EQ(answer.counts, bid.counts);
  EXPECT_EQ(answer.value, bid.value);
  EXPECT_EQ(answer.lower_bound, bid.lower_bound);
  EXPECT_EQ(answer.exact, bid.exact);
  EXPECT_EQ(answer.bound_direction, bid.bound_direction);
}

TEST(RoundCollector, ANonOptimalButPossibleAnswerIsAccepted) {
  const Round round;
  const BidOutcome outcome = offered_to_class_0(an_empty_bid(round, 0));

  EXPECT_EQ(outcome.verdict, BidVerdict::accepted) << outcome.reason;
}

TEST(RoundCollector, VerdictsHaveTheirNames) {
  EXPECT_STREQ(to_string(BidVerdict::accepted), "accepted");
  EXPECT_STREQ(to_string(BidVerdict::duplicate), "duplicate");
  EXPECT_STREQ(to_string(BidVerdict::late), "late");
  EXPECT_STREQ(to_string(BidVerdict::other_round), "other_round");
  EXPECT_STREQ(to_string(BidVerdict::unknown_sender), "unknown_sender");
  EXPECT_STREQ(to_string(BidVerdict::invalid), "invalid");
}

}  // namespace
}  // namespace berth::coordinator
