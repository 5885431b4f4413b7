#include "common/optimizer/master.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace berth::optimizer {
namespace {
constexpr double kStationaryNorm = 1e-12;
}  // namespace

Master::Master(std::vector<int> replicas, std::vector<double> penalty, std::vector<double> initial_prices,
               MasterOptions options)
    : replicas_(std::move(replicas)),
      penalty_(std::move(penalty)),
      prices_(std::move(initial_prices)),
      best_prices_(prices_),
      direction_(prices_.size(), 0.0),
      options_(options),
      best_bound_(-std::numeric_limits<double>::infinity()),
      step_scale_(options.initial_step_scale) {}

double Master::dual_value_at(const std::vector<double>& prices, const RoundTotals& totals) const {
  double value = totals.local_bound_sum;
  for (std::size_t s = 0; s < prices.size(); ++s)
    value += prices[s] * replicas_[s] + std::min(0.0, penalty_[s] - prices[s]) * replicas_[s];
  return value;
}

void Master::update(const RoundTotals& totals, double dual_value, double best_objective) {
  const bool first = best_bound_ == -std::numeric_limits<double>::infinity();
  if (first || dual_value > best_bound_ + 1e-9 * std::max(1.0, std::abs(best_bound_))) {
    best_bound_ = dual_value;
    best_prices_ = prices_;
    rounds_since_improvement_ = 0;
  } else if (++rounds_since_improvement_ >= options_.stall_rounds) {
    step_scale_ = std::max(options_.min_step_scale, step_scale_ / 2);
    rounds_since_improvement_ = 0;
    prices_ = best_prices_;  // restart from the best point with a shorter step
  }
  // Subgradient of L at λ: r_s − supply_s − unplaced_s, where unplaced_s = r_s if λ_s > P_s.
  double norm = 0;
  for (std::size_t s = 0; s < prices_.size(); ++s) {
    const double unplaced = prices_[s] > penalty_[s] ? replicas_[s] : 0.0;
    const double g = replicas_[s] - totals.supply[s] - unplaced;
    direction_[s] = (1.0 - options_.smoothing) * g + options_.smoothing * direction_[s];
    norm += direction_[s] * direction_[s];
  }
  // The subgradient's entries are whole replica counts, so a norm this small is only the
  // smoothing's memory of one fading away: at a stationary point, where a Polyak step
  // would overflow (and 0 · ∞ make prices NaN), stay put.
  if (norm < kStationaryNorm) return;
  const double target_gap = std::max(best_objective - dual_value, 1e-6 * std::max(1.0, std::abs(best_objective)));
  const double step = step_scale_ * target_gap / norm;
  if (!std::isfinite(step)) return;
  for (std::size_t s = 0; s < prices_.size(); ++s)
    prices_[s] = std::clamp(prices_[s] + step * direction_[s], -penalty_[s], penalty_[s]);
}

}  // namespace berth::optimizer
