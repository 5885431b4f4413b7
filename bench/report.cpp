#include "bench/report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "bench/baselines.hpp"
#include "bench/generator.hpp"
#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"

namespace berth::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// printf into a std::string (GCC 12 has no <format>).
__attribute__((format(printf, 1, 2))) std::string printf_string(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  const int length = std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (length < 0) return {};
  return std::string(buffer, std::min<std::size_t>(static_cast<std::size_t>(length), sizeof buffer - 1));
}

// Objective, nodes, unplaced and violations of a finished placement. Not timed: the
// checker is written for clarity, not speed.
void assess(const model::Problem& problem, const model::Placement& placement, SolverResult& result) {
  const auto stats = model::stats(problem, placement);
  result.nodes_used = stats.nodes_used;
  result.unplaced = stats.replicas_unplaced;
  result.objective = model::evaluate(problem, placement).total();
  const auto violations = model::check(problem, placement);
  result.violations = static_cast<int>(violations.size());
  if (!violations.empty())
    result.first_violation = std::string(model::to_string(violations.front().kind)) + ": " + violations.front().detail;
}

SolverResult run_baseline(const std::string& name, const model::Problem& problem,
                          const std::function<model::Placement(const model::Problem&)>& solver) {
  SolverResult result{.solver = name};
  const auto start = Clock::now();
  const model::Placement placement = solver(problem);
  result.seconds = seconds_since(start);
  assess(problem, placement, result);
  return result;
}

SolverResult run_berth(const model::Problem& problem, std::uint64_t seed, const RunOptions& options) {
  SolverResult result{.solver = kBerth};
  const auto start = Clock::now();
  const optimizer::SolveOptions solve_options{
      .seed = seed,
      .elapsed_seconds = [start] { return seconds_since(start); },
      .time_limit_seconds = options.time_limit_seconds,
  };
  const optimizer::Solution solution = optimizer::solve(problem, solve_options);
  result.seconds = seconds_since(start);
  assess(problem, solution.placement, result);
  result.lower_bound = solution.lower_bound;
  result.gap = result.objective > 0 ? (result.objective - solution.lower_bound) / result.objective : 0.0;
  result.rounds = solution.rounds;
  result.reported_objective = solution.objective;
  return result;
}

const SolverResult* find(const InstanceResult& result, const std::string& solver) {
  for (const auto& s : result.solvers)
    if (s.solver == solver) return &s;
  return nullptr;
}

std::string optional_number(const std::optional<double>& value, const char* format) {
  return value ? printf_string(format, *value) : std::string("-");
}

std::string table_header() {
  return printf_string("  %-11s %7s %12s %12s %7s %10s %9s %9s\n", "solver", "nodes", "objective", "lower_bound",
                       "gap", "violations", "unplaced", "time_s");
}

std::string table_row(const std::string& solver, double nodes, double objective, const std::optional<double>& bound,
                      const std::optional<double>& gap, double violations, double unplaced, double seconds) {
  const std::string gap_text = gap ? printf_string("%.2f%%", *gap * 100) : std::string("-");
  return printf_string("  %-11s %7.0f %12.2f %12s %7s %10.0f %9.0f %9.3f\n", solver.c_str(), nodes, objective,
                       optional_number(bound, "%.2f").c_str(), gap_text.c_str(), violations, unplaced, seconds);
}

std::vector<std::string> baselines_of(const InstanceResult& result) {
  std::vector<std::string> names;
  for (const auto& s : result.solvers)
    if (s.solver != kBerth) names.push_back(s.solver);
  return names;
}

std::optional<double> median_of(const std::vector<std::optional<double>>& values) {
  std::vector<double> present;
  for (const auto& v : values)
    if (v) present.push_back(*v);
  if (present.empty()) return std::nullopt;
  return median(std::move(present));
}

// Results grouped by size, in the order the sizes first appear.
std::vector<std::vector<const InstanceResult*>> by_size(const std::vector<InstanceResult>& results) {
  std::vector<std::vector<const InstanceResult*>> groups;
  std::map<std::string, std::size_t> index;
  for (const auto& r : results) {
    const auto [it, inserted] = index.try_emplace(r.size.label(), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(&r);
  }
  return groups;
}

}  // namespace

std::string Size::label() const { return std::to_string(nodes) + "x" + std::to_string(replicas); }

std::optional<Size> parse_size(const std::string& text) {
  const auto x = text.find('x');
  if (x == std::string::npos || x == 0 || x + 1 >= text.size()) return std::nullopt;
  auto parse = [](const std::string& digits) -> std::optional<int> {
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    for (const char c : digits)
      if (c < '0' || c > '9') return std::nullopt;
    const int value = std::stoi(digits);
    return value > 0 ? std::optional<int>(value) : std::nullopt;
  };
  const auto nodes = parse(text.substr(0, x));
  const auto replicas = parse(text.substr(x + 1));
  if (!nodes || !replicas) return std::nullopt;
  return Size{.nodes = *nodes, .replicas = *replicas};
}

InstanceResult run_instance(const Size& size, std::uint64_t seed, const RunOptions& options) {
  InstanceResult result{.size = size, .seed = seed};
  const auto start = Clock::now();
  const model::Problem problem =
      generate_cluster({.nodes = size.nodes, .replicas = size.replicas, .seed = seed, .families = options.families});
  result.generate_seconds = seconds_since(start);
  result.services = static_cast<int>(problem.services.size());
  result.resources = problem.resources;
  result.demand = demand_ratio(problem);

  const KubeOptions kube{.seed = options.kube_seed, .percentage_of_nodes_to_score = options.kube_percentage_of_nodes_to_score};
  for (const auto& solver : options.solvers) {
    if (solver == kBerth) {
      result.solvers.push_back(run_berth(problem, seed, options));
    } else if (solver == kKubeLeast) {
      result.solvers.push_back(run_baseline(solver, problem, [&](const model::Problem& p) {
        return kube_greedy(p, KubeScoring::least_allocated, kube);
      }));
    } else if (solver == kKubeMost) {
      result.solvers.push_back(run_baseline(solver, problem, [&](const model::Problem& p) {
        return kube_greedy(p, KubeScoring::most_allocated, kube);
      }));
    } else if (solver == kBestFit) {
      result.solvers.push_back(run_baseline(solver, problem, best_fit_decreasing));
    }
  }
  return result;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::optional<double> node_ratio(const InstanceResult& result, const std::string& baseline) {
  const auto* berth = find(result, kBerth);
  const auto* other = find(result, baseline);
  if (!berth || !other || other->nodes_used == 0) return std::nullopt;
  return static_cast<double>(berth->nodes_used) / other->nodes_used;
}

std::optional<double> time_ratio(const InstanceResult& result, const std::string& baseline) {
  const auto* berth = find(result, kBerth);
  const auto* other = find(result, baseline);
  if (!berth || !other || other->seconds <= 0) return std::nullopt;
  return berth->seconds / other->seconds;
}

std::string format_instance(const InstanceResult& result) {
  std::string demand;
  for (std::size_t r = 0; r < result.resources.size(); ++r)
    demand += printf_string(" %s %.1f%%", result.resources[r].c_str(), result.demand[r] * 100);
  std::string text = printf_string("%s seed %llu: %d services, demand/capacity%s (generated in %.2f s)\n",
                                   result.size.label().c_str(), static_cast<unsigned long long>(result.seed),
                                   result.services, demand.c_str(), result.generate_seconds);
  text += table_header();
  for (const auto& s : result.solvers) {
    text += table_row(s.solver, s.nodes_used, s.objective, s.lower_bound, s.gap, s.violations, s.unplaced, s.seconds);
    if (s.violations > 0) text += "    first violation: " + s.first_violation + "\n";
    // The solver's own account of its objective must match the evaluator's.
    if (s.reported_objective && std::abs(*s.reported_objective - s.objective) > 1e-6 * std::max(1.0, s.objective))
      text += printf_string("    %s reports objective %.4f, model::evaluate gives %.4f\n", s.solver.c_str(),
                            *s.reported_objective, s.objective);
  }
  if (find(result, kBerth) && !baselines_of(result).empty()) {
    text += "  berth / baseline:";
    for (const auto& b : baselines_of(result))
      text += printf_string("  %s nodes %s time %s;", b.c_str(), optional_number(node_ratio(result, b), "%.3f").c_str(),
                            optional_number(time_ratio(result, b), "%.2f").c_str());
    text.back() = '\n';
  }
  return text;
}

std::vector<SizeSummary> summarize(const std::vector<InstanceResult>& results) {
  std::vector<SizeSummary> summaries;
  for (const auto& group : by_size(results)) {
    const InstanceResult& first = *group.front();
    SizeSummary summary{.size = first.size, .seeds = static_cast<int>(group.size())};
    for (const auto& s : first.solvers) {
      std::vector<double> nodes, objective, unplaced, seconds;
      std::vector<std::optional<double>> bound, gap;
      int worst = 0;
      for (const auto* r : group) {
        const auto* run = find(*r, s.solver);
        if (!run) continue;
        nodes.push_back(run->nodes_used);
        objective.push_back(run->objective);
        unplaced.push_back(run->unplaced);
        seconds.push_back(run->seconds);
        bound.push_back(run->lower_bound);
        gap.push_back(run->gap);
        worst = std::max(worst, run->violations);
      }
      summary.solvers.push_back({.solver = s.solver,
                                 .nodes_used = median(nodes),
                                 .objective = median(objective),
                                 .lower_bound = median_of(bound),
                                 .gap = median_of(gap),
                                 .worst_violations = worst,
                                 .unplaced = median(unplaced),
                                 .seconds = median(seconds)});
    }
    if (find(first, kBerth)) {
      for (const auto& b : baselines_of(first)) {
        std::vector<std::optional<double>> nodes, time;
        for (const auto* r : group) {
          nodes.push_back(node_ratio(*r, b));
          time.push_back(time_ratio(*r, b));
        }
        summary.ratios.push_back({.baseline = b, .nodes = median_of(nodes), .time = median_of(time)});
      }
    }
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::string format_summary(const std::vector<InstanceResult>& results) {
  std::string text;
  for (const auto& summary : summarize(results)) {
    text += printf_string("summary %s, median over %d seed(s):\n", summary.size.label().c_str(), summary.seeds);
    text += table_header();
    for (const auto& s : summary.solvers)
      text += table_row(s.solver, s.nodes_used, s.objective, s.lower_bound, s.gap, s.worst_violations, s.unplaced,
                        s.seconds);
    if (summary.ratios.empty()) continue;
    text += "  berth / baseline:";
    for (const auto& r : summary.ratios)
      text += printf_string("  %s nodes %s time %s;", r.baseline.c_str(), optional_number(r.nodes, "%.3f").c_str(),
                            optional_number(r.time, "%.2f").c_str());
    text.back() = '\n';
  }
  return text;
}

nlohmann::ordered_json to_json(const std::vector<InstanceResult>& results) {
  auto optional = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(); };
  nlohmann::ordered_json instances = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    nlohmann::ordered_json demand = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.resources.size(); ++i) demand[r.resources[i]] = r.demand[i];
    nlohmann::ordered_json solvers = nlohmann::ordered_json::array();
    for (const auto& s : r.solvers) {
      solvers.push_back({{"solver", s.solver},
                         {"nodes_used", s.nodes_used},
                         {"objective", s.objective},
                         {"lower_bound", optional(s.lower_bound)},
                         {"gap", optional(s.gap)},
                         {"rounds", s.rounds},
                         {"reported_objective", optional(s.reported_objective)},
                         {"violations", s.violations},
                         {"first_violation", s.first_violation},
                         {"unplaced", s.unplaced},
                         {"seconds", s.seconds}});
    }
    nlohmann::ordered_json ratios = nlohmann::ordered_json::object();
    for (const auto& b : baselines_of(r))
      ratios[b] = {{"nodes", optional(node_ratio(r, b))}, {"time", optional(time_ratio(r, b))}};
    instances.push_back({{"size", r.size.label()},
                         {"nodes", r.size.nodes},
                         {"replicas", r.size.replicas},
                         {"seed", r.seed},
                         {"services", r.services},
                         {"demand", demand},
                         {"generate_seconds", r.generate_seconds},
                         {"solvers", solvers},
                         {"berth_over_baseline", ratios}});
  }
  nlohmann::ordered_json summaries = nlohmann::ordered_json::array();
  for (const auto& summary : summarize(results)) {
    nlohmann::ordered_json solvers = nlohmann::ordered_json::array();
    for (const auto& s : summary.solvers)
      solvers.push_back({{"solver", s.solver},
                         {"nodes_used", s.nodes_used},
                         {"objective", s.objective},
                         {"lower_bound", optional(s.lower_bound)},
                         {"gap", optional(s.gap)},
                         {"worst_violations", s.worst_violations},
                         {"unplaced", s.unplaced},
                         {"seconds", s.seconds}});
    nlohmann::ordered_json ratios = nlohmann::ordered_json::object();
    for (const auto& r : summary.ratios) ratios[r.baseline] = {{"nodes", optional(r.nodes)}, {"time", optional(r.time)}};
    summaries.push_back({{"size", summary.size.label()},
                         {"seeds", summary.seeds},
                         {"median", solvers},
                         {"berth_over_baseline", ratios}});
  }
  return {{"instances", instances}, {"summary", summaries}};
}

}  // namespace berth::bench
