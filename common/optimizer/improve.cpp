#include "common/optimizer/improve.hpp"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "common/optimizer/recovery.hpp"

namespace berth::optimizer {
namespace {

constexpr std::size_t kTargetsPerReplica = 100000;
constexpr std::size_t kMinVictims = 64;
constexpr std::size_t kReplacementTries = 4;
constexpr double kFullEnough = 0.98;  // mean utilisation above which a node takes nothing useful

struct Move {
  std::size_t from;
  std::size_t to;
  std::uint32_t service;
  int count;
};

class Search {
 public:
  Search(WorkingPlacement& wp, const ImproveOptions& options)
      : wp_(wp), inst_(wp.instance()), options_(options), rng_(options.seed) {}

  bool exhausted() const { return work_ > options_.work_budget || (options_.out_of_time && options_.out_of_time()); }

  // Moves every replica off `victim` onto `targets`; keeps the result only if it pays.
  bool try_empty(std::size_t victim, const std::vector<std::uint32_t>& targets) {
    std::vector<std::pair<std::size_t, double>> touched{{victim, wp_.node_cost(victim)}};
    const double global_before = wp_.global_cost();
    std::vector<Move> moves;
    const auto hosted = wp_.hosted(victim);
    bool complete = true;
    for (const auto& sc : hosted) {
      const std::uint32_t s = sc.service.value;
      for (int k = 0; k < sc.count && complete; ++k) {
        wp_.remove(victim, s);
        bool placed = false;
        std::size_t scanned = 0;
        for (const std::uint32_t t : targets) {
          if (++scanned > kTargetsPerReplica) break;
          ++work_;
          if (t == victim || !wp_.can_add(t, s)) continue;
          if (std::none_of(touched.begin(), touched.end(), [&](const auto& p) { return p.first == t; }))
            touched.emplace_back(t, wp_.node_cost(t));
          wp_.add(t, s);
          moves.push_back({victim, t, s, 1});
          placed = true;
          break;
        }
        if (!placed) {
          wp_.add(victim, s);
          complete = false;
        }
      }
      if (!complete) break;
    }
    double delta = wp_.global_cost() - global_before;
    for (const auto& [n, before] : touched) delta += wp_.node_cost(n) - before;
    bool valid = complete;
    for (const auto& m : moves) valid = valid && wp_.rules_ok(m.service);
    if (valid && delta < -1e-9) return true;
    for (auto it = moves.rbegin(); it != moves.rend(); ++it) {
      wp_.remove(it->to, it->service, it->count);
      wp_.add(it->from, it->service, it->count);
    }
    return false;
  }

  // Moves everything on `from` to the empty node `to`; keeps it only if it pays.
  bool try_replace(std::size_t from, std::size_t to) {
    const double before = wp_.node_cost(from) + wp_.node_cost(to) + wp_.global_cost();
    const auto hosted = wp_.hosted(from);
    std::vector<Move> moves;
    bool complete = true;
    for (const auto& sc : hosted) {
      const std::uint32_t s = sc.service.value;
      wp_.remove(from, s, sc.count);
      ++work_;
      if (!wp_.can_add(to, s, sc.count)) {
        wp_.add(from, s, sc.count);
        complete = false;
        break;
      }
      wp_.add(to, s, sc.count);
      moves.push_back({from, to, s, sc.count});
    }
    bool valid = complete;
    for (const auto& m : moves) valid = valid && wp_.rules_ok(m.service);
    if (valid && wp_.node_cost(from) + wp_.node_cost(to) + wp_.global_cost() - before < -1e-9) return true;
    for (auto it = moves.rbegin(); it != moves.rend(); ++it) {
      wp_.remove(it->to, it->service, it->count);
      wp_.add(it->from, it->service, it->count);
    }
    return false;
  }

  // Swap a used node for an unused one of another class that costs less and takes all of
  // its replicas: on clusters with several node types, the cheapest mix of types.
  bool replace_nodes() {
    std::vector<std::vector<std::uint32_t>> unused(inst_.class_members.size());
    for (std::size_t c = 0; c < inst_.class_members.size(); ++c)
      for (const auto n : inst_.class_members[c])
        if (!wp_.used(n)) unused[c].push_back(n);
    std::vector<std::uint32_t> used;
    for (std::uint32_t n = 0; n < inst_.node_count(); ++n)
      if (wp_.used(n)) used.push_back(n);
    std::sort(used.begin(), used.end(), [&](auto a, auto b) {
      return inst_.node_cost[a] != inst_.node_cost[b] ? inst_.node_cost[a] > inst_.node_cost[b] : a < b;
    });
    bool improved = false;
    for (const auto from : used) {
      if (exhausted()) break;
      for (auto& candidates : unused) {
        // Unused nodes of one class differ only by spread domain: try one per domain label.
        bool replaced = false;
        for (std::size_t k = 0; k < candidates.size() && k < kReplacementTries; ++k) {
          const auto to = candidates[k];
          if (inst_.node_cost[to] >= inst_.node_cost[from] || !fits_all(from, to)) break;
          if (try_replace(from, to)) {
            candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(k));
            unused[inst_.class_of_node[from]].push_back(static_cast<std::uint32_t>(from));
            replaced = improved = true;
            break;
          }
        }
        if (replaced) break;
      }
    }
    return improved;
  }

  bool fits_all(std::size_t from, std::size_t to) const {
    for (int r = 0; r < inst_.dims; ++r)
      if (wp_.used_resources(from)[r] > inst_.cap(to)[r]) return false;
    return true;
  }

  // Try to close the emptiest used nodes, their replicas going to the fullest that fit.
  // Only the least filled nodes are worth trying, and each replica looks at a bounded
  // number of targets, so a pass stays near-linear on large clusters.
  bool empty_nodes() {
    std::vector<std::uint32_t> used;
    for (std::uint32_t n = 0; n < inst_.node_count(); ++n)
      if (wp_.used(n)) used.push_back(n);
    std::vector<double> fill(inst_.node_count(), 0.0);
    for (const auto n : used) fill[n] = wp_.fill(n);
    std::vector<std::uint32_t> victims = used;
    std::sort(victims.begin(), victims.end(), [&](auto a, auto b) { return fill[a] != fill[b] ? fill[a] < fill[b] : a < b; });
    victims.resize(std::min(victims.size(), std::max<std::size_t>(kMinVictims, victims.size() / 2)));
    std::vector<std::uint32_t> targets;
    for (const auto n : used)
      if (fill[n] < kFullEnough) targets.push_back(n);
    std::sort(targets.begin(), targets.end(), [&](auto a, auto b) { return fill[a] != fill[b] ? fill[a] > fill[b] : a < b; });
    bool improved = false;
    for (const auto victim : victims) {
      if (exhausted()) break;
      if (!wp_.used(victim)) continue;
      if (try_empty(victim, targets)) improved = true;
    }
    return improved;
  }

  // Move single replicas to a cheaper spot among a sample of nodes.
  bool shift_replicas() {
    bool improved = false;
    const std::size_t node_count = inst_.node_count();
    const std::size_t sample = std::min<std::size_t>(node_count, 24);
    std::uniform_int_distribution<std::size_t> pick(0, node_count - 1);
    std::vector<std::uint32_t> sources;
    for (std::uint32_t n = 0; n < node_count; ++n)
      if (wp_.used(n)) sources.push_back(n);
    std::shuffle(sources.begin(), sources.end(), rng_);
    for (const auto from : sources) {
      if (exhausted()) break;
      const auto hosted = wp_.hosted(from);
      for (const auto& sc : hosted) {
        const std::uint32_t s = sc.service.value;
        if (wp_.count(from, s) == 0) continue;
        const double from_before = wp_.node_cost(from) + wp_.global_cost();
        wp_.remove(from, s);
        const double from_gain = from_before - wp_.node_cost(from) - wp_.global_cost();
        std::size_t best = node_count;
        double best_delta = -1e-9;
        for (std::size_t k = 0; k < sample; ++k) {
          ++work_;
          const std::size_t to = sample == node_count ? k : pick(rng_);
          if (to == from || !wp_.can_add(to, s)) continue;
          const double to_before = wp_.node_cost(to) + wp_.global_cost();
          wp_.add(to, s);
          const double delta = wp_.node_cost(to) + wp_.global_cost() - to_before - from_gain;
          const bool valid = wp_.rules_ok(s);
          wp_.remove(to, s);
          if (valid && delta < best_delta) {
            best_delta = delta;
            best = to;
          }
        }
        if (best < node_count) {
          wp_.add(best, s);
          improved = true;
        } else {
          wp_.add(from, s);
        }
      }
    }
    return improved;
  }

  // The service move term charges the services that move the most replicas: bring one of
  // theirs back to a node where it runs now, from a node that holds more of them than ran
  // there, swapping it with a replica of another service there when that node is full.
  // With several services tied at the most, one going home gains nothing yet; such a move
  // is kept when it costs nothing and leaves fewer services at the most (or a lower most),
  // so the next one gains.
  bool send_home() {
    bool improved = false;
    for (std::uint32_t s = 0; s < inst_.service_count() && !exhausted(); ++s) {
      if (wp_.most_moved() == 0 || wp_.moved(s) < wp_.most_moved()) continue;
      std::vector<std::uint32_t> homes;
      std::vector<std::uint32_t> aways;
      for (std::uint32_t n = 0; n < inst_.node_count(); ++n) {
        ++work_;
        const int run = wp_.running(n, s);
        const int now = wp_.count(n, s);
        if (run > now && inst_.problem->nodes[n].state != model::NodeState::lost) homes.push_back(n);
        if (now > run) aways.push_back(n);
      }
      bool sent = false;
      for (const auto home : homes) {
        for (const auto away : aways) {
          if (exhausted()) break;
          if (try_send_home(s, away, home)) {
            sent = improved = true;
            break;
          }
        }
        if (sent) break;
      }
    }
    return improved;
  }

  // One replica of s from `away` to `home`, alone or in exchange for one of another
  // service that goes to `away`; kept only if it pays and every rule holds.
  bool try_send_home(std::uint32_t s, std::size_t away, std::size_t home) {
    const double before = wp_.node_cost(away) + wp_.node_cost(home) + wp_.global_cost();
    const std::int64_t most = wp_.most_moved();
    const int at_most = wp_.services_moving_most();
    auto pays = [&](std::uint32_t other) {
      const double delta = wp_.node_cost(away) + wp_.node_cost(home) + wp_.global_cost() - before;
      const bool fewer_at_most = wp_.most_moved() < most || (wp_.most_moved() == most && wp_.services_moving_most() < at_most);
      return (delta < -1e-9 || (delta <= 1e-9 && fewer_at_most)) && wp_.rules_ok(s) && (other == s || wp_.rules_ok(other));
    };
    wp_.remove(away, s);
    if (wp_.can_add(home, s)) {
      wp_.add(home, s);
      if (pays(s)) return true;
      wp_.remove(home, s);
    }
    const auto hosted = wp_.hosted(home);
    for (const auto& sc : hosted) {
      const std::uint32_t t = sc.service.value;
      if (t == s) continue;
      ++work_;
      wp_.remove(home, t);
      if (wp_.can_add(home, s) && wp_.can_add(away, t)) {
        wp_.add(home, s);
        wp_.add(away, t);
        if (pays(t)) return true;
        wp_.remove(away, t);
        wp_.remove(home, s);
      }
      wp_.add(home, t);
    }
    wp_.add(away, s);
    return false;
  }

 private:
  WorkingPlacement& wp_;
  const Instance& inst_;
  const ImproveOptions& options_;
  std::mt19937_64 rng_;
  std::int64_t work_ = 0;
};

bool any_positive(const std::vector<double>& values) {
  return std::any_of(values.begin(), values.end(), [](double v) { return v > 0; });
}

}  // namespace

void improve(WorkingPlacement& wp, const ImproveOptions& options) {
  const Instance& inst = wp.instance();
  const auto& w = inst.problem->objective.weights;
  const bool closes_nodes = any_positive(inst.node_cost);
  const bool shifts_pay =
      w.load_spread != 0 || w.balance != 0 || inst.has_overload || !inst.problem->objective.free_ratio.empty() ||
      w.colocation != 0 || w.migration != 0 || w.service_move != 0;
  Search search(wp, options);
  for (int pass = 0; pass < 8 && !search.exhausted(); ++pass) {
    const double before = wp.objective();
    insert_unplaced(wp);
    if (closes_nodes) {
      search.empty_nodes();
      search.replace_nodes();
    }
    if (shifts_pay) search.shift_replicas();
    if (inst.service_move_weight != 0) search.send_home();
    if (wp.objective() >= before - 1e-9) break;
  }
}

}  // namespace berth::optimizer
