#pragma once
// The objective of a placement, term by term, and the checker of every hard rule.
// This is the single source of truth that tests, benchmarks and berthctl verify the
// optimizer against; it is written for clarity, not speed.
#include <string>
#include <vector>

#include "common/model/problem.hpp"

namespace berth::model {

struct ObjectiveTerms {
  double node_cost = 0;
  double load_spread = 0;
  double balance = 0;
  double overload = 0;
  double free_ratio = 0;
  double migration = 0;
  double service_move = 0;
  double colocation = 0;
  double unplaced = 0;
  double total() const {
    return node_cost + load_spread + balance + overload + free_ratio + migration + service_move + colocation + unplaced;
  }
};

// Weighted terms of `placement`. Raw counts behind them are in PlacementStats.
ObjectiveTerms evaluate(const Problem& problem, const Placement& placement);

struct PlacementStats {
  int nodes_used = 0;
  int replicas_placed = 0;
  int replicas_unplaced = 0;
  int moves = 0;  // replicas that stop on a node where they run now
};
PlacementStats stats(const Problem& problem, const Placement& placement);

enum class ViolationKind {
  capacity, transient, ineligible, cordoned, max_per_node, avoid, spread, near, over_replicas, bad_count
};
const char* to_string(ViolationKind kind);

struct Violation {
  ViolationKind kind;
  std::string detail;  // "node n3: memory 9Gi > 8Gi", names not indices
};

// Every hard rule broken by `placement`; empty means the placement is valid.
std::vector<Violation> check(const Problem& problem, const Placement& placement);

// Load of one node: used[r] for each resource dimension.
std::vector<std::int64_t> node_usage(const Problem& problem, const Placement& placement, NodeId node);

}  // namespace berth::model
