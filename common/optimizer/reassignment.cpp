#include "common/optimizer/reassignment.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <random>

namespace berth::optimizer {

int Reassignment::neighborhood_count() const {
  int count = 0;
  for (const auto& m : machines) count = std::max(count, m.neighborhood + 1);
  return count;
}

int Reassignment::location_count() const {
  int count = 0;
  for (const auto& m : machines) count = std::max(count, m.location + 1);
  return count;
}

namespace {

using Cost = std::int64_t;
constexpr Cost kInfeasible = std::numeric_limits<Cost>::max();

// The assignment with every aggregate the rules and the cost terms need, kept up to date
// move by move, so a shift is evaluated in O(resources + balances) and checked in
// O(dependencies) without touching the rest.
class State {
 public:
  State(const Reassignment& p, const std::vector<int>& start)
      : p_(p),
        machines_(p.machines.size()),
        resources_(p.resources.size()),
        services_(p.services.size()),
        neighborhoods_(static_cast<std::size_t>(p.neighborhood_count())),
        locations_(static_cast<std::size_t>(p.location_count())),
        assign_(start),
        use_(machines_ * resources_, 0),
        transient_use_(machines_ * resources_, 0),
        on_machine_(services_ * machines_, 0),
        in_location_(services_ * locations_, 0),
        in_neighborhood_(services_ * neighborhoods_, 0),
        distinct_locations_(services_, 0),
        moved_in_service_(services_, 0),
        moved_histogram_(p.processes.size() + 2, 0),
        dependents_(services_),
        processes_on_(machines_),
        position_(p.processes.size(), 0),
        machine_cost_(machines_, 0) {
    for (std::size_t s = 0; s < services_; ++s)
      for (const int t : p.services[s].dependencies) dependents_[static_cast<std::size_t>(t)].push_back(static_cast<int>(s));
    moved_histogram_[0] = static_cast<std::int64_t>(services_);
    for (std::size_t i = 0; i < p.processes.size(); ++i) add(static_cast<int>(i), assign_[i]);
    for (std::size_t m = 0; m < machines_; ++m) {
      machine_cost_[m] = machine_cost(static_cast<int>(m));
      machine_sum_ += machine_cost_[m];
    }
  }

  const std::vector<int>& assignment() const { return assign_; }
  int machine_of(int process) const { return assign_[static_cast<std::size_t>(process)]; }
  const std::vector<int>& processes_on(int machine) const { return processes_on_[static_cast<std::size_t>(machine)]; }
  Cost machine_cost_cached(int machine) const { return machine_cost_[static_cast<std::size_t>(machine)]; }

  Cost total() const {
    return machine_sum_ + process_move_ + machine_move_ + p_.service_move_weight * max_moved_;
  }

  ReassignmentCost terms() const {
    ReassignmentCost cost{.process_move = process_move_,
                          .service_move = p_.service_move_weight * max_moved_,
                          .machine_move = machine_move_};
    for (std::size_t m = 0; m < machines_; ++m) {
      const Cost balance = balance_cost(static_cast<int>(m));
      cost.balance += balance;
      cost.load += machine_cost_[m] - balance;
    }
    return cost;
  }

  // Cost change of moving `process` to `to`, or kInfeasible if a hard rule breaks.
  Cost shift_delta(int process, int to) const {
    const auto& proc = p_.processes[static_cast<std::size_t>(process)];
    const int from = machine_of(process);
    const int initial = p_.initial[static_cast<std::size_t>(process)];
    if (from == to) return kInfeasible;
    const auto s = static_cast<std::size_t>(proc.service);
    if (on_machine_[s * machines_ + static_cast<std::size_t>(to)] != 0) return kInfeasible;
    const auto to_base = static_cast<std::size_t>(to) * resources_;
    for (std::size_t r = 0; r < resources_; ++r) {
      Cost used = use_[to_base + r] + proc.requirement[r];
      if (p_.resources[r].transient) used += transient_use_[to_base + r] - (initial == to ? proc.requirement[r] : 0);
      if (used > p_.machines[static_cast<std::size_t>(to)].capacity[r]) return kInfeasible;
    }
    const auto& mf = p_.machines[static_cast<std::size_t>(from)];
    const auto& mt = p_.machines[static_cast<std::size_t>(to)];
    if (mf.location != mt.location && in_location_[s * locations_ + static_cast<std::size_t>(mf.location)] == 1 &&
        in_location_[s * locations_ + static_cast<std::size_t>(mt.location)] > 0 &&
        distinct_locations_[s] <= p_.services[s].spread_min)
      return kInfeasible;
    if (mf.neighborhood != mt.neighborhood && !dependencies_allow(s, mf.neighborhood, mt.neighborhood))
      return kInfeasible;

    Cost delta = machine_cost_with(from, process, -1) - machine_cost_[static_cast<std::size_t>(from)] +
                 machine_cost_with(to, process, +1) - machine_cost_[static_cast<std::size_t>(to)];
    // Only a moved process pays a machine move cost, whatever the diagonal holds.
    const auto& mmc = p_.machine_move_cost[static_cast<std::size_t>(initial)];
    const Cost cost_to = to == initial ? 0 : mmc[static_cast<std::size_t>(to)];
    const Cost cost_from = from == initial ? 0 : mmc[static_cast<std::size_t>(from)];
    delta += p_.machine_move_weight * (cost_to - cost_from);
    if (from == initial) {
      delta += p_.process_move_weight * proc.move_cost;
      if (moved_in_service_[s] == max_moved_) delta += p_.service_move_weight;
    } else if (to == initial) {
      delta -= p_.process_move_weight * proc.move_cost;
      if (moved_in_service_[s] == max_moved_ && moved_histogram_[static_cast<std::size_t>(max_moved_)] == 1)
        delta -= p_.service_move_weight;
    }
    return delta;
  }

  void shift(int process, int to) {
    const int from = machine_of(process);
    remove(process, from);
    add(process, to);
    for (const int m : {from, to}) {
      auto& cached = machine_cost_[static_cast<std::size_t>(m)];
      machine_sum_ -= cached;
      cached = machine_cost(m);
      machine_sum_ += cached;
    }
  }

  // Every rule that a swap of processes on machines a and b could break, checked on the
  // current state (after the swap was applied).
  bool swap_valid(int pa, int pb) const {
    const int ma = machine_of(pa);
    const int mb = machine_of(pb);
    for (const int m : {ma, mb}) {
      const auto base = static_cast<std::size_t>(m) * resources_;
      for (std::size_t r = 0; r < resources_; ++r) {
        Cost used = use_[base + r] + (p_.resources[r].transient ? transient_use_[base + r] : 0);
        if (used > p_.machines[static_cast<std::size_t>(m)].capacity[r]) return false;
      }
    }
    for (const int process : {pa, pb}) {
      const auto s = static_cast<std::size_t>(p_.processes[static_cast<std::size_t>(process)].service);
      if (on_machine_[s * machines_ + static_cast<std::size_t>(machine_of(process))] > 1) return false;
      if (distinct_locations_[s] < p_.services[s].spread_min) return false;
      for (const int n : {p_.machines[static_cast<std::size_t>(ma)].neighborhood,
                          p_.machines[static_cast<std::size_t>(mb)].neighborhood}) {
        const auto nn = static_cast<std::size_t>(n);
        if (in_neighborhood_[s * neighborhoods_ + nn] > 0) {
          for (const int t : p_.services[s].dependencies)
            if (in_neighborhood_[static_cast<std::size_t>(t) * neighborhoods_ + nn] == 0) return false;
        } else {
          for (const int t : dependents_[s])
            if (in_neighborhood_[static_cast<std::size_t>(t) * neighborhoods_ + nn] > 0) return false;
        }
      }
    }
    return true;
  }

 private:
  // With s leaving neighbourhood `from` for `to`: every dependency of s runs in `to`
  // (if s is new there) and no dependent of s is left alone in `from`.
  bool dependencies_allow(std::size_t s, int from, int to) const {
    const auto f = static_cast<std::size_t>(from);
    const auto t = static_cast<std::size_t>(to);
    if (in_neighborhood_[s * neighborhoods_ + t] == 0)
      for (const int d : p_.services[s].dependencies)
        if (in_neighborhood_[static_cast<std::size_t>(d) * neighborhoods_ + t] == 0) return false;
    if (in_neighborhood_[s * neighborhoods_ + f] == 1)
      for (const int d : dependents_[s])
        if (in_neighborhood_[static_cast<std::size_t>(d) * neighborhoods_ + f] > 0) return false;
    return true;
  }

  // Load and balance cost of `machine`, optionally with `process` added (+1) or removed (−1).
  Cost machine_cost_with(int machine, int process, int sign) const {
    const auto& m = p_.machines[static_cast<std::size_t>(machine)];
    const auto base = static_cast<std::size_t>(machine) * resources_;
    const auto& req = p_.processes[static_cast<std::size_t>(process)].requirement;
    Cost cost = 0;
    for (std::size_t r = 0; r < resources_; ++r) {
      const Cost over = use_[base + r] + sign * req[r] - m.safety_capacity[r];
      if (over > 0) cost += p_.resources[r].load_cost_weight * over;
    }
    for (const auto& b : p_.balances) {
      const auto r1 = static_cast<std::size_t>(b.resource1);
      const auto r2 = static_cast<std::size_t>(b.resource2);
      const Cost free1 = m.capacity[r1] - use_[base + r1] - sign * req[r1];
      const Cost free2 = m.capacity[r2] - use_[base + r2] - sign * req[r2];
      const Cost gap = b.target * free1 - free2;
      if (gap > 0) cost += b.weight * gap;
    }
    return cost;
  }

  Cost machine_cost(int machine) const {
    const auto& m = p_.machines[static_cast<std::size_t>(machine)];
    const auto base = static_cast<std::size_t>(machine) * resources_;
    Cost cost = balance_cost(machine);
    for (std::size_t r = 0; r < resources_; ++r) {
      const Cost over = use_[base + r] - m.safety_capacity[r];
      if (over > 0) cost += p_.resources[r].load_cost_weight * over;
    }
    return cost;
  }

  Cost balance_cost(int machine) const {
    const auto& m = p_.machines[static_cast<std::size_t>(machine)];
    const auto base = static_cast<std::size_t>(machine) * resources_;
    Cost cost = 0;
    for (const auto& b : p_.balances) {
      const auto r1 = static_cast<std::size_t>(b.resource1);
      const auto r2 = static_cast<std::size_t>(b.resource2);
      const Cost gap = b.target * (m.capacity[r1] - use_[base + r1]) - (m.capacity[r2] - use_[base + r2]);
      if (gap > 0) cost += b.weight * gap;
    }
    return cost;
  }

  void set_moved(std::size_t s, int delta) {
    --moved_histogram_[static_cast<std::size_t>(moved_in_service_[s])];
    moved_in_service_[s] += delta;
    ++moved_histogram_[static_cast<std::size_t>(moved_in_service_[s])];
    if (moved_in_service_[s] > max_moved_) max_moved_ = moved_in_service_[s];
    while (max_moved_ > 0 && moved_histogram_[static_cast<std::size_t>(max_moved_)] == 0) --max_moved_;
  }

  // Bookkeeping of `process` placed on / taken off `machine`; assign_ is updated by add.
  void add(int process, int machine) {
    const auto i = static_cast<std::size_t>(process);
    const auto& proc = p_.processes[i];
    const auto s = static_cast<std::size_t>(proc.service);
    const auto m = static_cast<std::size_t>(machine);
    const auto initial = static_cast<std::size_t>(p_.initial[i]);
    assign_[i] = machine;
    for (std::size_t r = 0; r < resources_; ++r) {
      use_[m * resources_ + r] += proc.requirement[r];
      if (m != initial) transient_use_[initial * resources_ + r] += proc.requirement[r];
    }
    ++on_machine_[s * machines_ + m];
    const auto& mach = p_.machines[m];
    if (in_location_[s * locations_ + static_cast<std::size_t>(mach.location)]++ == 0) ++distinct_locations_[s];
    ++in_neighborhood_[s * neighborhoods_ + static_cast<std::size_t>(mach.neighborhood)];
    if (m != initial) {
      process_move_ += p_.process_move_weight * proc.move_cost;
      machine_move_ += p_.machine_move_weight * p_.machine_move_cost[initial][m];
      set_moved(s, +1);
    }
    position_[i] = processes_on_[m].size();
    processes_on_[m].push_back(process);
  }

  void remove(int process, int machine) {
    const auto i = static_cast<std::size_t>(process);
    const auto& proc = p_.processes[i];
    const auto s = static_cast<std::size_t>(proc.service);
    const auto m = static_cast<std::size_t>(machine);
    const auto initial = static_cast<std::size_t>(p_.initial[i]);
    for (std::size_t r = 0; r < resources_; ++r) {
      use_[m * resources_ + r] -= proc.requirement[r];
      if (m != initial) transient_use_[initial * resources_ + r] -= proc.requirement[r];
    }
    --on_machine_[s * machines_ + m];
    const auto& mach = p_.machines[m];
    if (--in_location_[s * locations_ + static_cast<std::size_t>(mach.location)] == 0) --distinct_locations_[s];
    --in_neighborhood_[s * neighborhoods_ + static_cast<std::size_t>(mach.neighborhood)];
    if (m != initial) {
      process_move_ -= p_.process_move_weight * proc.move_cost;
      machine_move_ -= p_.machine_move_weight * p_.machine_move_cost[initial][m];
      set_moved(s, -1);
    }
    auto& list = processes_on_[m];
    const auto at = position_[i];
    list[at] = list.back();
    position_[static_cast<std::size_t>(list[at])] = at;
    list.pop_back();
  }

  const Reassignment& p_;
  std::size_t machines_, resources_, services_, neighborhoods_, locations_;
  std::vector<int> assign_;
  std::vector<Cost> use_;            // [machine][resource], processes there now
  std::vector<Cost> transient_use_;  // [machine][resource], processes that started there and left
  std::vector<std::uint16_t> on_machine_;  // [service][machine]
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

class Search {
 public:
  Search(const Reassignment& p, const std::vector<int>& start, const ReassignmentOptions& options)
      : p_(p), options_(options), state_(p, start), rng_(options.seed) {}

  ReassignmentResult run() {
    ReassignmentResult result;
    result.initial_cost = state_.total();
    const int machines = static_cast<int>(p_.machines.size());
    const int processes = static_cast<int>(p_.processes.size());
    if (processes == 0 || machines < 2) return finish(std::move(result));
    std::uniform_int_distribution<int> any_process(0, processes - 1);
    std::uniform_int_distribution<int> any_machine(0, machines - 1);
    const int machine_sample = std::min(machines, 200);
    const int swap_sample = 40;

    while (!out_of_time(result.iterations)) {
      ++result.iterations;
      const int process = any_process(rng_);
      const int from = state_.machine_of(process);
      // Best shift over a sample of machines (all of them when there are few).
      Cost best = 0;
      int best_machine = -1;
      for (int k = 0; k < machine_sample; ++k) {
        const int to = machine_sample == machines ? k : any_machine(rng_);
        const Cost delta = state_.shift_delta(process, to);
        if (delta != kInfeasible && delta < best) {
          best = delta;
          best_machine = to;
        }
      }
      // Best swap with processes of sampled other machines.
      int best_partner = -1;
      for (int k = 0; k < swap_sample; ++k) {
        const int other_machine = any_machine(rng_);
        if (other_machine == from) continue;
        const auto& there = state_.processes_on(other_machine);
        if (there.empty()) continue;
        const int partner = there[std::uniform_int_distribution<std::size_t>(0, there.size() - 1)(rng_)];
        const Cost delta = swap_delta(process, partner);
        if (delta != kInfeasible && delta < best) {
          best = delta;
          best_partner = partner;
          best_machine = -1;
        }
      }
      if (best_partner >= 0) {
        swap(process, best_partner);
        ++result.moves_applied;
      } else if (best_machine >= 0) {
        state_.shift(process, best_machine);
        ++result.moves_applied;
      }
    }
    return finish(std::move(result));
  }

 private:
  bool out_of_time(std::int64_t iterations) const {
    if (options_.max_iterations > 0 && iterations >= options_.max_iterations) return true;
    if (options_.elapsed_seconds && options_.time_limit_seconds > 0 && (iterations & 63) == 0)
      return options_.elapsed_seconds() >= options_.time_limit_seconds;
    return !options_.elapsed_seconds && options_.max_iterations <= 0;
  }

  void swap(int a, int b) {
    const int ma = state_.machine_of(a);
    const int mb = state_.machine_of(b);
    state_.shift(a, mb);
    state_.shift(b, ma);
  }

  // Applies the swap, checks it and takes it back: swaps are sampled far less often than
  // shifts, so the simplicity is worth the constant factor.
  Cost swap_delta(int a, int b) {
    if (p_.processes[static_cast<std::size_t>(a)].service == p_.processes[static_cast<std::size_t>(b)].service)
      return kInfeasible;
    const Cost before = state_.total();
    swap(a, b);
    const Cost delta = state_.swap_valid(a, b) ? state_.total() - before : kInfeasible;
    swap(a, b);
    return delta;
  }

  ReassignmentResult finish(ReassignmentResult result) {
    result.assignment = state_.assignment();
    result.cost = state_.terms();
    return result;
  }

  const Reassignment& p_;
  const ReassignmentOptions& options_;
  State state_;
  std::mt19937_64 rng_;
};

}  // namespace

ReassignmentResult improve_reassignment(const Reassignment& problem, const std::vector<int>& start,
                                        const ReassignmentOptions& options) {
  return Search(problem, start, options).run();
}

}  // namespace berth::optimizer
