#pragma once
// Running the solvers on one generated instance and reporting the results: per-instance
// tables, ratios against the baselines, medians over seeds, and JSON.
//
//   const auto result = run_instance({.nodes = 1000, .replicas = 10000}, 1, {.time_limit_seconds = 5});
//   std::cout << format_instance(result);
//
// This is the benchmark's shell: it reads the clock (std::chrono::steady_clock) and
// injects it into berth's solver, which has none of its own.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bench/generator.hpp"

namespace berth::bench {

struct Size {
  int nodes = 0;
  int replicas = 0;
  std::string label() const;  // "1000x10000"
};

// "1000x10000" → {1000, 10000}; nullopt unless both are positive integers.
std::optional<Size> parse_size(const std::string& text);

inline constexpr const char* kBerth = "berth";
inline constexpr const char* kKubeLeast = "kube-least";
inline constexpr const char* kKubeMost = "kube-most";
inline constexpr const char* kBestFit = "bfd";

struct SolverResult {
  std::string solver;
  int nodes_used = 0;
  double objective = 0;
  std::optional<double> lower_bound = {};  // berth only
  std::optional<double> gap = {};          // berth only
  int rounds = 0;                     // berth only
  std::optional<double> reported_objective = {};  // berth's own Solution::objective
  int violations = 0;                 // model::check
  std::string first_violation = {};   // "capacity: node n3: memory ..." when violations > 0
  int unplaced = 0;
  double seconds = 0;
};

struct InstanceResult {
  Size size;
  std::uint64_t seed = 0;
  int services = 0;
  std::vector<std::string> resources = {};
  std::vector<double> demand = {};  // total requests / total allocatable, per resource
  double generate_seconds = 0;
  std::vector<SolverResult> solvers = {};  // berth first, when it ran
};

struct RunOptions {
  double time_limit_seconds = 10;  // berth's; 0 for none
  NodeFamilies families = NodeFamilies::mixed;
  std::uint64_t kube_seed = 1;
  int kube_percentage_of_nodes_to_score = 0;  // 0: kube-scheduler's adaptive default
  std::vector<std::string> solvers = {kBerth, kKubeLeast, kKubeMost, kBestFit};
};

// Generates the instance for (size, seed), runs each solver on it, times it and checks
// its placement with model::check.
InstanceResult run_instance(const Size& size, std::uint64_t seed, const RunOptions& options);

double median(std::vector<double> values);

// berth's value over the baseline's, nullopt when berth did not run or the baseline's is 0.
std::optional<double> node_ratio(const InstanceResult& result, const std::string& baseline);
std::optional<double> time_ratio(const InstanceResult& result, const std::string& baseline);

// Medians over the seeds of one size.
struct SolverSummary {
  std::string solver;
  double nodes_used = 0;
  double objective = 0;
  std::optional<double> lower_bound = {};
  std::optional<double> gap = {};
  int worst_violations = 0;  // the worst seed, not the median, so one bad seed shows
  double unplaced = 0;
  double seconds = 0;
};
struct RatioSummary {
  std::string baseline;
  std::optional<double> nodes = {};  // median over seeds of berth's nodes / the baseline's
  std::optional<double> time = {};   // median over seeds of berth's time / the baseline's
};
struct SizeSummary {
  Size size;
  int seeds = 0;
  std::vector<SolverSummary> solvers = {};
  std::vector<RatioSummary> ratios = {};  // empty unless berth and a baseline ran
};
std::vector<SizeSummary> summarize(const std::vector<InstanceResult>& results);

std::string format_instance(const InstanceResult& result);
// One block per size: medians over its seeds of every column and ratio.
std::string format_summary(const std::vector<InstanceResult>& results);
nlohmann::ordered_json to_json(const std::vector<InstanceResult>& results);

}  // namespace berth::bench
