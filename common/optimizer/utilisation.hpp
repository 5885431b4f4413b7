#pragma once
// The utilisation terms of one node's cost, shared by the local subproblem and the primal
// side so both price a node identically (model::evaluate is the independent reference):
//   (load_spread · Σ_r u_r² + balance · Σ_r (u_r − ū)²) / R,  u_r = used_r / capacity_r,
// over the R dimensions with capacity; the soft capacity's overload term; and free ratio
// rules.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/model/problem.hpp"

namespace berth::optimizer {

inline double utilisation_cost(double load_spread_weight, double balance_weight, const std::int64_t* used,
                               const std::int64_t* capacity, int dims) {
  if (load_spread_weight == 0 && balance_weight == 0) return 0;
  int counted = 0;
  double mean = 0;
  for (int r = 0; r < dims; ++r) {
    if (capacity[r] <= 0) continue;
    mean += static_cast<double>(used[r]) / static_cast<double>(capacity[r]);
    ++counted;
  }
  if (counted == 0) return 0;
  mean /= counted;
  double squares = 0;
  double deviation = 0;
  for (int r = 0; r < dims; ++r) {
    if (capacity[r] <= 0) continue;
    const double u = static_cast<double>(used[r]) / static_cast<double>(capacity[r]);
    squares += u * u;
    deviation += (u - mean) * (u - mean);
  }
  return (load_spread_weight * squares + balance_weight * deviation) / counted;
}

// Soft capacity: Σ_r weight_r · max(0, used_r − soft_r) / capacity_r. Convex and piecewise
// linear in the usage; `soft` equal to `capacity` never costs.
inline double overload_cost(const double* weight, const std::int64_t* used, const std::int64_t* soft,
                            const std::int64_t* capacity, int dims) {
  double cost = 0;
  for (int r = 0; r < dims; ++r)
    if (used[r] > soft[r] && capacity[r] > 0)
      cost += weight[r] * static_cast<double>(used[r] - soft[r]) / static_cast<double>(capacity[r]);
  return cost;
}

// Free ratio rules (model::FreeRatioRule): Σ weight · max(0, ratio · free_per − free_keep),
// free shares of capacity; convex and piecewise linear in the usage.
inline double free_ratio_cost(const std::vector<model::FreeRatioRule>& rules, const std::int64_t* used,
                              const std::int64_t* capacity) {
  double cost = 0;
  for (const auto& rule : rules) {
    const auto a = static_cast<std::size_t>(rule.per);
    const auto b = static_cast<std::size_t>(rule.keep);
    if (capacity[a] <= 0 || capacity[b] <= 0) continue;
    const double free_a = static_cast<double>(capacity[a] - used[a]) / static_cast<double>(capacity[a]);
    const double free_b = static_cast<double>(capacity[b] - used[b]) / static_cast<double>(capacity[b]);
    cost += rule.weight * std::max(0.0, rule.ratio * free_a - free_b);
  }
  return cost;
}

}  // namespace berth::optimizer
