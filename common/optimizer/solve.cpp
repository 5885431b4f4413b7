#include "common/optimizer/solve.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include "common/optimizer/bin_completion.hpp"
#include "common/optimizer/diagnose.hpp"
#include "common/optimizer/eliminate.hpp"
#include "common/optimizer/exact.hpp"
#include "common/optimizer/improve.hpp"
#include "common/optimizer/instance.hpp"
#include "common/optimizer/local_solvers.hpp"
#include "common/optimizer/master.hpp"
#include "common/optimizer/recovery.hpp"
#include "common/optimizer/subproblem.hpp"

namespace berth::optimizer {

const char* to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::optimal: return "optimal";
    case SolveStatus::feasible: return "feasible";
    case SolveStatus::partial: return "partial";
    case SolveStatus::infeasible: return "infeasible";
  }
  return "unknown";
}

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::int64_t kExactLeaves = 200'000;
constexpr int kResourcePriceEvaluations = 40;
// The coordinate search's smallest step for the rounds' starting prices, and, with more
// evaluations, for the bound alone (search_resource_prices).
constexpr double kCoarsestStep = 0.01;
constexpr double kFinestStep = 0.001;
constexpr int kBoundRefineEvaluations = 360;
constexpr double kPriceSearchShare = 0.3;
// Where closing nodes pays, the price rounds stop at this share of the time limit and node
// elimination gets the rest.
constexpr double kRoundShare = 0.5;
// Without a time limit the pool searches (placing unplaced replicas, node elimination) get
// a work budget that grows with the replicas.
constexpr std::int64_t kEliminationWorkPerReplica = 2'000;
constexpr std::int64_t kEliminationWorkWithoutLimit = 2'000'000;
// Bin completion (pure bin packing): search steps per replica, and the share of the time
// limit it may take before the rounds and node elimination get the rest.
constexpr std::int64_t kCompletionWorkPerReplica = 20'000;
constexpr double kCompletionShare = 0.8;

// The round driver: every node class answers each round's prices once (through
// LocalSolvers: here, or the agents over the network); the master adds the answers up
// (weighted by class size).
class Rounds {
 public:
  Rounds(const Instance& inst, LocalSolvers& solvers) : inst_(inst), solvers_(solvers) {
    for (const auto& members : inst.class_members) problems_.push_back(build_local_problem(inst, members.front()));
    answers_.resize(problems_.size());
    bound_answers_.resize(problems_.size());
    solvers_.begin(inst, problems_);
  }

  // Solves every class at `prices`; returns the totals the master needs.
  RoundTotals answer(const std::vector<double>& prices) {
    for (auto& problem : problems_) set_prices(problem, prices);
    solvers_.answer(problems_, {}, answers_);
    RoundTotals totals;
    totals.supply.assign(inst_.service_count(), 0.0);
    for (std::size_t c = 0; c < problems_.size(); ++c) {
      problems_[c].bound_direction = answers_[c].bound_direction;
      const double members = static_cast<double>(inst_.class_members[c].size());
      totals.local_bound_sum += members * answers_[c].lower_bound;
      for (std::size_t i = 0; i < problems_[c].items.size(); ++i)
        totals.supply[problems_[c].items[i].service] += members * answers_[c].counts[i];
    }
    return totals;
  }

  // The direction each class's next bound starts from (each answer then leaves its own).
  void hint_bound_direction(const std::vector<double>& direction) {
    for (auto& problem : problems_) problem.bound_direction = direction;
  }

  // Σ_n (local lower bound) at `prices`, each node's bound taken along `direction` (plus
  // the plain normalisation) without computing answers: what the price search needs.
  double bound_sum_along(const std::vector<double>& prices, const std::vector<double>& direction) {
    std::vector<std::vector<double>> hints(problems_.size());
    for (std::size_t c = 0; c < problems_.size(); ++c) {
      set_prices(problems_[c], prices);
      hints[c] = std::move(problems_[c].bound_direction);
      problems_[c].bound_direction = direction;
    }
    solvers_.answer(problems_, {.want_answer = false}, bound_answers_);
    double sum = 0;
    for (std::size_t c = 0; c < problems_.size(); ++c) {
      problems_[c].bound_direction = std::move(hints[c]);
      sum += static_cast<double>(inst_.class_members[c].size()) * bound_answers_[c].lower_bound;
    }
    return sum;
  }

  WorkingPlacement recover_at_current_prices(std::uint64_t seed) { return recover(inst_, problems_, answers_, seed); }

 private:
  const Instance& inst_;
  LocalSolvers& solvers_;
  std::vector<LocalProblem> problems_;
  std::vector<LocalAnswer> answers_;
  std::vector<LocalAnswer> bound_answers_;
};

// Replica prices from resource prices: λ_s = Σ_r π_r · request_{s,r}, at most the penalty.
std::vector<double> prices_from_resources(const Instance& inst, const std::vector<double>& resource_prices) {
  std::vector<double> prices(inst.service_count(), 0.0);
  for (std::size_t s = 0; s < inst.service_count(); ++s) {
    for (int r = 0; r < inst.dims; ++r) prices[s] += resource_prices[r] * static_cast<double>(inst.req(s)[r]);
    prices[s] = std::min(prices[s], inst.penalty[s]);
  }
  return prices;
}

// The price per unit of dimension r at which the fractional knapsack of `services`'
// replicas over `capacity` runs out (the replicas worth most penalty per unit placed
// first); -1 where they all fit.
double knapsack_price(const Instance& inst, const std::vector<std::uint32_t>& services, int r, double capacity) {
  std::vector<std::pair<double, double>> items;  // (penalty per unit, units asked)
  for (const auto s : services)
    if (inst.req(s)[r] > 0 && inst.replicas[s] > 0)
      items.emplace_back(inst.penalty[s] / static_cast<double>(inst.req(s)[r]),
                         static_cast<double>(inst.req(s)[r]) * inst.replicas[s]);
  std::sort(items.begin(), items.end(), std::greater<>());
  for (const auto& [worth, units] : items) {
    if (units >= capacity) return worth;
    capacity -= units;
  }
  return -1;
}

// Starting resource prices: each dimension priced alone at its cheapest capacity, each
// over-committed dimension at its knapsack price, and, where utilisation costs count,
// every dimension at its marginal cost at the cluster's mean utilisation.
std::vector<std::vector<double>> starting_resource_prices(const Instance& inst) {
  std::vector<std::vector<double>> starts;
  starts.emplace_back(inst.dims, 0.0);
  for (int r = 0; r < inst.dims; ++r) {
    double cheapest = kInfinity;
    for (std::size_t n = 0; n < inst.node_count(); ++n)
      if (inst.cap(n)[r] > 0 && inst.node_cost[n] > 0)
        cheapest = std::min(cheapest, inst.node_cost[n] / static_cast<double>(inst.cap(n)[r]));
    if (cheapest == kInfinity) continue;
    std::vector<double> single(inst.dims, 0.0);
    single[r] = cheapest;
    starts.push_back(std::move(single));
  }
  // Demand above capacity in one dimension: the price at which the fractional knapsack
  // over the cluster's whole capacity runs out (replicas worth more per unit stay placed).
  // Its dual value is the bound "at least this much penalty stays unplaced", which the
  // searches from the node-cost prices never reach when penalties dwarf node costs.
  std::vector<std::uint32_t> services(inst.service_count());
  std::iota(services.begin(), services.end(), 0u);
  for (int r = 0; r < inst.dims; ++r) {
    double capacity = 0;
    for (std::size_t n = 0; n < inst.node_count(); ++n) capacity += static_cast<double>(inst.cap(n)[r]);
    if (const double price = knapsack_price(inst, services, r, capacity); price >= 0) {
      std::vector<double> knapsack(inst.dims, 0.0);
      knapsack[r] = price;
      starts.push_back(std::move(knapsack));
    }
  }
  const auto& w = inst.problem->objective.weights;
  if (w.load_spread > 0 || w.balance > 0) {
    std::vector<double> demand(inst.dims, 0.0);
    for (std::size_t s = 0; s < inst.service_count(); ++s)
      for (int r = 0; r < inst.dims; ++r) demand[r] += static_cast<double>(inst.req(s)[r]) * inst.replicas[s];
    int dims = 0;
    for (int r = 0; r < inst.dims; ++r) dims += inst.dim_scale[r] > 0 ? 1 : 0;
    std::vector<double> marginal(inst.dims, 0.0);
    for (int r = 0; r < inst.dims; ++r) {
      if (inst.dim_scale[r] <= 0) continue;
      const double capacity = inst.dim_scale[r] * static_cast<double>(inst.node_count());
      marginal[r] = 2.0 * w.load_spread * (demand[r] / capacity) / (inst.dim_scale[r] * dims);
    }
    starts.push_back(std::move(marginal));
  }
  return starts;
}

// The dual is flat in most directions at a binpacking optimum and a per-service
// subgradient flip-flops there, so the prices first move in the few dimensions that
// matter: replica prices proportional to resources, π found by a coordinate search on
// the dual value (each evaluation is one round of the nodes' answers).
std::vector<double> search_resource_prices(const Instance& inst, Rounds& driver, int evaluations,
                                           const std::function<bool()>& stop, bool limited, double& bound,
                                           std::vector<double>& resource_prices_out) {
  Master probe(inst.replicas, inst.penalty, std::vector<double>(inst.service_count(), 0.0));
  // With prices proportional to resources, the resource prices themselves are the
  // direction in which every node's LP bound is tight, so no answers need computing.
  auto value_at = [&](const std::vector<double>& resource_prices) {
    const auto prices = prices_from_resources(inst, resource_prices);
    RoundTotals totals;
    totals.local_bound_sum = driver.bound_sum_along(prices, resource_prices);
    return probe.dual_value_at(prices, totals);
  };
  std::vector<double> best;
  double best_value = -kInfinity;
  std::vector<double> scale(inst.dims, 0.0);
  for (auto& start : starting_resource_prices(inst)) {
    for (int r = 0; r < inst.dims; ++r) scale[r] = std::max(scale[r], start[r]);
    const double value = value_at(start);
    --evaluations;
    if (value > best_value) {
      best_value = value;
      best = std::move(start);
    }
  }
  auto coordinate_search = [&](std::vector<double>& at, double& at_value, double finest, int& budget) {
    for (double step = 0.5; step > finest && budget > 0 && !stop(); step /= 2) {
      bool improved = true;
      while (improved && budget > 0 && !stop()) {
        improved = false;
        for (int r = 0; r < inst.dims && budget > 0 && !stop(); ++r) {
          if (scale[r] <= 0) continue;
          for (const double direction : {1.0, -1.0}) {
            std::vector<double> trial = at;
            trial[r] = std::max(0.0, trial[r] + direction * step * scale[r]);
            if (trial[r] == at[r]) continue;
            const double value = value_at(trial);
            --budget;
            if (value > at_value + 1e-9 * std::max(1.0, std::abs(at_value))) {
              at_value = value;
              at = std::move(trial);
              improved = true;
              break;
            }
          }
        }
      }
    }
  };
  if (!best.empty()) {
    coordinate_search(best, best_value, kCoarsestStep, evaluations);
    // Finer steps raise the bound a little more (general 1,000 / 10,000: 3,253.8 to
    // 3,255.5), but the rounds and recovery start from the coarse prices: recovered at
    // the finer ones, the mixed families' placements came out up to 2% worse.
    std::vector<double> finer = best;
    double finer_value = best_value;
    // Without a time limit to stop it, the refinement costs no more than the search.
    int budget = limited ? kBoundRefineEvaluations : kResourcePriceEvaluations;
    coordinate_search(finer, finer_value, kFinestStep, budget);
    bound = std::max(bound, finer_value);
  }
  if (best.empty()) best.assign(inst.dims, 0.0);  // no start gave a finite bound
  bound = std::max(bound, best_value);
  resource_prices_out = best;
  return prices_from_resources(inst, best);
}

// Services that may use only some node classes can be over-committed on them while the
// cluster as a whole is not (pods that need one GPU model). Per group of services with
// the same eligible classes, where the group's own demand exceeds the capacity of those
// classes in a dimension, its services are priced at that group's knapsack price, where
// that is above their price in `prices`. Any prices give a valid bound; the caller keeps
// these only if the bound is better.
std::vector<double> group_knapsack_prices(const Instance& inst, std::vector<double> prices) {
  std::map<std::vector<int>, std::vector<std::uint32_t>> groups;  // eligible classes → services
  {
    std::vector<std::vector<int>> classes(inst.service_count());
    for (std::size_t c = 0; c < inst.class_members.size(); ++c)
      for (const auto& candidate : inst.class_candidates[c])
        if (candidate.limit > 0) classes[candidate.service].push_back(static_cast<int>(c));
    for (std::uint32_t s = 0; s < inst.service_count(); ++s)
      if (!classes[s].empty() && inst.replicas[s] > 0) groups[classes[s]].push_back(s);
  }
  for (const auto& [classes, services] : groups) {
    if (classes.size() == inst.class_members.size()) continue;  // the whole cluster's price covers it
    for (int r = 0; r < inst.dims; ++r) {
      double capacity = 0;
      for (const int c : classes) {
        const auto& members = inst.class_members[static_cast<std::size_t>(c)];
        capacity += static_cast<double>(members.size()) * static_cast<double>(inst.cap(members.front())[r]);
      }
      const double price = knapsack_price(inst, services, r, capacity);
      if (price < 0) continue;  // the group fits in this dimension
      for (const auto s : services)
        prices[s] = std::max(prices[s], std::min(inst.penalty[s], price * static_cast<double>(inst.req(s)[r])));
    }
  }
  return prices;
}

// Pure bin packing whose demand fills the fewest nodes the bound allows exactly in every
// dimension: look for that perfect packing before node elimination's local search, which
// almost never finds one. (With room to spare the search rarely pays for its time.)
std::optional<WorkingPlacement> complete_to_bound(const Instance& inst, double bound, int total_replicas,
                                                 const std::function<bool()>& out_of_time) {
  const int fewest = std::max(1, static_cast<int>(std::ceil(bound / inst.node_cost[0] - 1e-9)));
  if (!demand_fills_exactly(inst, fewest)) return std::nullopt;
  const std::int64_t budget =
      std::clamp<std::int64_t>(kCompletionWorkPerReplica * total_replicas, 100'000, 20'000'000);
  return complete_bins(inst, fewest, {.work_budget = budget, .out_of_time = out_of_time, .seed = 1});
}

bool recovery_round(int round) { return (round & (round + 1)) == 0 || round % 40 == 39; }

double relative_gap(double objective, double bound) {
  if (objective - bound <= 1e-9 * std::max(1.0, std::abs(objective))) return 0.0;
  return (objective - bound) / std::max(std::abs(objective), 1e-9);
}

}  // namespace

Solution solve(const model::Problem& problem, const SolveOptions& options) {
  InProcessSolvers here;
  return solve(problem, options, here);
}

Solution solve(const model::Problem& problem, const SolveOptions& options, LocalSolvers& solvers) {
  const Instance inst = make_instance(problem);
  const bool limited = options.elapsed_seconds && options.time_limit_seconds > 0;
  auto out_of_time = [&options, limited] { return limited && options.elapsed_seconds() >= options.time_limit_seconds; };
  int total_replicas = 0;
  for (const int r : inst.replicas) total_replicas += r;
  // A stop for a phase that may take only `share` of the time limit.
  auto search_time_over = [&options, &out_of_time](double share) {
    return std::function<bool()>([&options, &out_of_time, share] {
      return out_of_time() || (options.elapsed_seconds && options.time_limit_seconds > 0 &&
                               options.elapsed_seconds() >= share * options.time_limit_seconds);
    });
  };

  std::optional<WorkingPlacement> best;
  double bound = std::max(0.0, options.known_lower_bound);  // every term is non-negative
  const bool closes_nodes = std::any_of(inst.node_cost.begin(), inst.node_cost.end(), [](double c) { return c > 0; });
  auto rounds_done = [&] {
    return out_of_time() || (closes_nodes && options.elapsed_seconds && options.time_limit_seconds > 0 &&
                             options.elapsed_seconds() >= kRoundShare * options.time_limit_seconds);
  };
  int rounds = 0;
  auto consider = [&](WorkingPlacement candidate) {
    if (!best || candidate.objective() < best->objective() - 1e-12) best = std::move(candidate);
  };

  if (options.exact_max_replicas > 0 && total_replicas <= options.exact_max_replicas) {
    if (auto exact = solve_exactly(inst, kExactLeaves)) {
      bound = exact->objective();
      best = std::move(*exact);
    }
  }

  // A perfect packing, if the bound known from the problem's structure says one may exist,
  // proves itself optimal and makes the rounds unnecessary.
  if (!best && closes_nodes && bound > 0 && bin_packing_case(inst))
    if (auto packed = complete_to_bound(inst, bound, total_replicas, search_time_over(kCompletionShare)))
      best = std::move(*packed);

  if (!best || relative_gap(best->objective(), bound) > 0) {
    Rounds driver(inst, solvers);
    // The price search may take a share of the time limit; the rest goes to recovery and
    // local search.
    auto search_done = [&options] {
      return options.elapsed_seconds && options.time_limit_seconds > 0 &&
             options.elapsed_seconds() >= kPriceSearchShare * options.time_limit_seconds;
    };
    std::vector<double> resource_prices;
    std::vector<double> start =
        search_resource_prices(inst, driver, kResourcePriceEvaluations, search_done, limited, bound, resource_prices);
    if (auto grouped = group_knapsack_prices(inst, start); grouped != start) {
      RoundTotals totals;
      totals.local_bound_sum = driver.bound_sum_along(grouped, resource_prices);
      Master probe(inst.replicas, inst.penalty, grouped);
      if (const double value = probe.dual_value(totals); value > bound) {
        bound = value;
        start = std::move(grouped);
      }
    }
    driver.hint_bound_direction(resource_prices);
    Master master(inst.replicas, inst.penalty, std::move(start));
    for (rounds = 0; rounds < options.max_rounds; ++rounds) {
      const RoundTotals totals = driver.answer(master.prices());
      const double value = master.dual_value(totals);
      bound = std::max(bound, value);
      if (recovery_round(rounds) || !best) {
        WorkingPlacement candidate = driver.recover_at_current_prices(options.seed + static_cast<std::uint64_t>(rounds));
        improve(candidate, {.seed = options.seed + static_cast<std::uint64_t>(rounds), .work_budget = 2'000'000,
                            .out_of_time = out_of_time});
        consider(std::move(candidate));
      }
      if (relative_gap(best->objective(), bound) <= options.gap_target || rounds_done()) {
        ++rounds;
        break;
      }
      master.update(totals, value, best->objective());
    }
    if (relative_gap(best->objective(), bound) > 0 && !out_of_time()) {
      driver.answer(master.best_prices());
      WorkingPlacement candidate = driver.recover_at_current_prices(options.seed);
      improve(candidate, {.seed = options.seed, .work_budget = 2'000'000, .out_of_time = out_of_time});
      consider(std::move(candidate));
    }
  }
  if (!out_of_time()) improve(*best, {.seed = options.seed, .work_budget = 20'000'000, .out_of_time = out_of_time});
  const std::int64_t search_work = limited ? std::numeric_limits<std::int64_t>::max()
                                           : std::min(kEliminationWorkWithoutLimit, kEliminationWorkPerReplica * total_replicas);
  if (best->unplaced_cost() > 0 && relative_gap(best->objective(), bound) > 0 && !out_of_time())
    repair_unplaced(*best, {.seed = options.seed, .work_budget = search_work, .out_of_time = out_of_time, .lower_bound = bound});
  if (closes_nodes && relative_gap(best->objective(), bound) > 0 && !out_of_time()) {
    eliminate_nodes(*best, {.seed = options.seed, .work_budget = search_work, .out_of_time = out_of_time, .lower_bound = bound});
  }

  Solution solution;
  solution.placement = best->to_placement();
  solution.terms = model::evaluate(problem, solution.placement);
  solution.objective = solution.terms.total();
  // A bound above a valid placement's objective would be a bug, not rounding noise.
  assert(bound <= solution.objective + 1e-6 * std::max(1.0, std::abs(solution.objective)));
  solution.lower_bound = std::min(bound, solution.objective);
  solution.gap = relative_gap(solution.objective, solution.lower_bound);
  solution.proven_optimal = solution.gap == 0.0;
  solution.rounds = rounds;
  const auto stats = model::stats(problem, solution.placement);
  solution.nodes_used = stats.nodes_used;
  solution.moves = stats.moves;
  for (std::uint32_t s = 0; s < inst.service_count(); ++s)
    if (const int missing = best->unplaced(s); missing > 0)
      solution.unplaced.push_back({model::ServiceId{s}, missing, explain_unplaced(*best, s)});
  if (stats.replicas_unplaced == 0) {
    solution.status = solution.proven_optimal ? SolveStatus::optimal : SolveStatus::feasible;
  } else {
    solution.status = stats.replicas_placed > 0 ? SolveStatus::partial : SolveStatus::infeasible;
  }
  return solution;
}

}  // namespace berth::optimizer
