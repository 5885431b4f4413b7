#pragma once
// What `berthctl solve` prints: a human summary and tables, or one JSON object.
// Pure functions of the problem, the solution and how long it took, so they are tested
// without running a solve.
//
//   const SolveReport report{problem, solution, seconds, model::check(problem, solution.placement)};
//   std::cout << format_report(report);          // or: to_json(report).dump(2)
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/model/evaluate.hpp"
#include "common/model/problem.hpp"
#include "common/optimizer/solve.hpp"

namespace berth::berthctl {

struct SolveReport {
  const model::Problem& problem;
  const optimizer::Solution& solution;
  double seconds = 0;                         // wall time of the solve
  std::vector<model::Violation> violations;   // model::check of the placement; empty when valid
};

// Replicas of a service that stop on a node where they run now (`running`), or start on
// a node where fewer run now. A replica that moves appears once in each list.
struct ReplicaChange {
  model::ServiceId service;
  model::NodeId node;
  int count = 0;
};
std::vector<ReplicaChange> stops(const model::Problem& problem, const model::Placement& placement);
std::vector<ReplicaChange> starts(const model::Problem& problem, const model::Placement& placement);

// Human-readable amounts: cpu in cores ("0.5", "8"), memory in binary units ("512Mi",
// "1.5Gi"), other resources as plain counts.
std::string format_amount(const std::string& resource, std::int64_t amount);

std::string format_report(const SolveReport& report);

// Rows as aligned columns (as wide as their widest cell, counting characters, not bytes),
// each line starting with `indent`, trailing spaces trimmed. Shared by every table
// berthctl prints.
std::string format_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent = "");

// `value` with up to `decimals` decimals, trailing zeros dropped: 8 → "8", 0.25 → "0.25".
std::string format_number(double value, int decimals);

// Keys, in order: status, proven_optimal, objective, lower_bound, gap, rounds, seconds,
// nodes_used, nodes_total, replicas_placed, replicas_unplaced, placement
// {service: {node: count}}, moves [{service, from, count}], starts [{service, to, count}],
// unplaced [{service, count, reason}], terms {node_cost, load_spread, balance,
// migration, colocation, unplaced}, nodes [{name, state, capacity {resource: amount},
// used {resource: amount}}], violations [{kind, detail}]. Amounts in model units.
nlohmann::ordered_json to_json(const SolveReport& report);

}  // namespace berth::berthctl
