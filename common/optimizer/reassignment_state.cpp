#include "common/optimizer/reassignment_state.hpp"

#include <algorithm>

namespace berth::optimizer {
namespace {
std::size_t at(int index) { return static_cast<std::size_t>(index); }
}  // namespace

ReassignmentState::ReassignmentState(const Reassignment& p, const std::vector<int>& start)
    : p_(p),
      machines_(p.machines.size()),
      resources_(p.resources.size()),
      services_(p.services.size()),
      neighborhoods_(at(p.neighborhood_count())),
      locations_(at(p.location_count())),
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
    for (const int t : p.services[s].dependencies) dependents_[at(t)].push_back(static_cast<int>(s));
  moved_histogram_[0] = static_cast<std::int64_t>(services_);
  for (std::size_t i = 0; i < p.processes.size(); ++i) add(static_cast<int>(i), assign_[i]);
  for (std::size_t m = 0; m < machines_; ++m) {
    machine_cost_[m] = compute_machine_cost(static_cast<int>(m));
    machine_sum_ += machine_cost_[m];
  }
}

ReassignmentState::Cost ReassignmentState::total() const {
  return machine_sum_ + process_move_ + machine_move_ + p_.service_move_weight * max_moved_;
}

ReassignmentCost ReassignmentState::terms() const {
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

ReassignmentState::Cost ReassignmentState::shift_delta(int process, int to, CapacityCheck capacity) const {
  const int from = machine_of(process);
  if (from == to) return kReassignmentInfeasible;
  const auto s = at(p_.processes[at(process)].service);
  if (on_machine_[s * machines_ + at(to)] != 0) return kReassignmentInfeasible;
  if (capacity == CapacityCheck::now && !fits(to, -1, process)) return kReassignmentInfeasible;
  if (!spread_allows(s, from, to)) return kReassignmentInfeasible;
  const int from_n = p_.machines[at(from)].neighborhood;
  const int to_n = p_.machines[at(to)].neighborhood;
  if (from_n != to_n && !dependencies_allow(s, from_n, to_n)) return kReassignmentInfeasible;

  Cost delta = machine_cost_with(from, process, -1) - machine_cost_[at(from)] + machine_cost_with(to, -1, process) -
               machine_cost_[at(to)] + move_cost(process, to) - move_cost(process, from);
  const int initial = p_.initial[at(process)];
  if (from == initial) {
    if (moved_in_service_[s] == max_moved_) delta += p_.service_move_weight;
  } else if (to == initial) {
    if (moved_in_service_[s] == max_moved_ && moved_histogram_[at(static_cast<int>(max_moved_))] == 1)
      delta -= p_.service_move_weight;
  }
  return delta;
}

ReassignmentState::Cost ReassignmentState::swap_delta(int a, int b) {
  const int ma = machine_of(a);
  const int mb = machine_of(b);
  if (ma == mb) return kReassignmentInfeasible;
  const auto sa = at(p_.processes[at(a)].service);
  const auto sb = at(p_.processes[at(b)].service);
  if (sa != sb) {
    if (on_machine_[sa * machines_ + at(mb)] != 0 || on_machine_[sb * machines_ + at(ma)] != 0)
      return kReassignmentInfeasible;
  }
  if (!fits(ma, a, b) || !fits(mb, b, a)) return kReassignmentInfeasible;
  if (sa != sb && (!spread_allows(sa, ma, mb) || !spread_allows(sb, mb, ma))) return kReassignmentInfeasible;
  const auto na = at(p_.machines[at(ma)].neighborhood);
  const auto nb = at(p_.machines[at(mb)].neighborhood);
  if (na != nb && sa != sb) {
    // The two services trade neighbourhoods, and one may depend on the other: count the
    // swap in, check the four (service, neighbourhood) pairs it touches, count it out.
    --in_neighborhood_[sa * neighborhoods_ + na];
    ++in_neighborhood_[sa * neighborhoods_ + nb];
    --in_neighborhood_[sb * neighborhoods_ + nb];
    ++in_neighborhood_[sb * neighborhoods_ + na];
    const bool holds = dependencies_hold(sa, static_cast<int>(na)) && dependencies_hold(sa, static_cast<int>(nb)) &&
                       dependencies_hold(sb, static_cast<int>(na)) && dependencies_hold(sb, static_cast<int>(nb));
    ++in_neighborhood_[sa * neighborhoods_ + na];
    --in_neighborhood_[sa * neighborhoods_ + nb];
    ++in_neighborhood_[sb * neighborhoods_ + nb];
    --in_neighborhood_[sb * neighborhoods_ + na];
    if (!holds) return kReassignmentInfeasible;
  }

  Cost delta = machine_cost_with(ma, a, b) - machine_cost_[at(ma)] + machine_cost_with(mb, b, a) -
               machine_cost_[at(mb)] + move_cost(a, mb) - move_cost(a, ma) + move_cost(b, ma) - move_cost(b, mb);
  // The service move term is a maximum over services: count the change in, read it, count it out.
  const auto moved = [this](int process, int machine) { return machine != p_.initial[at(process)] ? 1 : 0; };
  const int change_a = moved(a, mb) - moved(a, ma);
  const int change_b = moved(b, ma) - moved(b, mb);
  if (change_a != 0 || change_b != 0) {
    const auto before = max_moved_;
    if (change_a != 0) set_moved(sa, change_a);
    if (change_b != 0) set_moved(sb, change_b);
    const auto after = max_moved_;
    if (change_b != 0) set_moved(sb, -change_b);
    if (change_a != 0) set_moved(sa, -change_a);
    delta += p_.service_move_weight * (after - before);
  }
  return delta;
}

void ReassignmentState::shift(int process, int to) {
  const int from = machine_of(process);
  remove(process, from);
  add(process, to);
  refresh_machine(from);
  refresh_machine(to);
}

void ReassignmentState::swap(int a, int b) {
  const int ma = machine_of(a);
  const int mb = machine_of(b);
  remove(a, ma);
  remove(b, mb);
  add(a, mb);
  add(b, ma);
  refresh_machine(ma);
  refresh_machine(mb);
}

// Capacity of `machine` with `leaving` taken off and `arriving` put on (either may be −1).
// A transient resource also counts every process that started here and left, so a
// process leaving its initial machine frees nothing there, and one coming back home
// adds nothing.
bool ReassignmentState::fits(int machine, int leaving, int arriving) const {
  const auto base = at(machine) * resources_;
  const auto& capacity = p_.machines[at(machine)].capacity;
  for (std::size_t r = 0; r < resources_; ++r) {
    Cost used = use_[base + r];
    const bool transient = p_.resources[r].transient;
    if (transient) used += transient_use_[base + r];
    if (leaving >= 0 && !(transient && p_.initial[at(leaving)] == machine))
      used -= p_.processes[at(leaving)].requirement[r];
    if (arriving >= 0 && !(transient && p_.initial[at(arriving)] == machine))
      used += p_.processes[at(arriving)].requirement[r];
    if (used > capacity[r]) return false;
  }
  return true;
}

// Moving a process of `service` from machine `from` to `to` loses a location when it was
// the service's only one at `from` and `to`'s location already has one.
bool ReassignmentState::spread_allows(std::size_t service, int from, int to) const {
  const auto from_l = at(p_.machines[at(from)].location);
  const auto to_l = at(p_.machines[at(to)].location);
  if (from_l == to_l) return true;
  const bool loses = in_location_[service * locations_ + from_l] == 1 && in_location_[service * locations_ + to_l] > 0;
  return !loses || distinct_locations_[service] > p_.services[service].spread_min;
}

// With `service` leaving neighbourhood `from` for `to`: every dependency of it runs in
// `to` (if it is new there) and no dependent of it is left alone in `from`.
bool ReassignmentState::dependencies_allow(std::size_t service, int from, int to) const {
  const auto f = at(from);
  const auto t = at(to);
  if (in_neighborhood_[service * neighborhoods_ + t] == 0)
    for (const int d : p_.services[service].dependencies)
      if (in_neighborhood_[at(d) * neighborhoods_ + t] == 0) return false;
  if (in_neighborhood_[service * neighborhoods_ + f] == 1)
    for (const int d : dependents_[service])
      if (in_neighborhood_[at(d) * neighborhoods_ + f] > 0) return false;
  return true;
}

// The dependency rules that involve `service` in `neighborhood`, on the current counts.
bool ReassignmentState::dependencies_hold(std::size_t service, int neighborhood) const {
  const auto n = at(neighborhood);
  if (in_neighborhood_[service * neighborhoods_ + n] > 0) {
    for (const int d : p_.services[service].dependencies)
      if (in_neighborhood_[at(d) * neighborhoods_ + n] == 0) return false;
  } else {
    for (const int d : dependents_[service])
      if (in_neighborhood_[at(d) * neighborhoods_ + n] > 0) return false;
  }
  return true;
}

// Load and balance cost of `machine` with `leaving` taken off and `arriving` put on.
ReassignmentState::Cost ReassignmentState::machine_cost_with(int machine, int leaving, int arriving) const {
  const auto& m = p_.machines[at(machine)];
  const auto base = at(machine) * resources_;
  const auto use = [&](std::size_t r) {
    Cost u = use_[base + r];
    if (leaving >= 0) u -= p_.processes[at(leaving)].requirement[r];
    if (arriving >= 0) u += p_.processes[at(arriving)].requirement[r];
    return u;
  };
  Cost cost = 0;
  for (std::size_t r = 0; r < resources_; ++r) {
    const Cost over = use(r) - m.safety_capacity[r];
    if (over > 0) cost += p_.resources[r].load_cost_weight * over;
  }
  for (const auto& b : p_.balances) {
    const auto r1 = at(b.resource1);
    const auto r2 = at(b.resource2);
    const Cost gap = b.target * (m.capacity[r1] - use(r1)) - (m.capacity[r2] - use(r2));
    if (gap > 0) cost += b.weight * gap;
  }
  return cost;
}

ReassignmentState::Cost ReassignmentState::compute_machine_cost(int machine) const {
  return machine_cost_with(machine, -1, -1);
}

ReassignmentState::Cost ReassignmentState::balance_cost(int machine) const {
  const auto& m = p_.machines[at(machine)];
  const auto base = at(machine) * resources_;
  Cost cost = 0;
  for (const auto& b : p_.balances) {
    const auto r1 = at(b.resource1);
    const auto r2 = at(b.resource2);
    const Cost gap = b.target * (m.capacity[r1] - use_[base + r1]) - (m.capacity[r2] - use_[base + r2]);
    if (gap > 0) cost += b.weight * gap;
  }
  return cost;
}

ReassignmentState::Cost ReassignmentState::move_cost(int process, int machine) const {
  const int initial = p_.initial[at(process)];
  if (machine == initial) return 0;
  return p_.process_move_weight * p_.processes[at(process)].move_cost +
         p_.machine_move_weight * p_.machine_move_cost[at(initial)][at(machine)];
}

void ReassignmentState::set_moved(std::size_t service, int delta) {
  --moved_histogram_[at(static_cast<int>(moved_in_service_[service]))];
  moved_in_service_[service] += delta;
  ++moved_histogram_[at(static_cast<int>(moved_in_service_[service]))];
  if (moved_in_service_[service] > max_moved_) max_moved_ = moved_in_service_[service];
  while (max_moved_ > 0 && moved_histogram_[at(static_cast<int>(max_moved_))] == 0) --max_moved_;
}

void ReassignmentState::add(int process, int machine) {
  const auto i = at(process);
  const auto& proc = p_.processes[i];
  const auto s = at(proc.service);
  const auto m = at(machine);
  const auto initial = at(p_.initial[i]);
  assign_[i] = machine;
  for (std::size_t r = 0; r < resources_; ++r) {
    use_[m * resources_ + r] += proc.requirement[r];
    if (m != initial) transient_use_[initial * resources_ + r] += proc.requirement[r];
  }
  ++on_machine_[s * machines_ + m];
  const auto& mach = p_.machines[m];
  if (in_location_[s * locations_ + at(mach.location)]++ == 0) ++distinct_locations_[s];
  ++in_neighborhood_[s * neighborhoods_ + at(mach.neighborhood)];
  if (m != initial) {
    process_move_ += p_.process_move_weight * proc.move_cost;
    machine_move_ += p_.machine_move_weight * p_.machine_move_cost[initial][m];
    set_moved(s, +1);
  }
  position_[i] = processes_on_[m].size();
  processes_on_[m].push_back(process);
}

void ReassignmentState::remove(int process, int machine) {
  const auto i = at(process);
  const auto& proc = p_.processes[i];
  const auto s = at(proc.service);
  const auto m = at(machine);
  const auto initial = at(p_.initial[i]);
  for (std::size_t r = 0; r < resources_; ++r) {
    use_[m * resources_ + r] -= proc.requirement[r];
    if (m != initial) transient_use_[initial * resources_ + r] -= proc.requirement[r];
  }
  --on_machine_[s * machines_ + m];
  const auto& mach = p_.machines[m];
  if (--in_location_[s * locations_ + at(mach.location)] == 0) --distinct_locations_[s];
  --in_neighborhood_[s * neighborhoods_ + at(mach.neighborhood)];
  if (m != initial) {
    process_move_ -= p_.process_move_weight * proc.move_cost;
    machine_move_ -= p_.machine_move_weight * p_.machine_move_cost[initial][m];
    set_moved(s, -1);
  }
  auto& list = processes_on_[m];
  const auto position = position_[i];
  list[position] = list.back();
  position_[at(list[position])] = position;
  list.pop_back();
}

void ReassignmentState::refresh_machine(int machine) {
  auto& cached = machine_cost_[at(machine)];
  machine_sum_ -= cached;
  cached = compute_machine_cost(machine);
  machine_sum_ += cached;
}

}  // namespace berth::optimizer
