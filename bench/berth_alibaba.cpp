// berth-alibaba: the Alibaba GPU cluster trace 2023 placed by berth, by Kubernetes-style
// greedy scheduling (LeastAllocated and MostAllocated) and by best-fit decreasing, in the
// same run. See bench/alibaba.hpp for how the trace becomes a problem and what
// fragmentation means, docs/benchmarks.md for the figures.
//
//   berth-alibaba openb_node_list_all_node.csv openb_pod_list_default.csv --time-limit 30 [--cost-per-gpu 1]
//
// Every placement is checked by model::check (every hard rule) and by laying each node's
// GPU requests out on its devices (model::gpu_layout). Exit status: 0 when all pass, 1 when
// berth's placement fails, 2 when only a baseline's does, 64 on bad flags, 65 on a bad or
// unreadable input file.
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/alibaba.hpp"
#include "bench/baselines.hpp"
#include "common/model/evaluate.hpp"
#include "common/model/gpu.hpp"
#include "common/optimizer/solve.hpp"

namespace {

using berth::bench::AlibabaProblem;
using Clock = std::chrono::steady_clock;
namespace model = berth::model;

struct Config {
  std::string node_csv;
  std::string pod_csv;
  double time_limit_seconds = 30;
  std::uint64_t seed = 1;
  double cost_per_gpu = 1.0;
};

struct Outcome {
  std::string solver;
  model::Placement placement;
  double seconds = 0;
  std::string note;  // berth: bound and gap
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string gpus(std::int64_t millis) { return fixed(static_cast<double>(millis) / model::kMilliGpusPerGpu, 1); }

// Prints one table row; returns whether the placement passed both checks.
bool report(const AlibabaProblem& trace, const Outcome& outcome) {
  const model::Problem& problem = trace.problem;
  const auto violations = model::check(problem, outcome.placement);
  const auto figures = berth::bench::gpu_figures(problem, outcome.placement, trace.median_gpu_request_millis);
  const auto stats = model::stats(problem, outcome.placement);
  const auto placed = outcome.placement.placed_per_service(problem.services.size());
  int unplaced_gpu_pods = 0;
  for (std::size_t s = 0; s < problem.services.size(); ++s)
    if (problem.services[s].request[2] > 0) unplaced_gpu_pods += problem.services[s].replicas - placed[s];
  const std::size_t failures = violations.size() + figures.unassignable_nodes.size();
  std::cout << "| " << outcome.solver << " | " << stats.replicas_placed << " | " << stats.replicas_unplaced << " | "
            << unplaced_gpu_pods << " | " << stats.nodes_used << " | " << gpus(figures.held_millis) << " | "
            << figures.idle_gpus << " | " << fixed(100.0 * figures.fragmentation, 1) << "% ("
            << gpus(figures.fragmented_millis) << " GPUs) | " << fixed(outcome.seconds, 2) << " | " << failures
            << " |\n";
  for (const auto& v : violations)
    std::cerr << "berth-alibaba: " << outcome.solver << ": " << model::to_string(v.kind) << ": " << v.detail << "\n";
  for (const auto& node : figures.unassignable_nodes)
    std::cerr << "berth-alibaba: " << outcome.solver << ": node " << node << ": GPU requests fit no device layout\n";
  return failures == 0;
}

template <typename T>
std::optional<T> read(const std::string& path, berth::Result<T> (*reader)(std::istream&, const std::string&)) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "berth-alibaba: cannot open " << path << "\n";
    return std::nullopt;
  }
  auto result = reader(in, path);
  if (!result) {
    std::cerr << "berth-alibaba: " << result.error().message << "\n";
    return std::nullopt;
  }
  return std::move(result.value());
}

int run(const Config& config) {
  const auto nodes = read(config.node_csv, &berth::bench::read_trace_nodes);
  const auto pods = read(config.pod_csv, &berth::bench::read_trace_pods);
  if (!nodes || !pods) return 65;
  const AlibabaProblem trace = berth::bench::build_problem(*nodes, *pods, {.cost_per_gpu = config.cost_per_gpu});
  const model::Problem& problem = trace.problem;

  int gpu_nodes = 0;
  for (const auto& node : problem.nodes) gpu_nodes += node.capacity[2] > 0 ? 1 : 0;
  std::cout << "nodes: " << config.node_csv << "\npods: " << config.pod_csv << "\n"
            << "cluster: " << problem.nodes.size() << " nodes (" << gpu_nodes << " with GPUs, "
            << gpus(trace.gpu_capacity_millis) << " GPUs), " << trace.pods << " pods (" << trace.gpu_pods
            << " asking GPUs, " << trace.constrained_pods << " with a GPU-type constraint) in "
            << problem.services.size() << " groups of equal pods\n"
            << "gpu demand: " << gpus(trace.gpu_requested_millis) << " GPUs asked, " << gpus(trace.gpu_held_millis)
            << " held once shares are rounded up to 1/2, 1/4, 1/8 GPU\n"
            << "fragmentation: free GPU capacity that cannot hold one more pod asking the median GPU request ("
            << gpus(trace.median_gpu_request_millis) << " GPU), over all free GPU capacity\n"
            << "node cost: 1 + " << config.cost_per_gpu << " per GPU\n"
            << "berth: seed " << config.seed << ", time limit " << config.time_limit_seconds << " s\n\n";

  std::vector<Outcome> outcomes;
  {
    const auto start = Clock::now();
    const auto solution = berth::optimizer::solve(
        problem, {.seed = config.seed,
                  .elapsed_seconds = [start] { return seconds_since(start); },
                  .time_limit_seconds = config.time_limit_seconds});
    outcomes.push_back({"berth", solution.placement, seconds_since(start),
                        std::string("status ") + berth::optimizer::to_string(solution.status) + ", objective " +
                            fixed(solution.objective, 1) + ", lower bound " + fixed(solution.lower_bound, 1) +
                            ", gap " + fixed(100.0 * solution.gap, 2) + "%, " + std::to_string(solution.rounds) +
                            " rounds"});
    for (const auto& u : solution.unplaced)
      std::cerr << "berth-alibaba: berth leaves " << u.count << " of " << problem.service(u.service).name << " ("
                << problem.service(u.service).request[0] << "m cpu, " << problem.service(u.service).request[2]
                << " milli-GPU) unplaced: " << u.reason << "\n";
  }
  const std::vector<std::pair<std::string, std::function<model::Placement()>>> baselines = {
      {"kube-least", [&] { return berth::bench::kube_greedy(problem, berth::bench::KubeScoring::least_allocated); }},
      {"kube-most", [&] { return berth::bench::kube_greedy(problem, berth::bench::KubeScoring::most_allocated); }},
      {"bfd", [&] { return berth::bench::best_fit_decreasing(problem); }},
  };
  for (const auto& [name, solver] : baselines) {
    const auto start = Clock::now();
    model::Placement placement = solver();
    outcomes.push_back({name, std::move(placement), seconds_since(start), ""});
  }

  std::cout << "| solver | placed pods | unplaced pods | unplaced GPU pods | nodes used | GPUs held | idle GPUs | "
               "GPU fragmentation | seconds | violations |\n"
            << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  bool berth_ok = true;
  bool baselines_ok = true;
  for (const auto& outcome : outcomes) (outcome.solver == "berth" ? berth_ok : baselines_ok) &= report(trace, outcome);
  std::cout << "\nberth: " << outcomes.front().note << "\n";
  if (!berth_ok) {
    std::cerr << "berth-alibaba: berth's placement breaks hard rules\n";
    return 1;
  }
  if (!baselines_ok) {
    std::cerr << "berth-alibaba: a baseline's placement breaks hard rules\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  CLI::App app{"berth-alibaba: the Alibaba GPU trace placed by berth and by the baselines"};
  app.add_option("NODE_CSV", config.node_csv, "node list (sn,cpu_milli,memory_mib,gpu,model)")->required();
  app.add_option("POD_CSV", config.pod_csv, "pod list (name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,...)")
      ->required();
  app.add_option("--time-limit", config.time_limit_seconds, "berth's time limit in seconds (0: none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", config.seed, "berth's seed");
  app.add_option("--cost-per-gpu", config.cost_per_gpu, "a node costs 1 plus this per GPU")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 64;
  }
  try {
    return run(config);
  } catch (const std::exception& e) {
    std::cerr << "berth-alibaba: " << e.what() << "\n";
    return 70;
  }
}
