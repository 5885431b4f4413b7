#include "common/optimizer/reassignment_state.hpp"

#include <algorithm>
#include <array>
#include <numeric>

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

ReassignmentState::Cost ReassignmentState::cost_of_use(int machine, const Cost* use) const {
  const auto& m = p_.machines[at(machine)];
  Cost cost = 0;
  for (std::size_t r = 0; r < resources_; ++r) {
    const Cost over = use[r] - m.safety_capacity[r];
    if (over > 0) cost += p_.resources[r].load_cost_weight * over;
  }
  for (const auto& b : p_.balances) {
    const auto r1 = at(b.resource1);
    const auto r2 = at(b.resource2);
    const Cost gap = b.target * (m.capacity[r1] - use[r1]) - (m.capacity[r2] - use[r2]);
    if (gap > 0) cost += b.weight * gap;
  }
  return cost;
}

bool ReassignmentState::rules_hold(const std::vector<int>& processes, const std::vector<int>& machines) const {
  for (const int m : machines)
    if (!within_capacity(m)) return false;
  for (const int q : processes) {
    const auto s = at(p_.processes[at(q)].service);
    if (on_machine_[s * machines_ + at(machine_of(q))] > 1) return false;
    if (distinct_locations_[s] < p_.services[s].spread_min) return false;
    for (const int m : machines)
      if (!dependencies_hold(s, p_.machines[at(m)].neighborhood)) return false;
  }
  return true;
}

// The search tree assigns processes[0], processes[1], ... in turn to one of the k
// machines (slots). Usage of each slot starts from what stays there (processes outside
// the subproblem) and grows as processes are placed, so load cost only grows with depth;
// for a transient resource a process placed away from its initial slot also keeps its
// share there, which `cap_use` counts from the start.
ReassignmentState::Repacked ReassignmentState::repack(const std::vector<int>& machines, std::int64_t node_limit) {
  const std::size_t k = machines.size();
  const std::size_t R = resources_;
  std::vector<int> processes;
  for (const int m : machines)
    for (const int q : processes_on_[at(m)]) processes.push_back(q);
  if (k < 2 || k > kMaxRepackMachines || processes.empty()) return {};

  const auto slot_of = [&machines](int machine) {
    const auto it = std::find(machines.begin(), machines.end(), machine);
    return it == machines.end() ? -1 : static_cast<int>(it - machines.begin());
  };
  // Largest first, relative to the subproblem's total capacity per resource.
  std::vector<double> total_capacity(R, 0);
  for (const int m : machines)
    for (std::size_t r = 0; r < R; ++r) total_capacity[r] += static_cast<double>(p_.machines[at(m)].capacity[r]);
  std::vector<std::pair<double, int>> by_size;  // (−size, process)
  for (const int q : processes) {
    double size = 0;
    for (std::size_t r = 0; r < R; ++r)
      if (total_capacity[r] > 0) size += static_cast<double>(p_.processes[at(q)].requirement[r]) / total_capacity[r];
    by_size.emplace_back(-size, q);
  }
  std::sort(by_size.begin(), by_size.end());
  for (std::size_t d = 0; d < by_size.size(); ++d) processes[d] = by_size[d].second;
  // Beyond kMaxRepackProcesses the smallest stay where they are: the tree could not
  // reach them within its node limit, and shifts move them well enough.
  if (processes.size() > kMaxRepackProcesses) processes.resize(kMaxRepackProcesses);

  std::vector<Cost> use(k * R, 0);      // load and balance use
  std::vector<Cost> cap_use(k * R, 0);  // capacity use (transient shares included)
  for (std::size_t i = 0; i < k; ++i) {
    const auto base = at(machines[i]) * R;
    for (std::size_t r = 0; r < R; ++r) {
      use[i * R + r] = use_[base + r];
      cap_use[i * R + r] = use_[base + r] + (p_.resources[r].transient ? transient_use_[base + r] : 0);
    }
  }
  const std::size_t n = processes.size();
  // Local service ids, conflicts with processes that stay, and per-slot move costs.
  std::vector<int> services;
  std::vector<std::size_t> local(n);
  std::vector<int> initial_slot(n), current_slot(n);
  std::vector<Cost> move(n * k);
  std::vector<Cost> rest_move(n + 1, 0);  // cheapest move cost of processes[d..]
  std::vector<Cost> rest(n * R + R, 0);   // requirement of processes[d..]
  for (std::size_t d = 0; d < n; ++d) {
    const int q = processes[d];
    const auto& proc = p_.processes[at(q)];
    const auto it = std::find(services.begin(), services.end(), proc.service);
    local[d] = static_cast<std::size_t>(it - services.begin());
    if (it == services.end()) services.push_back(proc.service);
    initial_slot[d] = slot_of(p_.initial[at(q)]);
    current_slot[d] = slot_of(machine_of(q));
    const auto i = at(current_slot[d]);
    for (std::size_t r = 0; r < R; ++r) {
      use[i * R + r] -= proc.requirement[r];
      if (!(p_.resources[r].transient && initial_slot[d] == current_slot[d]))
        cap_use[i * R + r] -= proc.requirement[r];
    }
    for (std::size_t j = 0; j < k; ++j) move[d * k + j] = move_cost(q, machines[j]);
  }
  std::vector<std::int32_t> placed(services.size() * k, 0);  // [local service][slot]
  std::vector<char> blocked(n * k, 0);                       // a process that stays holds the service there
  for (std::size_t d = 0; d < n; ++d) ++placed[local[d] * k + at(current_slot[d])];
  for (std::size_t d = 0; d < n; ++d)
    for (std::size_t j = 0; j < k; ++j) {
      const auto s = at(p_.processes[at(processes[d])].service);
      blocked[d * k + j] = on_machine_[s * machines_ + at(machines[j])] - placed[local[d] * k + j] > 0 ? 1 : 0;
    }
  std::fill(placed.begin(), placed.end(), 0);
  for (std::size_t d = n; d-- > 0;) {
    rest_move[d] = rest_move[d + 1] + *std::min_element(move.begin() + static_cast<std::ptrdiff_t>(d * k),
                                                        move.begin() + static_cast<std::ptrdiff_t>(d * k + k));
    for (std::size_t r = 0; r < R; ++r)
      rest[d * R + r] = rest[(d + 1) * R + r] + p_.processes[at(processes[d])].requirement[r];
  }

  // Over all slots, per resource: use above safety capacity, and room left below it.
  std::vector<Cost> safety(k * R), over(R, 0), slack(R, 0);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t r = 0; r < R; ++r) {
      safety[i * R + r] = p_.machines[at(machines[i])].safety_capacity[r];
      const Cost diff = use[i * R + r] - safety[i * R + r];
      if (diff > 0) over[r] += diff; else slack[r] -= diff;
    }
  // A lower bound on the subproblem's cost below a node at depth d: each resource's
  // overflow so far plus what the rest must add beyond the slack left under safety
  // capacity; balance gaps less what the rest could still close.
  const auto bound = [&](std::size_t d, Cost moves) {
    Cost lb = moves + rest_move[d];
    for (std::size_t r = 0; r < R; ++r)
      lb += p_.resources[r].load_cost_weight * (over[r] + std::max<Cost>(0, rest[d * R + r] - slack[r]));
    for (const auto& b : p_.balances) {
      const auto r1 = at(b.resource1);
      const auto r2 = at(b.resource2);
      for (std::size_t i = 0; i < k; ++i) {
        const auto& cap = p_.machines[at(machines[i])].capacity;
        const Cost gap = b.target * (cap[r1] - use[i * R + r1] - rest[d * R + r1]) - (cap[r2] - use[i * R + r2]);
        if (gap > 0) lb += b.weight * gap;
      }
    }
    return lb;
  };
  const auto leaf_cost = [&](Cost moves) {
    Cost cost = moves;
    for (std::size_t i = 0; i < k; ++i) cost += cost_of_use(machines[i], &use[i * R]);
    return cost;
  };

  const Cost start_total = total();
  Cost best_total = start_total;
  std::vector<int> slot(n), best_slot(current_slot);
  Cost moves_now = 0;
  for (std::size_t d = 0; d < n; ++d) moves_now += move[d * k + at(current_slot[d])];
  Cost incumbent = moves_now;  // the current assignment, valued as the tree does
  for (const int m : machines) incumbent += machine_cost_[at(m)];
  std::int64_t nodes = 0;

  // A leaf that beats the incumbent: apply it, check the rules the tree left out, value it exactly.
  const auto try_leaf = [&](Cost cost) {
    nodes += static_cast<std::int64_t>(n);  // its work counts against the node limit
    for (std::size_t d = 0; d < n; ++d)
      if (slot[d] != current_slot[d]) shift(processes[d], machines[at(slot[d])]);
    const Cost exact = total();
    if (exact < best_total && rules_hold(processes, machines)) {
      best_total = exact;
      best_slot = slot;
      incumbent = cost;
    }
    for (std::size_t d = 0; d < n; ++d)
      if (slot[d] != current_slot[d]) shift(processes[d], machines[at(current_slot[d])]);
  };
  const auto place = [&](std::size_t d, std::size_t i, int sign) {
    const auto& req = p_.processes[at(processes[d])].requirement;
    for (std::size_t r = 0; r < R; ++r) {
      const Cost before = use[i * R + r] - safety[i * R + r];
      const Cost after = before + sign * req[r];
      over[r] += std::max<Cost>(after, 0) - std::max<Cost>(before, 0);
      slack[r] += std::max<Cost>(-after, 0) - std::max<Cost>(-before, 0);
      use[i * R + r] += sign * req[r];
      if (!(p_.resources[r].transient && initial_slot[d] == static_cast<int>(i))) cap_use[i * R + r] += sign * req[r];
    }
    placed[local[d] * k + i] += sign;
  };
  const auto fits_slot = [&](std::size_t d, std::size_t i) {
    if (blocked[d * k + i] != 0 || placed[local[d] * k + i] != 0) return false;
    const auto& req = p_.processes[at(processes[d])].requirement;
    const auto& cap = p_.machines[at(machines[i])].capacity;
    for (std::size_t r = 0; r < R; ++r) {
      const Cost add = p_.resources[r].transient && initial_slot[d] == static_cast<int>(i) ? 0 : req[r];
      if (cap_use[i * R + r] + add > cap[r]) return false;
    }
    return true;
  };
  const auto dfs = [&](const auto& self, std::size_t d, Cost moves) -> void {
    if (++nodes > node_limit) return;
    if (d == n) {
      const Cost cost = leaf_cost(moves);
      if (cost < incumbent) try_leaf(cost);
      return;
    }
    // Children in the order of their bounds, the most promising first.
    std::array<std::pair<Cost, std::size_t>, kMaxRepackMachines> children{};
    std::size_t count = 0;
    for (std::size_t i = 0; i < k; ++i) {
      if (!fits_slot(d, i)) continue;
      place(d, i, +1);
      const Cost lb = bound(d + 1, moves + move[d * k + i]);
      place(d, i, -1);
      if (lb < incumbent) children[count++] = {lb, i};
    }
    for (std::size_t c = 1; c < count; ++c)  // insertion sort: k is tiny
      for (std::size_t e = c; e > 0 && children[e].first < children[e - 1].first; --e) std::swap(children[e], children[e - 1]);
    for (std::size_t c = 0; c < count && nodes <= node_limit; ++c) {
      const auto [lb, i] = children[c];
      if (lb >= incumbent) break;
      place(d, i, +1);
      slot[d] = static_cast<int>(i);
      self(self, d + 1, moves + move[d * k + i]);
      place(d, i, -1);
    }
  };
  dfs(dfs, 0, 0);

  if (best_total >= start_total) return {.delta = 0, .nodes = nodes};
  for (std::size_t d = 0; d < n; ++d)
    if (best_slot[d] != current_slot[d]) shift(processes[d], machines[at(best_slot[d])]);
  return {.delta = best_total - start_total, .nodes = nodes};
}

}  // namespace berth::optimizer
