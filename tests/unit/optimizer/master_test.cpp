#include "common/optimizer/master.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berth::optimizer {
namespace {

TEST(Master, DualValueAddsPricesTimesDemandAndTheNodesBounds) {
  // L = Σ λ r + Σ min(0, P − λ) r + Σ local bounds = 2·3 + 1·4 + (−5) = 5.
  const Master master({3, 4}, {100.0, 100.0}, {2.0, 1.0});
  EXPECT_DOUBLE_EQ(master.dual_value({.supply = {0, 0}, .local_bound_sum = -5.0}), 5.0);
}

TEST(Master, PricesAboveThePenaltyEarnNothingMore) {
  // λ = 12 > P = 10: the unplaced slot caps it, L = 12·2 + (10 − 12)·2 = 20 = P·r.
  const Master master({2}, {10.0}, {12.0});
  EXPECT_DOUBLE_EQ(master.dual_value({.supply = {0}, .local_bound_sum = 0.0}), 20.0);
}

TEST(Master, RaisesThePriceOfWhatIsShortAndLowersWhatIsOversupplied) {
  Master master({4, 4}, {100.0, 100.0}, {1.0, 1.0});
  const RoundTotals totals{.supply = {0, 10}, .local_bound_sum = 0.0};
  master.update(totals, master.dual_value(totals), 20.0);
  EXPECT_GT(master.prices()[0], 1.0);
  EXPECT_LT(master.prices()[1], 1.0);
}

TEST(Master, KeepsPricesWithinThePenalties) {
  Master master({1000}, {5.0}, {4.0});
  const RoundTotals totals{.supply = {0}, .local_bound_sum = 0.0};
  master.update(totals, master.dual_value(totals), 1e9);
  EXPECT_DOUBLE_EQ(master.prices()[0], 5.0);
}

TEST(Master, RemembersTheBestBoundAndItsPrices) {
  Master master({1}, {100.0}, {3.0});
  const RoundTotals good{.supply = {1}, .local_bound_sum = 0.0};
  master.update(good, 7.0, 10.0);
  const RoundTotals worse{.supply = {0}, .local_bound_sum = 0.0};
  master.update(worse, 2.0, 10.0);
  EXPECT_DOUBLE_EQ(master.best_bound(), 7.0);
  EXPECT_DOUBLE_EQ(master.best_prices()[0], 3.0);
}

}  // namespace
}  // namespace berth::optimizer
