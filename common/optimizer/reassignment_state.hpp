#pragma once
// An assignment of a Reassignment with every aggregate its rules and cost terms need,
// kept up to date move by move: a shift (one process to another machine) or a swap (two
// processes exchange machines) is valued in O(resources + balances) and checked in
// O(resources + dependencies), without touching the rest; a few machines are repacked
// by branch and bound (`repack`). Internal to the reassignment search (reassignment.cpp);
// tested through it and directly against bench/roadef's checker.
//
//   ReassignmentState state(problem, problem.initial);
//   if (const auto delta = state.shift_delta(p, m); delta != kReassignmentInfeasible) state.shift(p, m);
#include <cstdint>
#include <limits>
#include <vector>

#include "common/optimizer/reassignment.hpp"

namespace berth::optimizer {

inline constexpr std::int64_t kReassignmentInfeasible = std::numeric_limits<std::int64_t>::max();

// Whether a shift must fit the destination's capacity at once. `later` serves ejection
// chains, which overfill a machine and then evict from it until within_capacity holds.
enum class CapacityCheck { now, later };

// The most machines one repack takes.
inline constexpr std::size_t kMaxRepackMachines = 6;
// The most processes one repack moves: the largest of those on its machines.
inline constexpr std::size_t kMaxRepackProcesses = 40;

class ReassignmentState {
 public:
  using Cost = std::int64_t;

  // `start` must satisfy every hard rule; the state keeps it so.
  ReassignmentState(const Reassignment& problem, const std::vector<int>& start);

  const std::vector<int>& assignment() const { return assign_; }
  int machine_of(int process) const { return assign_[static_cast<std::size_t>(process)]; }
  const std::vector<int>& processes_on(int machine) const { return processes_on_[static_cast<std::size_t>(machine)]; }
  std::int64_t use(int machine, std::size_t resource) const { return use_[static_cast<std::size_t>(machine) * resources_ + resource]; }
  // What processes that started on `machine` and moved away still hold of a transient resource there.
  std::int64_t held(int machine, std::size_t resource) const {
    return transient_use_[static_cast<std::size_t>(machine) * resources_ + resource];
  }
  // Load plus balance cost of one machine.
  Cost machine_cost(int machine) const { return machine_cost_[static_cast<std::size_t>(machine)]; }
  Cost total() const;
  ReassignmentCost terms() const;

  // Cost change of the move, or kReassignmentInfeasible if it breaks a hard rule.
  Cost shift_delta(int process, int to, CapacityCheck capacity = CapacityCheck::now) const;
  Cost swap_delta(int a, int b);  // mutates scratch counters, restores them before returning
  void shift(int process, int to);
  bool within_capacity(int machine) const { return fits(machine, -1, -1); }
  void swap(int a, int b);

  // Exact repacking of a few machines, the large neighbourhood move: the processes now on
  // `machines` (distinct, two to kMaxRepackMachines; the kMaxRepackProcesses largest of
  // them, the rest stay) are reassigned among those same machines by depth-first branch
  // and bound over at most `node_limit` nodes, largest first, each node bounded below by
  // its move costs and by the load that the processes still to place must add. Conflict
  // and capacity prune the tree; spread, dependency and the service move term are
  // checked on each leaf that beats the incumbent. With no node limit and no service
  // move weight it is exact over those machines.
  // Applies the best repacking found when it lowers total(); returns the change
  // (negative; 0 with the state untouched) and the nodes spent.
  struct Repacked {
    Cost delta = 0;
    std::int64_t nodes = 0;
  };
  Repacked repack(const std::vector<int>& machines, std::int64_t node_limit);
  // Every hard rule that moving `processes` among `machines` can break, on the current
  // counts: capacity of `machines`, conflict, spread and dependency of their services.
  bool rules_hold(const std::vector<int>& processes, const std::vector<int>& machines) const;

 private:
  bool fits(int machine, int leaving, int arriving) const;
  bool spread_allows(std::size_t service, int from, int to) const;
  bool dependencies_allow(std::size_t service, int from, int to) const;
  bool dependencies_hold(std::size_t service, int neighborhood) const;
  Cost machine_cost_with(int machine, int leaving, int arriving) const;
  Cost compute_machine_cost(int machine) const;
  Cost cost_of_use(int machine, const Cost* use) const;  // load + balance cost at `use` [resource]
  Cost balance_cost(int machine) const;
  Cost move_cost(int process, int machine) const;  // process and machine move cost of `process` on `machine`
  void set_moved(std::size_t service, int delta);
  void add(int process, int machine);
  void remove(int process, int machine);
  void refresh_machine(int machine);

  const Reassignment& p_;
  std::size_t machines_, resources_, services_, neighborhoods_, locations_;
  std::vector<int> assign_;
  std::vector<Cost> use_;            // [machine][resource], processes there now
  std::vector<Cost> transient_use_;  // [machine][resource], processes that started there and left
  std::vector<std::int32_t> on_machine_;       // [service][machine]
  std::vector<std::int32_t> in_location_;      // [service][location]
  std::vector<std::int32_t> in_neighborhood_;  // [service][neighborhood]
  std::vector<int> distinct_locations_;
  std::vector<std::int64_t> moved_in_service_;
  std::vector<std::int64_t> moved_histogram_;  // services by number of moved processes
  std::int64_t max_moved_ = 0;
  std::vector<std::vector<int>> dependents_;  // services that depend on each service
  std::vector<std::vector<int>> processes_on_;
  std::vector<std::size_t> position_;  // of each process in processes_on_
  std::vector<Cost> machine_cost_;     // load + balance cost per machine
  Cost machine_sum_ = 0;
  Cost process_move_ = 0;
  Cost machine_move_ = 0;
};

}  // namespace berth::optimizer
