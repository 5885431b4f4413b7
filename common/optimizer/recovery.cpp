#include "common/optimizer/recovery.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>

namespace berth::optimizer {
namespace {

double node_size(const Instance& inst, std::size_t n) {
  double size = 1e-9;
  for (int r = 0; r < inst.dims; ++r)
    if (inst.dim_scale[r] > 0) size += static_cast<double>(inst.cap(n)[r]) / inst.dim_scale[r];
  return size;
}

double fill_of(const WorkingPlacement& wp, std::size_t n) {
  const auto& inst = wp.instance();
  double fill = 0;
  int dims = 0;
  for (int r = 0; r < inst.dims; ++r) {
    if (inst.cap(n)[r] <= 0) continue;
    fill += static_cast<double>(wp.used_resources(n)[r]) / static_cast<double>(inst.cap(n)[r]);
    ++dims;
  }
  return dims > 0 ? fill / dims : 0.0;
}

}  // namespace

WorkingPlacement recover(const Instance& inst, std::vector<LocalProblem>& class_problems,
                         const std::vector<double>& class_values, std::uint64_t seed) {
  WorkingPlacement wp(inst);
  std::mt19937_64 rng(seed);
  const bool pays_per_node = std::any_of(inst.node_cost.begin(), inst.node_cost.end(), [](double c) { return c > 0; });
  // Where node costs count, binpacking prices are degenerate (a replica priced at its share
  // of capacity makes every full node break even), and filling nodes by price would pair
  // the replicas that price well and strand the rest. So the prices' answers are followed
  // only where they carry information: nodes that run replicas now (keep or move them),
  // and every node when no node cost is paid (each takes its fair share at the prices).
  std::vector<std::uint32_t> order;
  for (std::uint32_t n = 0; n < inst.node_count(); ++n)
    if (!pays_per_node || !inst.running(n).empty()) order.push_back(n);
  std::shuffle(order.begin(), order.end(), rng);  // random tie-breaking among equals
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return class_values[inst.class_of_node[a]] / node_size(inst, a) < class_values[inst.class_of_node[b]] / node_size(inst, b);
  });
  std::vector<std::int32_t> limits;
  for (const std::uint32_t n : order) {
    LocalProblem& lp = class_problems[inst.class_of_node[n]];
    limits.resize(lp.items.size());
    bool any = false;
    for (std::size_t i = 0; i < lp.items.size(); ++i) {
      auto& item = lp.items[i];
      limits[i] = item.limit;
      item.limit = std::max(0, std::min({item.limit, wp.unplaced(item.service), wp.spread_room(n, item.service)}));
      any |= item.limit > 0;
    }
    if (any) {
      const LocalAnswer answer = solve_local(lp, {.enumeration_limit = 256});
      for (std::size_t i = 0; i < lp.items.size(); ++i)
        if (answer.counts[i] > 0) wp.add(n, lp.items[i].service, answer.counts[i]);
    }
    for (std::size_t i = 0; i < lp.items.size(); ++i) lp.items[i].limit = limits[i];
  }
  if (pays_per_node) fill_nodes(wp, rng);
  insert_unplaced(wp);
  return wp;
}

void fill_nodes(WorkingPlacement& wp, std::mt19937_64& rng) {
  const Instance& inst = wp.instance();
  const auto& problem = *inst.problem;
  // Cheapest capacity first, bigger nodes first among equals (less fragmentation).
  std::vector<std::uint32_t> order;
  for (std::uint32_t n = 0; n < inst.node_count(); ++n)
    if (!wp.used(n)) order.push_back(n);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<double> unit_cost(inst.node_count());
  std::vector<double> size(inst.node_count());
  for (const auto n : order) {
    size[n] = node_size(inst, n);
    unit_cost[n] = inst.node_cost[n] / size[n];
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (unit_cost[a] != unit_cost[b]) return unit_cost[a] < unit_cost[b];
    return size[a] > size[b];
  });
  int left = 0;
  for (std::uint32_t s = 0; s < inst.service_count(); ++s) left += std::max(0, wp.unplaced(s));
  std::vector<std::uint32_t> live;
  std::vector<std::pair<std::uint32_t, int>> added;
  for (const std::uint32_t n : order) {
    if (left <= 0) break;
    live.clear();
    for (const auto& c : inst.candidates(n))
      if (wp.unplaced(c.service) > 0) live.push_back(c.service);
    added.clear();
    const auto* cap = inst.cap(n);
    // Dot-product rule for vector packing: the replica whose demand best matches the
    // room left, so a node's dimensions fill together instead of one running out first.
    for (;;) {
      std::size_t best = live.size();
      double best_score = -1;
      int best_priority = 0;
      const auto* used = wp.used_resources(n);
      for (std::size_t i = 0; i < live.size();) {
        const std::uint32_t s = live[i];
        if (wp.unplaced(s) <= 0 || wp.room_by_capacity(n, s) <= 0) {
          live[i] = live.back();  // it will not fit later either
          live.pop_back();
          continue;
        }
        ++i;
        if (wp.room_by_rules(n, s) <= 0 || wp.spread_room(n, s) <= 0) continue;
        double score = 0;
        for (int r = 0; r < inst.dims; ++r) {
          if (cap[r] <= 0) continue;
          const double c = static_cast<double>(cap[r]);
          score += (static_cast<double>(inst.req(s)[r]) / c) * (static_cast<double>(cap[r] - used[r]) / c);
        }
        const int priority = problem.services[s].priority;
        if (best == live.size() || priority > best_priority || (priority == best_priority && score > best_score)) {
          best = i - 1;
          best_score = score;
          best_priority = priority;
        }
      }
      if (best >= live.size()) break;
      const std::uint32_t s = live[best];
      wp.add(n, s);
      --left;
      if (!added.empty() && added.back().first == s) {
        ++added.back().second;
      } else {
        added.emplace_back(s, 1);
      }
    }
    if (added.empty()) continue;
    double saved_penalty = 0;
    for (const auto& [s, k] : added) saved_penalty += inst.penalty[s] * k;
    if (wp.node_cost(n) >= saved_penalty) {  // cheaper to leave them unplaced
      for (const auto& [s, k] : added) wp.remove(n, s, k);
      for (const auto& [s, k] : added) left += k;
    }
  }
}

void insert_unplaced(WorkingPlacement& wp) {
  const Instance& inst = wp.instance();
  const auto& problem = *inst.problem;
  std::vector<std::uint32_t> services;
  for (std::uint32_t s = 0; s < inst.service_count(); ++s)
    if (wp.unplaced(s) > 0) services.push_back(s);
  if (services.empty()) return;
  std::stable_sort(services.begin(), services.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (problem.services[a].priority != problem.services[b].priority)
      return problem.services[a].priority > problem.services[b].priority;
    return inst.size_of(a) > inst.size_of(b);
  });
  // Tightest used nodes first (best fit), then the cheapest capacity to open.
  std::vector<std::uint32_t> used_nodes;
  std::vector<std::uint32_t> free_nodes;
  for (std::uint32_t n = 0; n < inst.node_count(); ++n) (wp.used(n) ? used_nodes : free_nodes).push_back(n);
  std::vector<double> key(inst.node_count());
  for (const auto n : used_nodes) key[n] = -fill_of(wp, n);
  for (const auto n : free_nodes) key[n] = inst.node_cost[n] / node_size(inst, n);
  auto by_key = [&](std::uint32_t a, std::uint32_t b) { return key[a] != key[b] ? key[a] < key[b] : a < b; };
  std::sort(used_nodes.begin(), used_nodes.end(), by_key);
  std::sort(free_nodes.begin(), free_nodes.end(), by_key);
  std::vector<std::uint32_t> order = used_nodes;
  order.insert(order.end(), free_nodes.begin(), free_nodes.end());

  for (const std::uint32_t s : services) {
    // Spread headroom grows as other domains fill, so sweep again while that helps.
    const int sweeps = inst.has_spread(s) ? 1 + inst.domain_count[s] : 1;
    for (int sweep = 0; sweep < sweeps && wp.unplaced(s) > 0; ++sweep) {
      bool progress = false;
      for (const std::uint32_t n : order) {
        const int want = wp.unplaced(s);
        if (want <= 0) break;
        const std::int64_t k = std::min<std::int64_t>(
            {want, wp.room_by_rules(n, s), wp.room_by_capacity(n, s), wp.spread_room(n, s)});
        if (k <= 0) continue;
        const double before = wp.node_cost(n);
        const int count = static_cast<int>(k);
        wp.add(n, s, count);
        const double delta = wp.node_cost(n) - before - inst.penalty[s] * count;
        if (delta < 0) {
          progress = true;
        } else {
          wp.remove(n, s, count);
        }
      }
      if (!progress) break;
    }
  }
}

}  // namespace berth::optimizer
