#include "common/optimizer/reassignment.hpp"

#include <algorithm>
#include <random>

#include "common/optimizer/reassignment_state.hpp"

namespace berth::optimizer {

int Reassignment::neighborhood_count() const {
  int count = 0;
  for (const auto& m : machines) count = std::max(count, m.neighborhood + 1);
  return count;
}

int Reassignment::location_count() const {
  int count = 0;
  for (const auto& m : machines) count = std::max(count, m.location + 1);
  return count;
}

namespace {

using Cost = std::int64_t;
constexpr Cost kInfeasible = kReassignmentInfeasible;

// Late acceptance hill climbing (Burke and Bykov) over random shifts and swaps: a move is
// taken when it is no worse than the current cost or than the cost `history` moves ago.
// It needs no temperature, which matters here: objectives run from hundreds to 10^10.
class Search {
 public:
  Search(const Reassignment& p, const std::vector<int>& start, const ReassignmentOptions& options)
      : p_(p), options_(options), state_(p, start), best_(start), rng_(options.seed) {}

  ReassignmentResult run() {
    ReassignmentResult result;
    result.initial_cost = state_.total();
    Cost current = result.initial_cost;
    Cost best = current;
    const int machines = static_cast<int>(p_.machines.size());
    const int processes = static_cast<int>(p_.processes.size());
    if (processes == 0 || machines < 2) return finish(std::move(result), best);
    std::uniform_int_distribution<int> any_process(0, processes - 1);
    std::uniform_int_distribution<int> any_machine(0, machines - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    std::vector<Cost> history(kHistory, current);
    // The best assignment is copied only when the search is about to leave it, so long
    // runs of improvements cost nothing.
    bool best_is_current = true;
    std::int64_t evaluated = 0;

    while (!out_of_time(result.iterations)) {
      ++result.iterations;
      const int a = any_process(rng_);
      int to = -1;
      int b = -1;
      Cost delta = kInfeasible;
      if (percent(rng_) < kShiftPercent) {
        to = any_machine(rng_);
        delta = state_.shift_delta(a, to);
      } else {
        b = any_process(rng_);
        delta = state_.swap_delta(a, b);
      }
      if (delta == kInfeasible) continue;
      auto& late = history[static_cast<std::size_t>(evaluated++ % kHistory)];
      if (delta <= 0 || current + delta <= late) {
        if (delta > 0 && best_is_current) {
          best_ = state_.assignment();
          best_is_current = false;
        }
        if (b >= 0) {
          state_.swap(a, b);
        } else {
          state_.shift(a, to);
        }
        current += delta;
        ++result.moves_applied;
        if (current < best) {
          best = current;
          best_is_current = true;
        } else if (current > best) {
          best_is_current = false;
        }
      }
      late = std::min(late, current);
    }
    if (best_is_current) best_ = state_.assignment();
    return finish(std::move(result), best);
  }

 private:
  static constexpr std::int64_t kHistory = 2000;
  static constexpr int kShiftPercent = 50;

  bool out_of_time(std::int64_t iterations) const {
    if (options_.max_iterations > 0 && iterations >= options_.max_iterations) return true;
    if (options_.elapsed_seconds && options_.time_limit_seconds > 0 && (iterations & 255) == 0)
      return options_.elapsed_seconds() >= options_.time_limit_seconds;
    return !options_.elapsed_seconds && options_.max_iterations <= 0;
  }

  // The best assignment seen, valued afresh by a new state (its own bookkeeping).
  ReassignmentResult finish(ReassignmentResult result, Cost best) {
    const ReassignmentState final_state(p_, best_);
    result.assignment = best_;
    result.cost = final_state.terms();
    (void)best;
    return result;
  }

  const Reassignment& p_;
  const ReassignmentOptions& options_;
  ReassignmentState state_;
  std::vector<int> best_;
  std::mt19937_64 rng_;
};

}  // namespace

ReassignmentResult improve_reassignment(const Reassignment& problem, const std::vector<int>& start,
                                        const ReassignmentOptions& options) {
  return Search(problem, start, options).run();
}

}  // namespace berth::optimizer
