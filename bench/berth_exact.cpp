// berth-exact: berth's placements against the true optimum, found by COIN-OR CBC, on small
// generated clusters (bench/generator.hpp). Reports per size how often berth reaches the
// optimum and its gap when it does not. See docs/benchmarks.md.
//
//   berth-exact --sizes 4x16,8x40,16x100 --seeds 1,2,3,4,5 --time-limit 5 --mip-time-limit 60 --data gap.dat
//
// Both placements are checked with model::check and scored with model::evaluate, so the
// comparison does not trust either solver's own accounting; berth's lower bound must not
// exceed a proven optimum. Exit status: 0 when every
// placement is valid and every bound holds, 1 otherwise, 64 on bad flags.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/exact_mip.hpp"
#include "bench/generator.hpp"
#include "bench/report.hpp"
#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"

namespace {

namespace model = berth::model;
using Clock = std::chrono::steady_clock;

struct Config {
  std::vector<std::string> sizes = {"3x8", "4x16", "6x30", "8x50", "12x80", "16x120"};
  std::vector<std::uint64_t> seeds = {1, 2, 3, 4, 5, 6, 7, 8};
  double time_limit_seconds = 5;
  double mip_time_limit_seconds = 60;
  std::string data_path;
};

struct Comparison {
  double berth = 0;
  double exact = 0;
  double bound = 0;
  double berth_bound = 0;  // berth's own lower bound
  double gap = 0;  // (berth − exact) / exact, 0 when berth reached it
  bool exact_proven = false;
  bool reached = false;
  double berth_seconds = 0;
  double mip_seconds = 0;
  int services = 0;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// The two objectives agree within rounding of the costs' sums.
bool same_objective(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); }

}  // namespace

namespace {

int run(const Config& config) {
  std::vector<berth::bench::Size> sizes;
  for (const auto& text : config.sizes) {
    const auto size = berth::bench::parse_size(text);
    if (!size) {
      std::cerr << "berth-exact: bad size '" << text << "', expected NODESxREPLICAS such as 8x40\n";
      return 64;
    }
    sizes.push_back(*size);
  }
  bool all_valid = true;
  std::ofstream data;
  if (!config.data_path.empty()) {
    data.open(config.data_path);
    if (!data) {
      std::cerr << "berth-exact: cannot write " << config.data_path << "\n";
      return 64;
    }
    data << "# nodes replicas instances proven reached mean_gap_pct max_gap_pct mean_berth_s mean_cbc_s max_cbc_s\n";
  }
  std::cout << "berth: time limit " << config.time_limit_seconds << " s; CBC: time limit "
            << config.mip_time_limit_seconds << " s; generator: bench/generator.hpp, mixed families, binpack\n\n"
            << "| size | seed | services | berth | berth's bound | optimum | CBC | gap | berth s | CBC s |\n"
            << "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n";
  struct Row {
    berth::bench::Size size;
    std::vector<Comparison> runs;
  };
  std::vector<Row> rows;
  for (const auto& size : sizes) {
    rows.push_back({size, {}});
    for (const auto seed : config.seeds) {
      const model::Problem problem =
          berth::bench::generate_cluster({.nodes = size.nodes, .replicas = size.replicas, .seed = seed});
      Comparison c;
      c.services = static_cast<int>(problem.services.size());
      auto start = Clock::now();
      const auto solution = berth::optimizer::solve(
          problem, {.seed = seed,
                    .elapsed_seconds = [start] { return seconds_since(start); },
                    .time_limit_seconds = config.time_limit_seconds});
      c.berth_seconds = seconds_since(start);
      start = Clock::now();
      const auto exact = berth::bench::solve_mip(problem, {.time_limit_seconds = config.mip_time_limit_seconds});
      c.mip_seconds = seconds_since(start);
      const auto berth_violations = model::check(problem, solution.placement);
      const auto exact_violations = model::check(problem, exact.placement);
      if (!berth_violations.empty() || (exact.status != berth::bench::MipStatus::failed && !exact_violations.empty())) {
        all_valid = false;
        for (const auto& v : berth_violations)
          std::cerr << "berth-exact: " << size.label() << " seed " << seed << ": berth: " << model::to_string(v.kind)
                    << ": " << v.detail << "\n";
        for (const auto& v : exact_violations)
          std::cerr << "berth-exact: " << size.label() << " seed " << seed << ": CBC: " << model::to_string(v.kind)
                    << ": " << v.detail << "\n";
      }
      c.berth = model::evaluate(problem, solution.placement).total();
      c.berth_bound = solution.lower_bound;
      c.exact_proven = exact.status == berth::bench::MipStatus::optimal;
      std::string status = berth::bench::to_string(exact.status);
      if (exact.status == berth::bench::MipStatus::optimal || exact.status == berth::bench::MipStatus::stopped) {
        c.exact = model::evaluate(problem, exact.placement).total();
        c.bound = exact.bound;
        if (!same_objective(c.exact, exact.objective)) {
          std::cerr << "berth-exact: " << size.label() << " seed " << seed << ": CBC's objective " << exact.objective
                    << " differs from the model's " << c.exact << "\n";
          all_valid = false;
        }
        c.reached = c.berth <= c.exact || same_objective(c.berth, c.exact);
        // berth's bound claims no placement is cheaper: a proven optimum below it is a bug.
        if (c.exact_proven && c.berth_bound > c.exact && !same_objective(c.berth_bound, c.exact)) {
          std::cerr << "berth-exact: " << size.label() << " seed " << seed << ": berth's lower bound " << c.berth_bound
                    << " exceeds the optimum " << c.exact << "\n";
          all_valid = false;
        }
        c.gap = c.reached ? 0.0 : (c.berth - c.exact) / std::max(c.exact, 1e-9);
      }
      std::cout << "| " << size.label() << " | " << seed << " | " << c.services << " | " << fixed(c.berth, 3) << " | "
                << fixed(c.berth_bound, 3) << " | " << (c.exact_proven ? fixed(c.exact, 3) : "(" + fixed(c.exact, 3) + ")") << " | " << status << " | "
                << fixed(100.0 * c.gap, 2) << "% | " << fixed(c.berth_seconds, 3) << " | " << fixed(c.mip_seconds, 3)
                << " |\n"
                << std::flush;
      rows.back().runs.push_back(c);
    }
  }

  std::cout << "\n| size | instances | proven optimal by CBC | berth reaches the optimum | mean gap | max gap | "
               "mean berth s | mean CBC s | max CBC s |\n"
            << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& row : rows) {
    int proven = 0;
    int reached = 0;
    double gap_sum = 0;
    double gap_max = 0;
    double berth_time = 0;
    double mip_time = 0;
    double mip_max = 0;
    for (const auto& c : row.runs) {
      berth_time += c.berth_seconds;
      mip_time += c.mip_seconds;
      mip_max = std::max(mip_max, c.mip_seconds);
      if (!c.exact_proven) continue;  // gaps only against proven optima
      ++proven;
      reached += c.reached ? 1 : 0;
      gap_sum += c.gap;
      gap_max = std::max(gap_max, c.gap);
    }
    const double count = static_cast<double>(row.runs.size());
    const double mean_gap = proven > 0 ? gap_sum / proven : 0.0;
    std::cout << "| " << row.size.label() << " | " << row.runs.size() << " | " << proven << " | " << reached << " / "
              << proven << " | " << fixed(100.0 * mean_gap, 3) << "% | " << fixed(100.0 * gap_max, 3) << "% | "
              << fixed(berth_time / count, 3) << " | " << fixed(mip_time / count, 3) << " | " << fixed(mip_max, 3)
              << " |\n";
    if (data.is_open())
      data << row.size.nodes << ' ' << row.size.replicas << ' ' << row.runs.size() << ' ' << proven << ' ' << reached
           << ' ' << 100.0 * mean_gap << ' ' << 100.0 * gap_max << ' ' << berth_time / count << ' '
           << mip_time / count << ' ' << mip_max << '\n';
  }
  std::cout << "\ngap = (berth − optimum) / optimum, over the instances CBC proved optimal; both objectives from "
               "model::evaluate\n";
  if (!all_valid) {
    std::cerr << "berth-exact: a placement breaks hard rules or an objective disagrees\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  CLI::App app{"berth-exact: berth against the exact optimum (COIN-OR CBC) on small generated clusters"};
  app.add_option("--sizes", config.sizes, "instances as NODESxREPLICAS, comma separated")->delimiter(',');
  app.add_option("--seeds", config.seeds, "generator seeds, comma separated")->delimiter(',');
  app.add_option("--time-limit", config.time_limit_seconds, "berth's time limit in seconds (0: none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--mip-time-limit", config.mip_time_limit_seconds, "CBC's time limit per instance in seconds")
      ->check(CLI::PositiveNumber);
  app.add_option("--data", config.data_path, "also write the per-size summary for gnuplot to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 64;
  }
  try {
    return run(config);
  } catch (const std::exception& e) {
    std::cerr << "berth-exact: " << e.what() << "\n";
    return 70;
  }
}
