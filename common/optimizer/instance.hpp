#pragma once
// The optimizer's compact, index-based view of a Problem: flat request and capacity
// arrays, each node's candidate services with their per-node limits, symmetric avoid
// lists, spread domains, and node classes (nodes whose local subproblems are identical,
// so the in-process driver solves each class once per round).
#include <cstdint>
#include <string>
#include <vector>

#include "common/model/problem.hpp"

namespace berth::optimizer {

struct Candidate {
  std::uint32_t service = 0;
  std::int32_t limit = 0;    // replicas this node may host by the per-node rules
  std::int32_t running = 0;  // replicas running there now
};

struct Instance {
  const model::Problem* problem = nullptr;
  int dims = 0;
  std::vector<std::int64_t> capacity;  // node × dims
  std::vector<std::int64_t> soft_capacity;  // node × dims; equal to capacity where a node has none
  bool has_overload = false;  // some node's soft capacity is below its capacity where overload weighs
  std::vector<double> overload_weight;  // per dimension (model::Objective::overload_weight)
  std::vector<std::int64_t> request;   // service × dims
  // Transient resources (model::Rollout::transient): their indices, and per node × those
  // what the running replicas hold now and the most the node may hold during a change.
  std::vector<int> transient;
  std::vector<std::int64_t> transient_held;
  std::vector<std::int64_t> transient_limit;
  std::vector<double> node_cost;       // weighted: weights.node_cost × cost
  std::vector<double> penalty;         // per unplaced replica: weights.unplaced × (1 + priority)
  std::vector<int> replicas;
  std::vector<double> migration;  // per replica moved away: weights.migration × move_cost
  // Service move term (weights.service_move · the most replicas one service moves away):
  // its weight, and per service the replicas running on nodes not lost, all of which move
  // when none is placed. Empty when the weight is 0.
  double service_move_weight = 0;
  std::vector<std::int64_t> running_total;
  std::vector<std::vector<std::uint32_t>> conflicts;  // per service, symmetric avoid
  std::vector<std::vector<std::uint32_t>> prefers;    // per service
  std::vector<std::vector<std::uint32_t>> preferred_by;
  // Spread, stored per label value rather than per node so memory stays O(nodes + services):
  // each service's key (-1: no spread rule), each key's value id on every node (-1: label
  // missing), and each service's domain index per value id (-1: no eligible node has it).
  std::vector<int> spread_key_of_service;
  std::vector<std::vector<int>> value_of_node;    // [key][node]
  std::vector<std::vector<int>> domain_of_value;  // [service][value id]
  std::vector<int> domain_count;
  std::vector<int> max_skew;
  std::vector<int> min_domains;  // 0: none
  // Near rules (model::NearRule), flattened: where `dependent` runs, `target` runs in the
  // same value of label key `key` (an index into value_of_node). Each service lists the
  // rules it is the dependent or the target of.
  struct Near {
    std::uint32_t dependent = 0;
    std::uint32_t target = 0;
    int key = 0;
    std::string label;  // the key's name
  };
  std::vector<Near> near;
  std::vector<std::vector<std::uint32_t>> near_rules_of;  // per service
  std::vector<int> value_count;  // per key: distinct values
  // Node classes: nodes whose local subproblems are identical share one entry.
  std::vector<int> class_of_node;
  std::vector<std::vector<std::uint32_t>> class_members;
  std::vector<std::vector<Candidate>> class_candidates;  // per class, sorted by service
  std::vector<std::vector<Candidate>> class_running;     // per class, candidates with running > 0
  std::vector<double> class_forced_migration;  // weighted: running replicas it can no longer host
  // Scale of each dimension (mean capacity over nodes) for size comparisons.
  std::vector<double> dim_scale;

  std::size_t node_count() const { return class_of_node.size(); }
  const std::vector<Candidate>& candidates(std::size_t n) const { return class_candidates[class_of_node[n]]; }
  const std::vector<Candidate>& running(std::size_t n) const { return class_running[class_of_node[n]]; }
  double forced_migration(std::size_t n) const { return class_forced_migration[class_of_node[n]]; }
  std::size_t service_count() const { return replicas.size(); }
  const std::int64_t* cap(std::size_t n) const { return &capacity[n * dims]; }
  const std::int64_t* soft(std::size_t n) const { return &soft_capacity[n * dims]; }
  const std::int64_t* req(std::size_t s) const { return &request[s * dims]; }
  const std::int64_t* held(std::size_t n) const { return &transient_held[n * transient.size()]; }
  const std::int64_t* held_limit(std::size_t n) const { return &transient_limit[n * transient.size()]; }
  bool has_spread(std::size_t s) const { return spread_key_of_service[s] >= 0; }
  bool has_near(std::size_t s) const { return !near_rules_of[s].empty(); }
  // Spread domain of node n for service s; meaningful where s is eligible on n.
  int domain_of(std::size_t s, std::size_t n) const {
    const int value = value_of_node[spread_key_of_service[s]][n];
    return value < 0 ? -1 : domain_of_value[s][value];
  }
  // Replica size as a share of a mean node, summed over dimensions.
  double size_of(std::size_t s) const;
  // Node capacity in the same measure (never 0).
  double node_size(std::size_t n) const;
};

Instance make_instance(const model::Problem& problem);

}  // namespace berth::optimizer
