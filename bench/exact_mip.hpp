#pragma once
// The exact optimum of a placement problem as a mixed-integer program solved by COIN-OR
// CBC, to measure how far berth's answers are from the true optimum on small instances.
// Benchmark-only: berth itself never links CBC.
//
//   const MipResult exact = solve_mip(problem, {.time_limit_seconds = 60});
//   if (exact.status == MipStatus::optimal) gap = (berth_objective - exact.objective) / exact.objective;
//
// The program has the model's linear objective terms and every hard rule:
//   x[s][n] ∈ 0..replica_limit  replicas of s on n (eligibility, max_per_node, cordon)
//   y[n] ∈ {0,1}                 n hosts anything; x[s][n] ≤ limit·y[n]
//   u[s] ≥ 0                     unplaced; Σ_n x[s][n] + u[s] = replicas[s]
//   Σ_s request[s][r]·x[s][n] ≤ capacity[n][r]·y[n]                   capacity
//   o[n][r] ≥ (Σ_s request[s][r]·x[s][n] − soft[n][r]) / capacity[n][r] overload
//   f[n][k] ≥ ratio_k · free_per[n] − free_keep[n] (shares of capacity)  free ratio
//   x[s][n] ≤ limit·z[s][n], z[s][n] + z[t][n] ≤ 1 for s avoiding t    avoid
//   Σ_{n∈d} x[s][n] − Σ_{n∈e} x[s][n] ≤ max_skew for domains d ≠ e      spread
//   o[s][d] ≤ Σ_{n∈d} x[s][n], Σ_d o ≥ min_domains·w[s],
//   Σ_n x[s][n] − Σ_d o ≤ replicas·w[s]                                  min_domains
//   m[s][n] ≥ running[s][n] − x[s][n]                                    migration
//   q[s][t][n] ≥ x[s][n] − limit·p[t][n], p[t][n] ≤ x[t][n]              colocation (prefer)
//   minimise node_cost·Σ cost_n·y[n] + unplaced·Σ (1+priority_s)·u[s] + migration·Σ m
//            + colocation·Σ q + overload·Σ o + Σ_k weight_k·Σ_n f[n][k]
// The quadratic utilisation terms (load_spread, balance) are not linear: problems that
// weigh them are answered MipStatus::unsupported.
#include <string>

#include "common/model/problem.hpp"

namespace berth::bench {

struct MipOptions {
  double time_limit_seconds = 60;
};

enum class MipStatus {
  optimal,      // proven optimal
  stopped,      // time limit: `placement` is the best found, `bound` CBC's best bound
  unsupported,  // the problem has terms the program cannot express (see `reason`)
  failed,       // no integer solution found within the limit
};
const char* to_string(MipStatus status);

struct MipResult {
  MipStatus status = MipStatus::failed;
  std::string reason{};
  model::Placement placement{};
  double objective = 0;  // CBC's, including constant terms (moves that cannot be avoided)
  double bound = 0;      // best bound on the optimum
  int columns = 0;
  int rows = 0;
};

MipResult solve_mip(const model::Problem& problem, const MipOptions& options = {});

}  // namespace berth::bench
