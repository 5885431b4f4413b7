// berth-vbp: berth's binpack strategy on vector bin packing instances (.vbp files). Each
// instance becomes identical nodes (one per bin, cost 1) and one service per item type;
// berth's optimizer::solve packs it, the packing is checked by model::check and by an
// independent per-bin capacity check, and only then one line is printed:
//   NAME BINS LOWER_BOUND SECONDS
// See docs/benchmarks.md.
//
//   berth-vbp --time-limit 10 class1_20_3_0.vbp ...
//   berth-vbp --time-limit 1 --summary Panigrahy_summary_known.csv $(find DIR -name '*.vbp')
//
// With --summary, per-class lines starting with '#' follow the instance lines.
// Exit status: 0 when every packing is valid, 1 when one is not (it is reported on stderr
// and not printed), 64 on bad flags, 65 on a bad input file.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/vbp/summary.hpp"
#include "bench/vbp/vbp.hpp"
#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"

namespace {

namespace vbp = berth::bench::vbp;

struct Config {
  std::vector<std::string> files;
  double time_limit_seconds = 10;
  std::uint64_t seed = 1;
  std::vector<std::string> summaries;
};

// Solves one instance; nullopt (after a message on stderr) when its packing is invalid.
std::optional<vbp::RunResult> run_instance(const vbp::Instance& instance, const Config& config) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [start] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  // First-fit decreasing bounds the bins needed; a few spare nodes let the optimizer's own
  // recovery open more than that without leaving replicas unplaced.
  const int bins = vbp::first_fit_decreasing_bins(instance);
  const auto problem = vbp::to_problem(instance, bins + bins / 10 + 1);
  const std::int64_t bound = vbp::lower_bound(instance);
  const auto solution = berth::optimizer::solve(
      problem, {.seed = config.seed,
                .gap_target = 0,
                .max_rounds = config.time_limit_seconds > 0 ? 1'000'000 : 300,
                .elapsed_seconds = elapsed,
                .time_limit_seconds = config.time_limit_seconds,
                .known_lower_bound = static_cast<double>(bound)});
  const double seconds = elapsed();

  bool valid = true;
  for (const auto& v : berth::model::check(problem, solution.placement)) {
    std::cerr << "berth-vbp: " << instance.name << ": " << berth::model::to_string(v.kind) << ": " << v.detail << "\n";
    valid = false;
  }
  for (const auto& error : vbp::verify_packing(instance, problem, solution.placement)) {
    std::cerr << "berth-vbp: " << instance.name << ": " << error << "\n";
    valid = false;
  }
  if (!valid) return std::nullopt;
  const auto used = vbp::bins_used(solution.placement);
  // Each bin costs 1, so the optimizer's bound is a bound on bins: round it up. It bounds
  // the model, whose sizes are never negative; with negative sizes the instance may need
  // fewer bins than the model, so only the instance's own bounds count then.
  std::int64_t proven = bound;
  if (!instance.has_negative_sizes())
    proven = std::max(proven, static_cast<std::int64_t>(std::ceil(solution.lower_bound - 1e-6)));
  return vbp::RunResult{.name = instance.name, .bins = used, .lower_bound = std::min<std::int64_t>(proven, used),
                        .seconds = seconds};
}

int run(const Config& config) {
  std::map<std::string, vbp::Known> known;
  for (const auto& path : config.summaries) {
    auto summary = vbp::read_summary(path);
    if (!summary) {
      std::cerr << "berth-vbp: " << summary.error().message << "\n";
      return 65;
    }
    known.merge(summary->rows);
  }
  std::vector<vbp::RunResult> results;
  int status = 0;
  for (const auto& file : config.files) {
    auto instance = vbp::read_vbp(file);
    if (!instance) {
      std::cerr << "berth-vbp: " << instance.error().message << "\n";
      return 65;
    }
    const auto result = run_instance(*instance, config);
    if (!result) {
      status = 1;
      continue;
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", result->seconds);
    std::cout << result->name << ' ' << result->bins << ' ' << result->lower_bound << ' ' << seconds << '\n'
              << std::flush;
    results.push_back(*result);
  }
  if (!config.summaries.empty()) std::cout << vbp::format_classes(results, known);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  CLI::App app{"berth-vbp: berth's binpack strategy on vector bin packing instances"};
  app.add_option("files", config.files, ".vbp instance files")->required();
  app.add_option("--time-limit", config.time_limit_seconds, "time limit per instance in seconds (0: none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", config.seed, "the optimizer's seed");
  app.add_option("--summary", config.summaries,
                 "a *_summary_known.csv file; print a per-class table ('#' lines) after the instances");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 64;
  }
  try {
    return run(config);
  } catch (const std::exception& e) {
    std::cerr << "berth-vbp: " << e.what() << "\n";
    return 70;
  }
}
