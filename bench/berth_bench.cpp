// berth-bench: berth against Kubernetes-style greedy scheduling and best-fit decreasing on
// the same generated clusters, in the same run. See docs/benchmarks.md.
//
//   berth-bench --sizes 100x1000,1000x10000,10000x100000 --seeds 1,2,3 --time-limit 5 --json out.json
//
// Exit status: 0 when every placement passes model::check, 1 when berth's does not, 2 when
// only a baseline's does not, 64 on bad flags.
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/report.hpp"

namespace {

struct Config {
  std::vector<std::string> sizes = {"100x1000", "1000x10000", "10000x100000"};
  std::vector<std::uint64_t> seeds = {1, 2, 3};
  std::vector<std::string> solvers = {berth::bench::kBerth, berth::bench::kKubeLeast, berth::bench::kKubeMost,
                                      berth::bench::kBestFit};
  double time_limit_seconds = 10;
  int kube_percentage = 0;
  std::string families = "mixed";
  std::string json_path;
};

int run(const Config& config) {
  std::vector<berth::bench::Size> sizes;
  for (const auto& text : config.sizes) {
    const auto size = berth::bench::parse_size(text);
    if (!size) {
      std::cerr << "berth-bench: bad size '" << text << "', expected NODESxREPLICAS such as 1000x10000\n";
      return 64;
    }
    sizes.push_back(*size);
  }
  const berth::bench::RunOptions options{.time_limit_seconds = config.time_limit_seconds,
                                         .families = config.families == "general" ? berth::bench::NodeFamilies::general
                                                                                  : berth::bench::NodeFamilies::mixed,
                                         .kube_percentage_of_nodes_to_score = config.kube_percentage,
                                         .solvers = config.solvers};

  std::vector<berth::bench::InstanceResult> results;
  for (const auto& size : sizes) {
    for (const auto seed : config.seeds) {
      results.push_back(berth::bench::run_instance(size, seed, options));
      std::cout << berth::bench::format_instance(results.back()) << '\n' << std::flush;
    }
  }
  std::cout << berth::bench::format_summary(results);

  if (!config.json_path.empty()) {
    std::ofstream out(config.json_path);
    out << berth::bench::to_json(results).dump(2) << '\n';
    if (!out) {
      std::cerr << "berth-bench: cannot write " << config.json_path << "\n";
      return 64;
    }
  }

  bool berth_violates = false;
  bool baseline_violates = false;
  for (const auto& r : results)
    for (const auto& s : r.solvers)
      if (s.violations > 0) (s.solver == berth::bench::kBerth ? berth_violates : baseline_violates) = true;
  if (berth_violates) {
    std::cerr << "berth-bench: berth's placement breaks hard rules\n";
    return 1;
  }
  if (baseline_violates) {
    std::cerr << "berth-bench: a baseline's placement breaks hard rules\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  CLI::App app{"berth-bench: berth against Kubernetes-style greedy and best-fit decreasing"};
  app.add_option("--sizes", config.sizes, "instances as NODESxREPLICAS, comma separated")->delimiter(',');
  app.add_option("--seeds", config.seeds, "generator seeds, comma separated; one instance per size and seed")
      ->delimiter(',');
  app.add_option("--time-limit", config.time_limit_seconds, "berth's time limit in seconds (0: none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--solvers", config.solvers, "subset of berth,kube-least,kube-most,bfd")
      ->delimiter(',')
      ->check(CLI::IsMember({berth::bench::kBerth, berth::bench::kKubeLeast, berth::bench::kKubeMost,
                             berth::bench::kBestFit}));
  app.add_option("--kube-percentage", config.kube_percentage,
                 "kube-scheduler's percentageOfNodesToScore (0: its adaptive default)")
      ->check(CLI::Range(0, 100));
  app.add_option("--families", config.families,
                 "node families: mixed (general, compute, memory, GPU) or general (1:4 nodes, cost ∝ size)")
      ->check(CLI::IsMember({"mixed", "general"}));
  app.add_option("--json", config.json_path, "also write the results as JSON to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 64;
  }
  try {
    return run(config);
  } catch (const std::exception& e) {
    std::cerr << "berth-bench: " << e.what() << "\n";
    return 70;
  }
}
