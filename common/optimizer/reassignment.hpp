#pragma once
// Machine reassignment as plain data, and local search that improves a running
// assignment under it: replicas (processes) already run on nodes (machines), and moving
// them costs. This is the problem of the ROADEF/EURO 2012 challenge (Google), whose
// features real operators want: soft capacity (load cost above a safety threshold),
// resource balance, transient resources (a moving replica holds both nodes while it
// moves), conflicts, spread over a minimum number of domains, dependencies between
// services within a topology domain, and per-replica, per-service and per-node-pair move
// costs. No I/O: bench/roadef reads the challenge's files into it.
//
//   Reassignment problem = ...;             // from bench/roadef/reader or a test
//   auto result = improve_reassignment(problem, problem.initial,
//                                      {.seed = 1, .elapsed_seconds = clock, .time_limit_seconds = 60});
//   // result.assignment is valid whenever the input assignment was; result.cost is its cost.
//
// Preconditions: every vector has the sizes the counts imply, indices are in range,
// and machine_move_cost is machines × machines.
#include <cstdint>
#include <functional>
#include <vector>

namespace berth::optimizer {

struct ReassignmentResource {
  bool transient = false;          // counts on the initial node too while a replica moves away
  std::int64_t load_cost_weight = 0;
};

struct ReassignmentMachine {
  int neighborhood = 0;  // dependency domain
  int location = 0;      // spread domain
  std::vector<std::int64_t> capacity;         // hard, per resource
  std::vector<std::int64_t> safety_capacity;  // soft: use above it costs load_cost_weight per unit
};

struct ReassignmentService {
  int spread_min = 0;              // at least this many distinct locations
  std::vector<int> dependencies;   // services that must share every neighbourhood this one uses
};

struct ReassignmentProcess {
  int service = 0;
  std::vector<std::int64_t> requirement;
  std::int64_t move_cost = 0;
};

struct ReassignmentBalance {
  int resource1 = 0;
  int resource2 = 0;
  std::int64_t target = 0;   // cost when target · free(resource1) exceeds free(resource2)
  std::int64_t weight = 0;
};

struct Reassignment {
  std::vector<ReassignmentResource> resources;
  std::vector<ReassignmentMachine> machines;
  std::vector<ReassignmentService> services;
  std::vector<ReassignmentProcess> processes;
  std::vector<ReassignmentBalance> balances;
  std::vector<std::vector<std::int64_t>> machine_move_cost;  // [from][to]
  std::int64_t process_move_weight = 0;
  std::int64_t service_move_weight = 0;
  std::int64_t machine_move_weight = 0;
  std::vector<int> initial;  // machine of each process now

  int neighborhood_count() const;
  int location_count() const;
};

// The objective, term by term (the challenge's five terms).
struct ReassignmentCost {
  std::int64_t load = 0;
  std::int64_t balance = 0;
  std::int64_t process_move = 0;
  std::int64_t service_move = 0;
  std::int64_t machine_move = 0;
  std::int64_t total() const { return load + balance + process_move + service_move + machine_move; }
};

struct ReassignmentOptions {
  std::uint64_t seed = 1;
  std::function<double()> elapsed_seconds{};  // injected clock; without it, max_iterations bounds the work
  double time_limit_seconds = 0;
  std::int64_t max_iterations = 0;  // 0: until the time limit (required when there is no clock)
};

struct ReassignmentResult {
  std::vector<int> assignment;
  ReassignmentCost cost;
  std::int64_t initial_cost = 0;
  std::int64_t iterations = 0;
  std::int64_t moves_applied = 0;
  std::int64_t repacks = 0;            // exact repackings of a few machines tried
  std::int64_t repacks_improving = 0;  // and those that lowered the cost
};

// Local search from `start` (which must satisfy every hard rule): shifts of one process,
// swaps of two and ejection chains, with incremental evaluation of every cost term,
// interleaved with exact repacks of 2–4 machines by bounded branch and bound; never
// breaks a rule.
ReassignmentResult improve_reassignment(const Reassignment& problem, const std::vector<int>& start,
                                        const ReassignmentOptions& options);

// Lower bounds on the cost of every valid assignment.
// simple: load cost of the machine-summed usage and aggregated balance cost.
double reassignment_simple_bound(const Reassignment& problem);

struct ReassignmentBoundOptions {
  double upper_bound = 0;  // a known cost, the ascent's target; 0: the initial assignment's
  int max_iterations = 1000;
  std::function<double()> elapsed_seconds{};  // with it, also stops at time_limit_seconds
  double time_limit_seconds = 0;
};
// lagrangian: the Lagrangian dual that prices every machine's load, capacity and balance
// rows and lets each process pick its cheapest machine at those prices, raised by
// projected subgradient steps from the simple bound's prices. Never below simple; about
// processes × machines × resources operations per iteration.
double reassignment_lagrangian_bound(const Reassignment& problem, const ReassignmentBoundOptions& options = {});

}  // namespace berth::optimizer
