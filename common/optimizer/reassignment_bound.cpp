// Lower bounds for machine reassignment (see reassignment.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "common/optimizer/reassignment.hpp"

namespace berth::optimizer {

double reassignment_simple_bound(const Reassignment& p) {
  const auto resources = p.resources.size();
  std::vector<double> demand(resources, 0), capacity(resources, 0), safety(resources, 0);
  for (const auto& process : p.processes)
    for (std::size_t r = 0; r < resources; ++r) demand[r] += static_cast<double>(process.requirement[r]);
  for (const auto& machine : p.machines)
    for (std::size_t r = 0; r < resources; ++r) {
      capacity[r] += static_cast<double>(machine.capacity[r]);
      safety[r] += static_cast<double>(machine.safety_capacity[r]);
    }
  // Σ_m max(0, x_m) ≥ max(0, Σ_m x_m): both terms are convex in the usage.
  double bound = 0;
  for (std::size_t r = 0; r < resources; ++r)
    bound += static_cast<double>(p.resources[r].load_cost_weight) * std::max(0.0, demand[r] - safety[r]);
  for (const auto& b : p.balances) {
    const auto r1 = static_cast<std::size_t>(b.resource1);
    const auto r2 = static_cast<std::size_t>(b.resource2);
    const double gap =
        static_cast<double>(b.target) * (capacity[r1] - demand[r1]) - (capacity[r2] - demand[r2]);
    bound += static_cast<double>(b.weight) * std::max(0.0, gap);
  }
  return bound;
}

namespace {

// One machine's share: the processes that start on it either stay (and their use counts
// towards its load cost) or leave (and pay at least their cheapest move). Incoming
// processes only add load, and each process's move is charged to its initial machine
// only, so the shares add up to a bound. The load term w·max(0, use − safety) is at
// least μ·(use − safety) for any 0 ≤ μ ≤ w; dualised that way, each process leaves
// exactly when its move costs less than the priced resources it frees, which gives
//   L(μ) = Σ_r μ_r (U0_r − SC_r) + Σ_p min(0, c_p − μ·req_p),
// concave in μ; projected subgradient steps raise it, and the best value seen is kept.
double machine_bound(const Reassignment& p, std::size_t machine, const std::vector<int>& starters) {
  const auto resources = p.resources.size();
  const auto& m = p.machines[machine];
  std::vector<double> excess(resources, 0), weight(resources, 0);
  for (std::size_t r = 0; r < resources; ++r) {
    excess[r] = -static_cast<double>(m.safety_capacity[r]);
    weight[r] = static_cast<double>(p.resources[r].load_cost_weight);
  }
  for (const int i : starters)
    for (std::size_t r = 0; r < resources; ++r)
      excess[r] += static_cast<double>(p.processes[static_cast<std::size_t>(i)].requirement[r]);
  bool overloaded = false;
  for (std::size_t r = 0; r < resources; ++r) overloaded = overloaded || (excess[r] > 0 && weight[r] > 0);
  if (!overloaded) return 0;

  double cheapest_machine_move = std::numeric_limits<double>::max();
  for (std::size_t to = 0; to < p.machines.size(); ++to)
    if (to != machine)
      cheapest_machine_move = std::min(cheapest_machine_move, static_cast<double>(p.machine_move_cost[machine][to]));
  if (cheapest_machine_move == std::numeric_limits<double>::max()) cheapest_machine_move = 0;
  std::vector<double> leave_cost;
  for (const int i : starters)
    leave_cost.push_back(static_cast<double>(p.process_move_weight) *
                             static_cast<double>(p.processes[static_cast<std::size_t>(i)].move_cost) +
                         static_cast<double>(p.machine_move_weight) * cheapest_machine_move);

  std::vector<double> price(resources, 0), gradient(resources, 0);
  for (std::size_t r = 0; r < resources; ++r) price[r] = excess[r] > 0 ? weight[r] : 0;
  double best = 0;
  constexpr int kSteps = 150;
  for (int step = 0; step < kSteps; ++step) {
    double value = 0;
    for (std::size_t r = 0; r < resources; ++r) {
      value += price[r] * excess[r];
      gradient[r] = excess[r];
    }
    for (std::size_t k = 0; k < starters.size(); ++k) {
      const auto& req = p.processes[static_cast<std::size_t>(starters[k])].requirement;
      double freed = 0;
      for (std::size_t r = 0; r < resources; ++r) freed += price[r] * static_cast<double>(req[r]);
      if (leave_cost[k] < freed) {
        value += leave_cost[k] - freed;
        for (std::size_t r = 0; r < resources; ++r) gradient[r] -= static_cast<double>(req[r]);
      }
    }
    best = std::max(best, value);
    double norm = 0;
    for (std::size_t r = 0; r < resources; ++r) norm += gradient[r] * gradient[r];
    if (norm == 0) break;
    norm = std::sqrt(norm);
    const double length = 1.0 / (1.0 + step);
    for (std::size_t r = 0; r < resources; ++r)
      price[r] = std::clamp(price[r] + length * weight[r] * gradient[r] / norm * 0.5, 0.0, weight[r]);
  }
  return best;
}

}  // namespace

double reassignment_lagrangian_bound(const Reassignment& p) {
  std::vector<std::vector<int>> starters(p.machines.size());
  for (std::size_t i = 0; i < p.processes.size(); ++i)
    starters[static_cast<std::size_t>(p.initial[i])].push_back(static_cast<int>(i));
  double bound = 0;
  for (std::size_t m = 0; m < p.machines.size(); ++m) bound += machine_bound(p, m, starters[m]);
  return bound;
}

}  // namespace berth::optimizer
