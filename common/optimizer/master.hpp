#pragma once
// The coordinator's side of the dual decomposition: one price per service for the demand
// constraint Σ_n x_{s,n} + unplaced_s = replicas_s, the Lagrangian dual value (a proven lower
// bound on every placement's objective) and the price update.
//
//   Master master(replicas, penalties, initial_prices);
//   each round: nodes answer master.prices() → RoundTotals{supply, Σ local lower bounds}
//               const double bound = master.dual_value(totals);
//               master.update(totals, bound, best_objective_so_far);
//
// Prices move by a deflected subgradient step with a Polyak step length against the best
// placement known, whose scale halves when the bound stops improving: smoothing the
// direction damps the flip-flop of identical nodes answering a price identically.
// No I/O: the networked coordinator uses it unchanged.
#include <vector>

namespace berth::optimizer {

struct RoundTotals {
  std::vector<double> supply;  // per service: replicas the nodes offered to host
  double local_bound_sum = 0;  // Σ_n lower bound of node n's subproblem
};

struct MasterOptions {
  double initial_step_scale = 1.0;
  int stall_rounds = 12;          // rounds without a better bound before the step halves
  double min_step_scale = 1e-4;
  double smoothing = 0.3;         // weight of the previous direction
};

class Master {
 public:
  Master(std::vector<int> replicas, std::vector<double> penalty, std::vector<double> initial_prices,
         MasterOptions options = {});

  const std::vector<double>& prices() const { return prices_; }
  const std::vector<double>& best_prices() const { return best_prices_; }
  double best_bound() const { return best_bound_; }
  double step_scale() const { return step_scale_; }

  // L(λ) = Σ_s λ_s r_s + Σ_s min(0, P_s − λ_s) r_s + Σ_n (local lower bound)_n.
  double dual_value(const RoundTotals& totals) const { return dual_value_at(prices_, totals); }
  // The same at other prices (the nodes' answers must be to those prices).
  double dual_value_at(const std::vector<double>& prices, const RoundTotals& totals) const;

  // Records the bound and moves the prices towards a better one.
  void update(const RoundTotals& totals, double dual_value, double best_objective);

 private:
  std::vector<int> replicas_;
  std::vector<double> penalty_;
  std::vector<double> prices_;
  std::vector<double> best_prices_;
  std::vector<double> direction_;
  MasterOptions options_;
  double best_bound_;
  double step_scale_;
  int rounds_since_improvement_ = 0;
};

}  // namespace berth::optimizer
