#include "common/optimizer/subproblem.hpp"

#include <algorithm>

namespace berth::optimizer {

LocalProblem build_local_problem(const Instance& instance, std::size_t node) {
  const auto& weights = instance.problem->objective.weights;
  const auto& candidates = instance.candidates(node);
  LocalProblem lp;
  lp.dims = instance.dims;
  lp.capacity.assign(instance.cap(node), instance.cap(node) + instance.dims);
  lp.fixed_cost = instance.node_cost[node];
  lp.constant = instance.forced_migration(node);
  lp.load_spread_weight = weights.load_spread;
  lp.balance_weight = weights.balance;
  if (instance.problem->nodes[node].state != model::NodeState::lost) lp.free_ratio = instance.problem->objective.free_ratio;
  if (instance.has_overload) {
    lp.soft_capacity.assign(instance.soft(node), instance.soft(node) + instance.dims);
    lp.overload_weight = instance.overload_weight;
  }
  lp.transient_dims = instance.transient;
  for (std::size_t j = 0; j < instance.transient.size(); ++j)
    lp.transient_room.push_back(instance.held_limit(node)[j] - instance.held(node)[j]);
  lp.migration_weight = weights.migration;
  lp.colocation_weight = weights.colocation;
  const std::size_t m = candidates.size();
  lp.items.reserve(m);
  lp.demand.reserve(m * instance.dims);
  for (const auto& c : candidates) {
    lp.items.push_back({c.service, c.limit, c.running, 0.0, instance.problem->services[c.service].move_cost});
    lp.demand.insert(lp.demand.end(), instance.req(c.service), instance.req(c.service) + instance.dims);
  }
  auto index_of = [&](std::uint32_t service) -> int {
    const auto it = std::lower_bound(candidates.begin(), candidates.end(), service,
                                     [](const Candidate& c, std::uint32_t s) { return c.service < s; });
    return it != candidates.end() && it->service == service ? static_cast<int>(it - candidates.begin()) : -1;
  };
  lp.conflicts.resize(m);
  lp.prefers.resize(m);
  lp.preferred_by.resize(m);
  lp.unmet_preferences.assign(m, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const auto s = candidates[i].service;
    for (const auto t : instance.conflicts[s])
      if (const int j = index_of(t); j >= 0) lp.conflicts[i].push_back(j);
    for (const auto t : instance.prefers[s]) {
      if (const int j = index_of(t); j >= 0) {
        lp.prefers[i].push_back(j);
        lp.preferred_by[j].push_back(static_cast<int>(i));
      } else {
        ++lp.unmet_preferences[i];
      }
    }
  }
  return lp;
}

void set_prices(LocalProblem& problem, const std::vector<double>& prices) {
  for (auto& item : problem.items) item.price = prices[item.service];
}

}  // namespace berth::optimizer
