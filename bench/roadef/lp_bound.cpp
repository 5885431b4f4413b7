#include "bench/roadef/lp_bound.hpp"

#include <chrono>
#include <cmath>
#include <vector>

#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>

namespace berth::roadef {
namespace {

std::size_t at(int index) { return static_cast<std::size_t>(index); }

// Rows, column by column, in CLP's column-ordered sparse form.
struct Columns {
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> values;
  std::vector<double> lower, upper, cost;

  void add(double column_cost, double column_upper) {
    cost.push_back(column_cost);
    lower.push_back(0);
    upper.push_back(column_upper);
    starts.push_back(static_cast<CoinBigIndex>(rows.size()));
  }
  void entry(int row, double value) {
    if (value == 0) return;
    rows.push_back(row);
    values.push_back(value);
  }
};

}  // namespace

LpBound lp_bound(const optimizer::Reassignment& p, const LpBoundOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const int processes = static_cast<int>(p.processes.size());
  const int machines = static_cast<int>(p.machines.size());
  const int resources = static_cast<int>(p.resources.size());
  const int balances = static_cast<int>(p.balances.size());

  // Row layout: one assignment row per process, then per machine: for each resource an
  // overflow row (use − overflow ≤ safety) and a capacity row, then a row per balance.
  const int per_machine = 2 * resources + balances;
  const auto overflow_row = [&](int m, int r) { return processes + m * per_machine + r; };
  const auto capacity_row = [&](int m, int r) { return processes + m * per_machine + resources + r; };
  const auto balance_row = [&](int m, int b) { return processes + m * per_machine + 2 * resources + b; };
  const int row_count = processes + machines * per_machine;
  std::vector<double> row_lower(at(row_count), -COIN_DBL_MAX), row_upper(at(row_count), 0);
  for (int i = 0; i < processes; ++i) row_lower[at(i)] = row_upper[at(i)] = 1;
  for (int m = 0; m < machines; ++m) {
    const auto& machine = p.machines[at(m)];
    for (int r = 0; r < resources; ++r) {
      row_upper[at(overflow_row(m, r))] = static_cast<double>(machine.safety_capacity[at(r)]);
      row_upper[at(capacity_row(m, r))] = static_cast<double>(machine.capacity[at(r)]);
    }
    for (int b = 0; b < balances; ++b) {
      const auto& balance = p.balances[at(b)];
      row_upper[at(balance_row(m, b))] = static_cast<double>(machine.capacity[at(balance.resource2)]) -
                                         static_cast<double>(balance.target) *
                                             static_cast<double>(machine.capacity[at(balance.resource1)]);
    }
  }
  // A transient resource of a process counts on its initial machine whatever the
  // assignment, so it moves to the right-hand side there and leaves that column.
  for (int i = 0; i < processes; ++i) {
    const int initial = p.initial[at(i)];
    for (int r = 0; r < resources; ++r)
      if (p.resources[at(r)].transient)
        row_upper[at(capacity_row(initial, r))] -= static_cast<double>(p.processes[at(i)].requirement[at(r)]);
  }

  Columns columns;
  for (int i = 0; i < processes; ++i) {
    const auto& process = p.processes[at(i)];
    const int initial = p.initial[at(i)];
    for (int m = 0; m < machines; ++m) {
      columns.entry(i, 1);
      for (int r = 0; r < resources; ++r) {
        const auto req = static_cast<double>(process.requirement[at(r)]);
        columns.entry(overflow_row(m, r), req);
        if (!(p.resources[at(r)].transient && m == initial)) columns.entry(capacity_row(m, r), req);
      }
      for (int b = 0; b < balances; ++b) {
        const auto& balance = p.balances[at(b)];
        columns.entry(balance_row(m, b), static_cast<double>(process.requirement[at(balance.resource2)]) -
                                             static_cast<double>(balance.target) *
                                                 static_cast<double>(process.requirement[at(balance.resource1)]));
      }
      const double move =
          m == initial ? 0
                       : static_cast<double>(p.process_move_weight) * static_cast<double>(process.move_cost) +
                             static_cast<double>(p.machine_move_weight) *
                                 static_cast<double>(p.machine_move_cost[at(initial)][at(m)]);
      columns.add(move, 1);
    }
  }
  for (int m = 0; m < machines; ++m) {
    for (int r = 0; r < resources; ++r) {
      columns.entry(overflow_row(m, r), -1);
      columns.add(static_cast<double>(p.resources[at(r)].load_cost_weight), COIN_DBL_MAX);
    }
    for (int b = 0; b < balances; ++b) {
      columns.entry(balance_row(m, b), -1);
      columns.add(static_cast<double>(p.balances[at(b)].weight), COIN_DBL_MAX);
    }
  }

  const int column_count = static_cast<int>(columns.cost.size());
  std::vector<int> lengths(at(column_count));
  for (int c = 0; c < column_count; ++c)
    lengths[at(c)] = static_cast<int>(columns.starts[at(c) + 1] - columns.starts[at(c)]);
  const CoinPackedMatrix matrix(true, row_count, column_count, static_cast<CoinBigIndex>(columns.values.size()),
                                columns.values.data(), columns.rows.data(), columns.starts.data(), lengths.data());
  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(matrix, columns.lower.data(), columns.upper.data(), columns.cost.data(), row_lower.data(),
                    row_upper.data());
  model.setMaximumSeconds(options.time_limit_seconds);
  model.dual();

  LpBound bound;
  bound.columns = column_count;
  bound.rows = row_count;
  // Status 0 is proven optimal. CLP's tolerances are relative to 1e-7; shaving that
  // much (and a unit) off keeps the rounded value a bound.
  if (model.status() == 0 && model.isProvenOptimal()) {
    const double value = model.objectiveValue();
    bound.solved = true;
    bound.value = std::max(0.0, std::floor(value - 1e-7 * std::fabs(value) - 1));
  }
  bound.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return bound;
}

}  // namespace berth::roadef
