#include "common/optimizer/recovery.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace berth::optimizer {
namespace {

constexpr std::size_t kShapeWindow = 64;

}  // namespace

WorkingPlacement recover(const Instance& inst, std::vector<LocalProblem>& class_problems,
                         std::vector<LocalAnswer> class_answers, std::uint64_t seed) {
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
    return class_answers[inst.class_of_node[a]].value / inst.node_size(a) <
           class_answers[inst.class_of_node[b]].value / inst.node_size(b);
  });
  // A class's last answer is reused for its next node while it still fits what is left
  // (it is the node's answer to the same subproblem); the node solves anew only when the
  // residual demand has shrunk below it.
  std::vector<std::int32_t> limits;
  for (const std::uint32_t n : order) {
    const int c = inst.class_of_node[n];
    LocalProblem& lp = class_problems[c];
    LocalAnswer& answer = class_answers[c];
    limits.resize(lp.items.size());
    bool any = false;
    bool reusable = true;
    for (std::size_t i = 0; i < lp.items.size(); ++i) {
      auto& item = lp.items[i];
      limits[i] = item.limit;
      // Spread is repaired after this pass: checking it node by node, while other domains
      // are still empty, would move replicas that can stay where they run.
      item.limit = std::max(0, std::min(item.limit, wp.unplaced(item.service)));
      any |= item.limit > 0;
      reusable = reusable && answer.counts[i] <= item.limit;
    }
    if (any) {
      if (!reusable) answer = solve_local(lp, {.enumeration_limit = 256, .want_bound = false});
      for (std::size_t i = 0; i < lp.items.size(); ++i)
        if (answer.counts[i] > 0) wp.add(n, lp.items[i].service, answer.counts[i]);
    }
    for (std::size_t i = 0; i < lp.items.size(); ++i) lp.items[i].limit = limits[i];
  }
  repair_spread(wp);
  repair_near(wp);
  if (pays_per_node) {
    // Open first the node classes that earn most per unit of cost at these prices (the
    // node types whose mix of resources the prices say is scarce), set cost aside.
    std::vector<double> earning(inst.node_count(), 0.0);
    for (std::size_t c = 0; c < class_problems.size(); ++c) {
      LocalProblem& lp = class_problems[c];
      const double fixed_cost = lp.fixed_cost;
      lp.fixed_cost = 0;
      const LocalAnswer fill = solve_local(lp, {.enumeration_limit = 256, .want_bound = false});
      lp.fixed_cost = fixed_cost;
      double earned = 0;
      for (std::size_t i = 0; i < lp.items.size(); ++i) earned += lp.items[i].price * fill.counts[i];
      for (const auto n : inst.class_members[c]) earning[n] = earned / std::max(fixed_cost, 1e-9);
    }
    fill_nodes(wp, rng, earning);
  }
  insert_unplaced(wp);
  return wp;
}

void fill_nodes(WorkingPlacement& wp, std::mt19937_64& rng, const std::vector<double>& earning) {
  const Instance& inst = wp.instance();
  const auto& problem = *inst.problem;
  // Cheapest capacity first, bigger nodes first among equals (less fragmentation).
  std::vector<std::uint32_t> order(inst.node_count());
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<double> unit_cost(inst.node_count());
  std::vector<double> size(inst.node_count());
  for (const auto n : order) {
    size[n] = inst.node_size(n);
    unit_cost[n] = inst.node_cost[n] / size[n];
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const bool ua = wp.used(a);
    const bool ub = wp.used(b);
    if (ua != ub) return ua;  // fill what is open before opening more
    if (std::abs(earning[a] - earning[b]) > 1e-9) return earning[a] > earning[b];
    if (unit_cost[a] != unit_cost[b]) return unit_cost[a] < unit_cost[b];
    return size[a] > size[b];
  });

  // Higher priorities claim capacity first; within a level, replicas are grouped by shape
  // (request vector): real services share a few request sizes, so choosing among shapes
  // instead of services keeps each step cheap on large clusters.
  std::vector<int> levels;
  for (std::uint32_t s = 0; s < inst.service_count(); ++s)
    if (wp.unplaced(s) > 0) levels.push_back(problem.services[s].priority);
  std::sort(levels.begin(), levels.end(), std::greater<>());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());

  struct Shape {
    std::uint32_t representative;
    std::vector<std::uint32_t> services;
    int unplaced = 0;
    std::size_t first_live = 0;  // services before it are fully placed
  };
  std::vector<std::pair<std::uint32_t, int>> added;
  std::vector<std::size_t> window;
  for (const int level : levels) {
    std::vector<Shape> shapes;
    std::map<std::vector<std::int64_t>, std::size_t> shape_of;
    int left = 0;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s) {
      if (wp.unplaced(s) <= 0 || problem.services[s].priority != level) continue;
      std::vector<std::int64_t> request(inst.req(s), inst.req(s) + inst.dims);
      const auto [it, added_shape] = shape_of.emplace(std::move(request), shapes.size());
      if (added_shape) shapes.push_back({s, {}, 0});
      shapes[it->second].services.push_back(s);
      shapes[it->second].unplaced += wp.unplaced(s);
      left += wp.unplaced(s);
    }
    // Services limited per node need many distinct nodes; left to the end they would open
    // nodes of their own, so every node opened takes its share of them first.
    std::vector<std::uint32_t> spread_thin;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s)
      if (wp.unplaced(s) > 0 && problem.services[s].priority == level && problem.services[s].max_per_node > 0)
        spread_thin.push_back(s);
    // Shapes largest first; a node looks at a window of the largest that still fit, since
    // the dot-product choice is nearly always among them.
    std::vector<std::size_t> live;
    auto rebuild_live = [&] {
      live.clear();
      for (std::size_t k = 0; k < shapes.size(); ++k)
        if (shapes[k].unplaced > 0) live.push_back(k);
      std::stable_sort(live.begin(), live.end(), [&](std::size_t a, std::size_t b) {
        return inst.size_of(shapes[a].representative) > inst.size_of(shapes[b].representative);
      });
    };
    rebuild_live();
    std::size_t dead = 0;
    for (const std::uint32_t n : order) {
      if (left <= 0) break;
      if (dead > live.size() / 4) {  // drop exhausted shapes now and then, not every node
        std::erase_if(live, [&](std::size_t k) { return shapes[k].unplaced <= 0; });
        dead = 0;
      }
      const auto* cap = inst.cap(n);
      const double before = wp.node_cost(n) + wp.global_cost();
      auto fits = [&](std::size_t k) {
        const auto* req = inst.req(shapes[k].representative);
        const auto* used = wp.used_resources(n);
        for (int r = 0; r < inst.dims; ++r)
          if (used[r] + req[r] > cap[r]) return false;
        return true;
      };
      std::size_t next = 0;
      auto refill = [&] {
        while (window.size() < kShapeWindow && next < live.size()) {
          const std::size_t k = live[next++];
          if (shapes[k].unplaced > 0 && fits(k)) window.push_back(k);
        }
      };
      window.clear();
      added.clear();
      auto record = [&](std::uint32_t s, int k) {
        if (!added.empty() && added.back().first == s) {
          added.back().second += k;
        } else {
          added.emplace_back(s, k);
        }
      };
      std::erase_if(spread_thin, [&](std::uint32_t s) { return wp.unplaced(s) <= 0; });
      for (const std::uint32_t s : spread_thin) {
        const auto k = static_cast<int>(std::min<std::int64_t>(
            {std::int64_t{wp.unplaced(s)}, std::int64_t{wp.room_by_rules(n, s)}, wp.room_by_capacity(n, s),
             std::int64_t{wp.spread_room(n, s)}}));
        if (k <= 0 || !wp.near_room(n, s)) continue;
        wp.add(n, s, k);
        Shape& shape = shapes[shape_of[std::vector<std::int64_t>(inst.req(s), inst.req(s) + inst.dims)]];
        if ((shape.unplaced -= k) == 0) ++dead;
        left -= k;
        record(s, k);
      }
      refill();
      // Dot-product rule for vector packing: the replica whose demand best matches the
      // room left, so a node's dimensions fill together instead of one running out first.
      while (!window.empty()) {
        const auto* used = wp.used_resources(n);
        std::erase_if(window, [&](std::size_t k) { return shapes[k].unplaced <= 0 || !fits(k); });
        std::size_t best = window.size();
        double best_score = -1;
        for (std::size_t w = 0; w < window.size(); ++w) {
          const std::size_t k = window[w];
          const auto* req = inst.req(shapes[k].representative);
          double score = 0;
          for (int r = 0; r < inst.dims; ++r) {
            if (cap[r] <= 0) continue;
            const double c = static_cast<double>(cap[r]);
            score += (static_cast<double>(req[r]) / c) * (static_cast<double>(cap[r] - used[r]) / c);
          }
          if (score > best_score || (score == best_score && k < window[best])) {
            best_score = score;
            best = w;
          }
        }
        if (best == window.size()) {
          refill();
          if (window.empty()) break;
          continue;
        }
        Shape& shape = shapes[window[best]];
        const auto none = static_cast<std::uint32_t>(inst.service_count());
        std::uint32_t chosen = none;
        while (shape.first_live < shape.services.size() && wp.unplaced(shape.services[shape.first_live]) <= 0)
          ++shape.first_live;
        for (std::size_t i = shape.first_live; i < shape.services.size(); ++i) {
          const std::uint32_t s = shape.services[i];
          // fits() saw plain capacity; room_by_capacity adds the transient room.
          if (wp.unplaced(s) > 0 && wp.room_by_rules(n, s) > 0 && wp.spread_room(n, s) > 0 &&
              (inst.transient.empty() || wp.room_by_capacity(n, s) > 0) && wp.near_room(n, s)) {
            chosen = s;
            break;
          }
        }
        if (chosen == none) {  // the rules keep this shape off this node
          window[best] = window.back();
          window.pop_back();
          refill();
          continue;
        }
        wp.add(n, chosen);
        if (--shape.unplaced == 0) ++dead;
        --left;
        record(chosen, 1);
        if (window.size() < kShapeWindow / 2) refill();
      }
      if (added.empty()) continue;
      double saved_penalty = 0;
      for (const auto& [s, k] : added) saved_penalty += inst.penalty[s] * k;
      if (wp.node_cost(n) + wp.global_cost() - before >= saved_penalty) {  // cheaper to leave them unplaced
        for (const auto& [s, k] : added) {
          wp.remove(n, s, k);
          left += k;
          Shape& shape = shapes[shape_of[std::vector<std::int64_t>(inst.req(s), inst.req(s) + inst.dims)]];
          shape.unplaced += k;
          shape.first_live = 0;
        }
        rebuild_live();  // shapes it had exhausted are live again
      }
    }
  }
}

void repair_near(WorkingPlacement& wp) {
  const Instance& inst = wp.instance();
  if (inst.near.empty()) return;
  // Taking a target out can strand replicas near it in turn: repeat until none moves.
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t n = 0; n < inst.node_count(); ++n) {
      const auto hosted = wp.hosted(n);
      for (const auto& sc : hosted) {
        const std::uint32_t s = sc.service.value;
        if (!inst.has_near(s) || wp.near_room(n, s)) continue;
        wp.remove(n, s, sc.count);
        changed = true;
      }
    }
  }
}

void repair_spread(WorkingPlacement& wp) {
  const Instance& inst = wp.instance();
  for (std::uint32_t s = 0; s < inst.service_count(); ++s) {
    if (!inst.has_spread(s) || wp.spread_ok(s)) continue;
    // Per domain, the nodes hosting the service, cheapest to leave first.
    std::vector<std::vector<std::uint32_t>> hosts(inst.domain_count[s]);
    for (std::uint32_t n = 0; n < inst.node_count(); ++n)
      if (wp.count(n, s) > 0) hosts[inst.domain_of(s, n)].push_back(n);
    while (!wp.spread_ok(s)) {
      std::size_t fullest = 0;
      int most = -1;
      for (std::size_t z = 0; z < hosts.size(); ++z) {
        int count = 0;
        for (const auto n : hosts[z]) count += wp.count(n, s);
        if (count > most) {
          most = count;
          fullest = z;
        }
      }
      auto& nodes = hosts[fullest];
      std::erase_if(nodes, [&](std::uint32_t n) { return wp.count(n, s) == 0; });
      if (nodes.empty()) break;
      // Take it from where leaving costs least (a replica that was not running there, say).
      std::uint32_t cheapest = nodes.front();
      double cheapest_delta = std::numeric_limits<double>::infinity();
      for (const auto n : nodes) {
        const double before = wp.node_cost(n) + wp.global_cost();
        wp.remove(n, s);
        const double delta = wp.node_cost(n) + wp.global_cost() - before;
        wp.add(n, s);
        if (delta < cheapest_delta) {
          cheapest_delta = delta;
          cheapest = n;
        }
      }
      wp.remove(cheapest, s);
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
  for (const auto n : used_nodes) key[n] = -wp.fill(n);
  for (const auto n : free_nodes) key[n] = inst.node_cost[n] / inst.node_size(n);
  auto by_key = [&](std::uint32_t a, std::uint32_t b) { return key[a] != key[b] ? key[a] < key[b] : a < b; };
  std::sort(used_nodes.begin(), used_nodes.end(), by_key);
  std::sort(free_nodes.begin(), free_nodes.end(), by_key);
  std::vector<std::uint32_t> order = used_nodes;
  order.insert(order.end(), free_nodes.begin(), free_nodes.end());

  // A replica near another service goes only where that service runs: when its targets
  // come later in this order, another round places what they made possible.
  const std::size_t rounds = 1 + inst.near.size();
  for (std::size_t round = 0; round < rounds; ++round) {
    bool placed_any = false;
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
          if (k <= 0 || !wp.near_room(n, s)) continue;
          const double before = wp.node_cost(n) + wp.global_cost();
          const int count = static_cast<int>(k);
          wp.add(n, s, count);
          const double delta = wp.node_cost(n) + wp.global_cost() - before - inst.penalty[s] * count;
          if (delta < 0) {
            progress = placed_any = true;
          } else {
            wp.remove(n, s, count);
          }
        }
        if (!progress) break;
      }
    }
    if (!placed_any) break;
  }
}

}  // namespace berth::optimizer
