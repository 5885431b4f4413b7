#include "bench/roadef/checker.hpp"

#include <algorithm>
#include <set>

namespace berth::roadef {
namespace {

using optimizer::Reassignment;

// usage[m][r] of the processes on m; with `transient`, transient resources also count
// the processes that started on m and moved away.
std::vector<std::vector<std::int64_t>> usage(const Reassignment& p, const std::vector<int>& assignment,
                                             bool transient) {
  std::vector<std::vector<std::int64_t>> use(p.machines.size(), std::vector<std::int64_t>(p.resources.size(), 0));
  for (std::size_t i = 0; i < p.processes.size(); ++i) {
    for (std::size_t r = 0; r < p.resources.size(); ++r) {
      use[static_cast<std::size_t>(assignment[i])][r] += p.processes[i].requirement[r];
      if (transient && p.resources[r].transient && assignment[i] != p.initial[i])
        use[static_cast<std::size_t>(p.initial[i])][r] += p.processes[i].requirement[r];
    }
  }
  return use;
}

}  // namespace

optimizer::ReassignmentCost evaluate(const Reassignment& p, const std::vector<int>& assignment) {
  optimizer::ReassignmentCost cost;
  const auto use = usage(p, assignment, false);
  for (std::size_t m = 0; m < p.machines.size(); ++m) {
    const auto& machine = p.machines[m];
    for (std::size_t r = 0; r < p.resources.size(); ++r)
      cost.load += p.resources[r].load_cost_weight * std::max<std::int64_t>(0, use[m][r] - machine.safety_capacity[r]);
    for (const auto& b : p.balances) {
      const auto r1 = static_cast<std::size_t>(b.resource1);
      const auto r2 = static_cast<std::size_t>(b.resource2);
      const auto free1 = machine.capacity[r1] - use[m][r1];
      const auto free2 = machine.capacity[r2] - use[m][r2];
      cost.balance += b.weight * std::max<std::int64_t>(0, b.target * free1 - free2);
    }
  }
  std::vector<std::int64_t> moved_per_service(p.services.size(), 0);
  for (std::size_t i = 0; i < p.processes.size(); ++i) {
    if (assignment[i] == p.initial[i]) continue;
    cost.process_move += p.process_move_weight * p.processes[i].move_cost;
    cost.machine_move += p.machine_move_weight * p.machine_move_cost[static_cast<std::size_t>(p.initial[i])]
                                                                    [static_cast<std::size_t>(assignment[i])];
    ++moved_per_service[static_cast<std::size_t>(p.processes[i].service)];
  }
  if (!moved_per_service.empty())
    cost.service_move = p.service_move_weight * *std::max_element(moved_per_service.begin(), moved_per_service.end());
  return cost;
}

std::vector<std::string> check(const Reassignment& p, const std::vector<int>& assignment, std::size_t limit) {
  std::vector<std::string> out;
  const auto report = [&](std::string text) {
    if (out.size() < limit) out.push_back(std::move(text));
  };
  if (assignment.size() != p.processes.size()) {
    report("assignment has " + std::to_string(assignment.size()) + " machines for " +
           std::to_string(p.processes.size()) + " processes");
    return out;
  }
  for (std::size_t i = 0; i < assignment.size(); ++i) {
    if (assignment[i] < 0 || static_cast<std::size_t>(assignment[i]) >= p.machines.size()) {
      report("process " + std::to_string(i) + " on machine " + std::to_string(assignment[i]) + ", out of range");
      return out;
    }
  }

  const auto use = usage(p, assignment, true);
  for (std::size_t m = 0; m < p.machines.size(); ++m)
    for (std::size_t r = 0; r < p.resources.size(); ++r)
      if (use[m][r] > p.machines[m].capacity[r])
        report("capacity: machine " + std::to_string(m) + " resource " + std::to_string(r) + " uses " +
               std::to_string(use[m][r]) + " > " + std::to_string(p.machines[m].capacity[r]));

  std::vector<std::set<int>> machines_of(p.services.size());
  std::vector<std::set<int>> locations_of(p.services.size());
  std::vector<std::set<int>> neighborhoods_of(p.services.size());
  for (std::size_t i = 0; i < assignment.size(); ++i) {
    const auto s = static_cast<std::size_t>(p.processes[i].service);
    const auto& machine = p.machines[static_cast<std::size_t>(assignment[i])];
    if (!machines_of[s].insert(assignment[i]).second)
      report("conflict: service " + std::to_string(s) + " has two processes on machine " +
             std::to_string(assignment[i]));
    locations_of[s].insert(machine.location);
    neighborhoods_of[s].insert(machine.neighborhood);
  }
  for (std::size_t s = 0; s < p.services.size(); ++s) {
    if (static_cast<int>(locations_of[s].size()) < p.services[s].spread_min)
      report("spread: service " + std::to_string(s) + " on " + std::to_string(locations_of[s].size()) +
             " locations < " + std::to_string(p.services[s].spread_min));
    for (const int t : p.services[s].dependencies)
      for (const int n : neighborhoods_of[s])
        if (neighborhoods_of[static_cast<std::size_t>(t)].count(n) == 0)
          report("dependency: service " + std::to_string(s) + " runs in neighborhood " + std::to_string(n) +
                 " where service " + std::to_string(t) + " does not");
  }
  return out;
}

}  // namespace berth::roadef
