// berth-lp-relaxation: a diagnostic that says which side of berth's gap is weak on a
// generated cluster. It solves, with COIN-OR CLP, the LP relaxation of the placement MIP
// (bench/exact_mip.hpp) without the avoid and spread rules (so it is a valid relaxation,
// and the same one berth's Lagrangian bound relaxes), aggregated over berth's node
// classes (identical nodes: by symmetry and convexity the aggregated LP has the same
// optimum). It then prices the nodes' subproblems at the LP's demand duals, with berth's
// own per-node bound (solve_local) and, with --integer, with each node's integer knapsack
// solved by CBC: the Lagrangian bound that exact subproblems would reach at those prices.
// Finally it runs berth on the same instance for its bound and objective.
//
//   berth-lp-relaxation --size 1000x10000 --seed 1 --families mixed --time-limit 1 --integer
//
// Columns per class c: X[c][s] ∈ [0, |c|·limit] for every candidate s, Y[c] ∈ [0, |c|] at the
// class's node cost; U[s] ∈ [0, r_s] at the unplaced penalty. Rows: Σ_c X[c][s] + U[s] = r_s;
// Σ_s d_{s,r}·X[c][s] ≤ C_{c,r}·Y[c] per dimension (divided by C_{c,r}); X[c][s] ≤ limit·Y[c].
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "CbcModel.hpp"
#include "ClpSimplex.hpp"
#include "CoinPackedMatrix.hpp"
#include "OsiClpSolverInterface.hpp"
#include "bench/exact_mip.hpp"
#include "bench/generator.hpp"
#include "bench/report.hpp"
#include "common/optimizer/instance.hpp"
#include "common/optimizer/local.hpp"
#include "common/optimizer/master.hpp"
#include "common/optimizer/solve.hpp"
#include "common/optimizer/subproblem.hpp"

namespace {

namespace model = berth::model;
namespace optimizer = berth::optimizer;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Column-ordered sparse program for CLP.
struct Columns {
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> values;
  std::vector<double> lower, upper, cost;

  int add(double column_cost, double column_upper) {
    cost.push_back(column_cost);
    lower.push_back(0);
    upper.push_back(column_upper);
    return static_cast<int>(cost.size()) - 1;
  }
  void entry(int row, double value) {
    if (value == 0) return;
    rows.push_back(row);
    values.push_back(value);
  }
  void close() { starts.push_back(static_cast<CoinBigIndex>(rows.size())); }
};

struct LpResult {
  double value = 0;
  std::vector<double> demand_duals;  // per service
  std::vector<double> class_nodes;   // per class: Y
  double seconds = 0;
  int columns = 0;
  int rows = 0;
  bool optimal = false;
};

LpResult solve_lp(const optimizer::Instance& inst, bool linking) {
  const auto start = Clock::now();
  const std::size_t services = inst.service_count();
  const std::size_t classes = inst.class_members.size();
  const int dims = inst.dims;
  // Rows: demand per service, then per class its dims capacity rows, then linking rows.
  std::vector<double> row_lower, row_upper;
  for (std::size_t s = 0; s < services; ++s) {
    row_lower.push_back(inst.replicas[s]);
    row_upper.push_back(inst.replicas[s]);
  }
  std::vector<int> capacity_row(classes * static_cast<std::size_t>(dims), -1);
  for (std::size_t c = 0; c < classes; ++c)
    for (int r = 0; r < dims; ++r) {
      capacity_row[c * static_cast<std::size_t>(dims) + static_cast<std::size_t>(r)] = static_cast<int>(row_lower.size());
      row_lower.push_back(-COIN_DBL_MAX);
      row_upper.push_back(0);
    }
  Columns columns;
  std::vector<std::vector<int>> linking_rows(classes);
  std::vector<int> class_columns;
  for (std::size_t c = 0; c < classes; ++c) {
    const auto node = inst.class_members[c].front();
    const double members = static_cast<double>(inst.class_members[c].size());
    const auto& candidates = inst.class_candidates[c];
    for (const auto& candidate : candidates) {
      if (candidate.limit <= 0) continue;
      columns.add(0, members * candidate.limit);
      columns.entry(static_cast<int>(candidate.service), 1.0);
      for (int r = 0; r < dims; ++r) {
        const auto capacity = static_cast<double>(inst.cap(node)[r]);
        const auto request = static_cast<double>(inst.req(candidate.service)[r]);
        if (request == 0) continue;
        // A node without the resource takes none of it (the bound 0 · Y).
        columns.entry(capacity_row[c * static_cast<std::size_t>(dims) + static_cast<std::size_t>(r)],
                      capacity > 0 ? request / capacity : 1.0);
      }
      if (linking) {
        const int row = static_cast<int>(row_lower.size());
        row_lower.push_back(-COIN_DBL_MAX);
        row_upper.push_back(0);
        columns.entry(row, 1.0);
        linking_rows[c].push_back(candidate.limit);
        linking_rows[c].push_back(row);
      }
      columns.close();
    }
    class_columns.push_back(columns.add(inst.node_cost[node], members));
    for (int r = 0; r < dims; ++r)
      if (inst.cap(node)[r] > 0)
        columns.entry(capacity_row[c * static_cast<std::size_t>(dims) + static_cast<std::size_t>(r)], -1.0);
    for (std::size_t k = 0; k + 1 < linking_rows[c].size(); k += 2)
      columns.entry(linking_rows[c][k + 1], -static_cast<double>(linking_rows[c][k]));
    columns.close();
  }
  for (std::size_t s = 0; s < services; ++s) {
    columns.add(inst.penalty[s], inst.replicas[s]);
    columns.entry(static_cast<int>(s), 1.0);
    columns.close();
  }
  const int column_count = static_cast<int>(columns.cost.size());
  const int row_count = static_cast<int>(row_lower.size());
  CoinPackedMatrix matrix(true, row_count, column_count, static_cast<CoinBigIndex>(columns.values.size()),
                          columns.values.data(), columns.rows.data(), columns.starts.data(), nullptr);
  ClpSimplex lp;
  lp.setLogLevel(0);
  lp.loadProblem(matrix, columns.lower.data(), columns.upper.data(), columns.cost.data(), row_lower.data(),
                 row_upper.data());
  lp.dual();
  LpResult result;
  result.optimal = lp.isProvenOptimal();
  result.value = lp.objectiveValue();
  const double* duals = lp.dualRowSolution();
  result.demand_duals.assign(duals, duals + services);
  for (const int column : class_columns) result.class_nodes.push_back(lp.primalColumnSolution()[column]);
  result.columns = column_count;
  result.rows = row_count;
  result.seconds = seconds_since(start);
  return result;
}

// min over answers of cost − Σ price·x for one class's subproblem (linear costs only: node
// cost, migration, colocation ≥ 0 dropped, avoid dropped), by CBC: a lower bound on the
// exact local optimum (colocation and avoid relaxed), so the sum stays a valid bound.
double integer_local_optimum(const optimizer::LocalProblem& lp, double seconds) {
  const std::size_t m = lp.items.size();
  // Columns: x_i ∈ [0, limit], y ∈ {0,1}. Rows: Σ d_i x_i ≤ C y (scaled), x_i ≤ limit·y.
  std::vector<double> lower(m + 1, 0), upper(m + 1), cost(m + 1);
  for (std::size_t i = 0; i < m; ++i) {
    upper[i] = lp.items[i].limit;
    cost[i] = -lp.items[i].price;
  }
  upper[m] = 1;
  cost[m] = lp.fixed_cost;
  CoinPackedMatrix matrix(false, 0, 0);
  matrix.setDimensions(0, static_cast<int>(m + 1));
  std::vector<double> row_lower, row_upper;
  for (int r = 0; r < lp.dims; ++r) {
    CoinPackedVector row;
    const auto capacity = static_cast<double>(lp.capacity[r]);
    for (std::size_t i = 0; i < m; ++i)
      if (lp.demand_of(i)[r] > 0 && lp.items[i].price > 0)
        row.insert(static_cast<int>(i), capacity > 0 ? static_cast<double>(lp.demand_of(i)[r]) / capacity : 1.0);
    if (row.getNumElements() == 0) continue;
    if (capacity > 0) row.insert(static_cast<int>(m), -1.0);
    matrix.appendRow(row);
    row_lower.push_back(-COIN_DBL_MAX);
    row_upper.push_back(0);
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (lp.items[i].price <= 0) {
      upper[i] = 0;
      continue;
    }
    CoinPackedVector row;
    row.insert(static_cast<int>(i), 1.0);
    row.insert(static_cast<int>(m), -static_cast<double>(lp.items[i].limit));
    matrix.appendRow(row);
    row_lower.push_back(-COIN_DBL_MAX);
    row_upper.push_back(0);
  }
  OsiClpSolverInterface solver;
  solver.loadProblem(matrix, lower.data(), upper.data(), cost.data(), row_lower.data(), row_upper.data());
  for (std::size_t i = 0; i <= m; ++i) solver.setInteger(static_cast<int>(i));
  solver.messageHandler()->setLogLevel(0);
  CbcModel cbc(solver);
  cbc.setLogLevel(0);
  cbc.setMaximumSeconds(seconds);
  cbc.setAllowableGap(1e-7);
  cbc.branchAndBound();
  // The best possible value is a valid lower bound even when stopped; the empty answer is 0.
  // (Generated clusters run nothing yet, so there is no migration term to add.)
  return std::min(0.0, cbc.getBestPossibleObjValue()) + lp.constant;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"berth-lp-relaxation: LP relaxation bound (CLP) against berth's Lagrangian bound"};
  std::string size_text = "100x1000";
  std::uint64_t seed = 1;
  std::string families = "mixed";
  double time_limit = 1;
  bool linking = true;
  bool integer = false;
  double integer_seconds = 2;
  app.add_option("--size", size_text, "NODESxREPLICAS");
  app.add_option("--seed", seed, "generator seed");
  app.add_option("--families", families, "mixed or general");
  app.add_option("--time-limit", time_limit, "berth's time limit in seconds");
  app.add_flag("--linking,!--no-linking", linking, "x ≤ limit·y rows (default on)");
  app.add_flag("--integer", integer, "also price each class's integer knapsack at the LP duals (CBC)");
  app.add_option("--integer-seconds", integer_seconds, "CBC time per class for --integer");
  double mip_seconds = 0;
  app.add_option("--mip-seconds", mip_seconds, "also run CBC on the full MIP (bench/exact_mip) this long");
  CLI11_PARSE(app, argc, argv);
  const auto size = berth::bench::parse_size(size_text);
  if (!size) {
    std::cerr << "berth-lp-relaxation: bad size '" << size_text << "'\n";
    return 64;
  }
  const model::Problem problem = berth::bench::generate_cluster(
      {.nodes = size->nodes,
       .replicas = size->replicas,
       .seed = seed,
       .families = families == "general" ? berth::bench::NodeFamilies::general : berth::bench::NodeFamilies::mixed});
  const optimizer::Instance inst = optimizer::make_instance(problem);
  std::printf("%s seed %llu %s: %zu services, %zu nodes in %zu classes\n", size_text.c_str(),
              static_cast<unsigned long long>(seed), families.c_str(), inst.service_count(), inst.node_count(),
              inst.class_members.size());

  const LpResult lp = solve_lp(inst, linking);
  std::printf("LP relaxation (CLP, %s linking rows): %.4f  (%s, %d columns, %d rows, %.2f s)\n",
              linking ? "with" : "without", lp.value, lp.optimal ? "optimal" : "NOT optimal", lp.columns, lp.rows,
              lp.seconds);

  // berth's per-node bound at the LP's demand duals: the Lagrangian bound its local solver
  // certifies at the prices the LP says are optimal.
  std::vector<double> prices(inst.service_count());
  for (std::size_t s = 0; s < prices.size(); ++s) prices[s] = std::min(lp.demand_duals[s], inst.penalty[s]);
  optimizer::Master master(inst.replicas, inst.penalty, prices);
  optimizer::RoundTotals totals;
  double integer_sum = 0;
  const auto started = Clock::now();
  for (std::size_t c = 0; c < inst.class_members.size(); ++c) {
    auto local = optimizer::build_local_problem(inst, inst.class_members[c].front());
    optimizer::set_prices(local, prices);
    const auto answer = optimizer::solve_local(local);
    const double members = static_cast<double>(inst.class_members[c].size());
    totals.local_bound_sum += members * answer.lower_bound;
    if (integer) integer_sum += members * integer_local_optimum(local, integer_seconds);
  }
  std::printf("berth's local bounds at the LP duals: L = %.4f\n", master.dual_value_at(prices, totals));
  if (integer) {
    totals.local_bound_sum = integer_sum;
    std::printf("integer knapsacks (CBC) at the LP duals:  L = %.4f  (%.1f s)\n", master.dual_value_at(prices, totals),
                seconds_since(started));
  }

  const auto start = Clock::now();
  const auto solution = optimizer::solve(
      problem, {.seed = seed, .elapsed_seconds = [start] { return seconds_since(start); }, .time_limit_seconds = time_limit});
  std::printf("berth (%.1f s): objective %.4f bound %.4f gap %.2f%%; LP vs berth bound %+.2f%%, objective vs LP %+.2f%%\n",
              time_limit, solution.objective, solution.lower_bound, 100 * solution.gap,
              100 * (lp.value - solution.lower_bound) / solution.objective,
              100 * (solution.objective - lp.value) / solution.objective);
  // Where each side spends: nodes used per class, the LP's and berth's.
  std::vector<double> used(inst.class_members.size(), 0.0);
  for (std::uint32_t n = 0; n < inst.node_count(); ++n)
    if (!solution.placement.by_node[n].empty()) used[static_cast<std::size_t>(inst.class_of_node[n])] += 1;
  std::printf("class  members  cost/node  cpu  mem(GiB)  gpu  LP nodes  berth nodes\n");
  for (std::size_t c = 0; c < inst.class_members.size(); ++c) {
    const auto node = inst.class_members[c].front();
    if (lp.class_nodes[c] < 1e-6 && used[c] == 0) continue;
    std::printf("%5zu  %7zu  %9.3f  %5lld  %7.1f  %3lld  %8.2f  %11.0f\n", c, inst.class_members[c].size(),
                inst.node_cost[node], static_cast<long long>(inst.cap(node)[0]),
                static_cast<double>(inst.cap(node)[1]) / static_cast<double>(model::kGiB),
                static_cast<long long>(inst.cap(node)[2]), lp.class_nodes[c], used[c]);
  }
  if (mip_seconds > 0) {
    const auto mip_start = Clock::now();
    const auto mip = berth::bench::solve_mip(problem, {.time_limit_seconds = mip_seconds});
    std::printf("CBC (%.0f s, full MIP with avoid and spread): %s objective %.4f bound %.4f (%.1f s)\n", mip_seconds,
                berth::bench::to_string(mip.status), mip.objective, mip.bound, seconds_since(mip_start));
  }
  return 0;
}
