// Lower bounds for machine reassignment (see reassignment.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "common/optimizer/reassignment_state.hpp"

namespace berth::optimizer {

namespace {

// Cluster-wide totals per resource: what the processes require, and the machines' capacity
// and safety capacity.
struct Totals {
  std::vector<double> demand, capacity, safety;

  explicit Totals(const Reassignment& p)
      : demand(p.resources.size(), 0), capacity(p.resources.size(), 0), safety(p.resources.size(), 0) {
    for (const auto& process : p.processes)
      for (std::size_t r = 0; r < demand.size(); ++r) demand[r] += static_cast<double>(process.requirement[r]);
    for (const auto& machine : p.machines)
      for (std::size_t r = 0; r < demand.size(); ++r) {
        capacity[r] += static_cast<double>(machine.capacity[r]);
        safety[r] += static_cast<double>(machine.safety_capacity[r]);
      }
  }
};

}  // namespace

double reassignment_simple_bound(const Reassignment& p) {
  const auto resources = p.resources.size();
  const Totals totals(p);
  const auto& [demand, capacity, safety] = totals;
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

// The Lagrangian dual of the assignment model with every machine row priced: each
// machine's load rows (w·max(0, U − SC) ≥ μ·(U − SC) for 0 ≤ μ ≤ w), its capacity rows
// (transient ones counting a process that moved away on its initial machine too, κ ≥ 0)
// and its balance rows (0 ≤ ν ≤ weight). What is left falls apart into one choice per
// process, its cheapest machine at those prices plus its process and machine move cost:
//   L(μ, κ, ν) = Σ_p min_m cost_pm(μ, κ, ν) − Σ_m (μ_m·SC_m + κ_m·C_m) + Σ_m ν_m·(t·C_m1 − C_m2).
// Conflict, spread, dependency and the service move cost are dropped, which only lowers
// the optimum. With one price per resource on every machine, every process stays where it
// is and L is the simple bound, so that is where the ascent starts; projected subgradient
// steps with Polyak's length towards a known cost raise it, and the best value is kept.
// Machine-specific prices are what makes it stronger: they see that no machine can be
// filled to its safety capacity in every resource at once when the machines' shapes
// differ from the processes'.
// Iterations without a better value before the step length halves.
constexpr int kPatience = 10;
constexpr double kGrowth = 1.1;
constexpr double kSmallestTheta = 1e-12;

class LagrangianDual {
 public:
  explicit LagrangianDual(const Reassignment& p)
      : p_(p),
        machines_(p.machines.size()),
        resources_(p.resources.size()),
        balances_(p.balances.size()),
        load_(machines_ * resources_, 0),
        capacity_(machines_ * resources_, 0),
        balance_(machines_ * balances_, 0),
        price_(machines_ * resources_, 0),
        use_(machines_ * resources_, 0),
        away_(machines_ * resources_, 0) {
    // The simple bound's prices: the full weight on every resource (and balance) whose
    // cluster-wide total is over its threshold.
    const Totals totals(p);
    const auto& [demand, capacity, safety] = totals;
    for (std::size_t m = 0; m < machines_; ++m) {
      for (std::size_t r = 0; r < resources_; ++r)
        if (demand[r] > safety[r]) load_[m * resources_ + r] = static_cast<double>(p.resources[r].load_cost_weight);
      for (std::size_t b = 0; b < balances_; ++b) {
        const auto& balance = p.balances[b];
        const auto r1 = static_cast<std::size_t>(balance.resource1);
        const auto r2 = static_cast<std::size_t>(balance.resource2);
        if (static_cast<double>(balance.target) * (capacity[r1] - demand[r1]) > capacity[r2] - demand[r2])
          balance_[m * balances_ + b] = static_cast<double>(balance.weight);
      }
    }
  }

  // L at the current prices; leaves each machine's usage by the processes that chose it
  // (use_) and what processes that left it still hold of its transient resources (away_).
  double evaluate() {
    std::fill(use_.begin(), use_.end(), 0.0);
    std::fill(away_.begin(), away_.end(), 0.0);
    double value = 0;
    for (std::size_t m = 0; m < machines_; ++m) {
      const auto& machine = p_.machines[m];
      for (std::size_t r = 0; r < resources_; ++r) {
        const std::size_t k = m * resources_ + r;
        price_[k] = load_[k] + capacity_[k];
        value -= load_[k] * static_cast<double>(machine.safety_capacity[r]) +
                 capacity_[k] * static_cast<double>(machine.capacity[r]);
      }
      for (std::size_t b = 0; b < balances_; ++b) {
        const auto& balance = p_.balances[b];
        const double nu = balance_[m * balances_ + b];
        const auto r1 = static_cast<std::size_t>(balance.resource1);
        const auto r2 = static_cast<std::size_t>(balance.resource2);
        price_[m * resources_ + r2] += nu;
        price_[m * resources_ + r1] -= nu * static_cast<double>(balance.target);
        value += nu * (static_cast<double>(balance.target) * static_cast<double>(machine.capacity[r1]) -
                       static_cast<double>(machine.capacity[r2]));
      }
    }
    const double process_weight = static_cast<double>(p_.process_move_weight);
    const double machine_weight = static_cast<double>(p_.machine_move_weight);
    for (std::size_t i = 0; i < p_.processes.size(); ++i) {
      const auto& process = p_.processes[i];
      const auto home = static_cast<std::size_t>(p_.initial[i]);
      const auto& req = process.requirement;
      // Leaving home still holds its transient resources there.
      double held = 0;
      for (std::size_t r = 0; r < resources_; ++r)
        if (p_.resources[r].transient) held += capacity_[home * resources_ + r] * static_cast<double>(req[r]);
      const double leave = held + process_weight * static_cast<double>(process.move_cost);
      std::size_t best_machine = home;
      double best = priced(home, req);
      for (std::size_t m = 0; m < machines_; ++m) {
        if (m == home) continue;
        const double cost = leave + machine_weight * static_cast<double>(p_.machine_move_cost[home][m]) + priced(m, req);
        if (cost < best) {
          best = cost;
          best_machine = m;
        }
      }
      value += best;
      for (std::size_t r = 0; r < resources_; ++r) {
        use_[best_machine * resources_ + r] += static_cast<double>(req[r]);
        if (best_machine != home && p_.resources[r].transient) away_[home * resources_ + r] += static_cast<double>(req[r]);
      }
    }
    return value;
  }

  // One projected subgradient step of Polyak's length θ·(target − value)/‖g‖², from the
  // usage the last evaluate() left.
  void step(double theta, double target, double value) {
    gradient_load_.assign(load_.size(), 0);
    gradient_capacity_.assign(capacity_.size(), 0);
    gradient_balance_.assign(balance_.size(), 0);
    double norm = 0;
    const auto projected = [&norm](double g, double x, double upper) {
      if ((x <= 0 && g < 0) || (x >= upper && g > 0)) return 0.0;
      norm += g * g;
      return g;
    };
    constexpr double kUnbounded = std::numeric_limits<double>::infinity();
    for (std::size_t m = 0; m < machines_; ++m) {
      const auto& machine = p_.machines[m];
      for (std::size_t r = 0; r < resources_; ++r) {
        const std::size_t k = m * resources_ + r;
        gradient_load_[k] = projected(use_[k] - static_cast<double>(machine.safety_capacity[r]), load_[k],
                                      static_cast<double>(p_.resources[r].load_cost_weight));
        gradient_capacity_[k] = projected(use_[k] + away_[k] - static_cast<double>(machine.capacity[r]), capacity_[k], kUnbounded);
      }
      for (std::size_t b = 0; b < balances_; ++b) {
        const auto& balance = p_.balances[b];
        const auto r1 = m * resources_ + static_cast<std::size_t>(balance.resource1);
        const auto r2 = m * resources_ + static_cast<std::size_t>(balance.resource2);
        const double free1 = static_cast<double>(machine.capacity[static_cast<std::size_t>(balance.resource1)]) - use_[r1];
        const double free2 = static_cast<double>(machine.capacity[static_cast<std::size_t>(balance.resource2)]) - use_[r2];
        gradient_balance_[m * balances_ + b] = projected(static_cast<double>(balance.target) * free1 - free2,
                                                         balance_[m * balances_ + b], static_cast<double>(balance.weight));
      }
    }
    if (norm == 0) return;
    const double length = theta * std::max(target - value, 0.0) / norm;
    for (std::size_t m = 0; m < machines_; ++m) {
      for (std::size_t r = 0; r < resources_; ++r) {
        const std::size_t k = m * resources_ + r;
        load_[k] = std::clamp(load_[k] + length * gradient_load_[k], 0.0, static_cast<double>(p_.resources[r].load_cost_weight));
        capacity_[k] = std::max(0.0, capacity_[k] + length * gradient_capacity_[k]);
      }
      for (std::size_t b = 0; b < balances_; ++b) {
        const std::size_t k = m * balances_ + b;
        balance_[k] = std::clamp(balance_[k] + length * gradient_balance_[k], 0.0, static_cast<double>(p_.balances[b].weight));
      }
    }
  }

  void keep_as_best() {
    best_load_ = load_;
    best_capacity_ = capacity_;
    best_balance_ = balance_;
  }
  // The next evaluate() is then at the best prices again.
  void back_to_best() {
    load_ = best_load_;
    capacity_ = best_capacity_;
    balance_ = best_balance_;
  }

 private:
  double priced(std::size_t machine, const std::vector<std::int64_t>& req) const {
    const double* price = &price_[machine * resources_];
    double cost = 0;
    for (std::size_t r = 0; r < resources_; ++r) cost += price[r] * static_cast<double>(req[r]);
    return cost;
  }

  const Reassignment& p_;
  std::size_t machines_, resources_, balances_;
  std::vector<double> load_, capacity_, balance_;  // the multipliers μ, κ, ν
  std::vector<double> best_load_, best_capacity_, best_balance_;
  std::vector<double> price_;                      // [machine][resource]: what a unit of use costs there
  std::vector<double> use_, away_;
  std::vector<double> gradient_load_, gradient_capacity_, gradient_balance_;
};

}  // namespace

double reassignment_lagrangian_bound(const Reassignment& p, const ReassignmentBoundOptions& options) {
  const double simple = reassignment_simple_bound(p);
  if (p.processes.empty() || p.machines.empty()) return simple;
  LagrangianDual dual(p);
  // Polyak's step needs the optimum; a known cost above it only shortens the steps.
  const double target = options.upper_bound > 0 ? options.upper_bound : static_cast<double>(ReassignmentState(p, p.initial).total());
  double best = simple;
  // θ halves after kPatience steps without a better value and grows a little after each
  // better one: with the target far above the dual optimum (a2_2: a cost of 10^9 against
  // a dual of 1.4·10^7) the first steps overshoot by orders of magnitude, and the length
  // has to find its scale before the ascent can gain.
  double theta = 1.0;
  int since_better = 0;
  for (int iteration = 0; iteration < options.max_iterations && theta > kSmallestTheta; ++iteration) {
    if (options.elapsed_seconds && options.elapsed_seconds() >= options.time_limit_seconds) break;
    const double value = dual.evaluate();
    if (value > best || iteration == 0) {
      best = value;
      since_better = 0;
      theta = std::min(theta * kGrowth, 2.0);
      dual.keep_as_best();
    } else if (++since_better >= kPatience) {
      // Shorter steps from where the best value was, not from wherever the long ones led.
      theta /= 2;
      since_better = 0;
      dual.back_to_best();
      continue;
    }
    dual.step(theta, std::max(target, best + 1), value);
  }
  // Sums of doubles of up to 10^10: step back past their rounding before the floor.
  return std::max(simple, std::floor(best - 1e-9 * std::abs(best) - 1));
}

}  // namespace berth::optimizer
