#include "common/optimizer/eliminate.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

namespace berth::optimizer {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr int kMinTenure = 5;
constexpr int kTenureSpread = 10;
// Iterations one attempt may take before it is rolled back: enough for the pool to cycle
// through the nodes a few times, bounded so that other victims get their turn.
constexpr std::int64_t kIterationsPerReplica = 40;
constexpr std::int64_t kMinIterations = 2'000;
constexpr std::int64_t kMaxIterations = 4'000;
// On a large cluster one attempt sees this many used nodes, picked at random.
constexpr std::size_t kNeighbourhood = 32;
// An attempt gives up once its pool holds more than twice its start plus this many.
constexpr std::size_t kPoolGrowth = 2;
constexpr std::size_t kPoolSlack = 8;
// Pool services (largest first) whose swaps one step of the search weighs.
constexpr std::size_t kPoolServicesPerStep = 4;
// A swap whose opened node costs more than the victim tries this many second victims.
constexpr std::size_t kSecondVictims = 8;
// Placing unplaced replicas stops after this many rounds in a row that placed none.
constexpr int kRepairIdleRounds = 10;

// Moving a pool replica `in` onto `node` while one or two of the node's replicas leave
// for the pool (out2 = kNone: only one leaves; out1 = kNone too: a plain insert).
struct Swap {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::size_t pool_index = 0;
  std::uint32_t node = 0;
  std::uint32_t out1 = kNone;
  std::uint32_t out2 = kNone;
  double delta = kInfinity;  // change of the pool's total size
  double tie = 0;            // random tie-break
};

double unit_cost(const Instance& inst, std::uint32_t n) { return inst.node_cost[n] / inst.node_size(n); }

// Used nodes that cost something, other than `except`: the dearest capacity first.
std::vector<std::uint32_t> victims_by_unit_cost(const WorkingPlacement& wp, const Instance& inst, std::uint32_t except) {
  std::vector<std::uint32_t> victims;
  for (std::uint32_t n = 0; n < inst.node_count(); ++n)
    if (n != except && wp.used(n) && inst.node_cost[n] > 0) victims.push_back(n);
  std::sort(victims.begin(), victims.end(), [&](auto a, auto b) {
    const double ua = unit_cost(inst, a), ub = unit_cost(inst, b);
    return ua != ub ? ua > ub : a < b;
  });
  return victims;
}

// (used node, unused node) pairs worth swapping: one unused node per class (its members
// are interchangeable), cheapest capacity first, each against the used nodes of dearer
// capacity, dearest first.
std::vector<std::pair<std::uint32_t, std::uint32_t>> node_swaps(const WorkingPlacement& wp, std::mt19937_64& rng) {
  const Instance& inst = wp.instance();
  std::vector<std::uint32_t> openable;
  std::vector<bool> class_seen(inst.class_members.size(), false);
  for (std::uint32_t n = 0; n < inst.node_count(); ++n) {
    const auto c = static_cast<std::size_t>(inst.class_of_node[n]);
    if (wp.used(n) || class_seen[c] || inst.candidates(n).empty()) continue;
    class_seen[c] = true;
    openable.push_back(n);
  }
  std::shuffle(openable.begin(), openable.end(), rng);
  std::stable_sort(openable.begin(), openable.end(),
                   [&](auto a, auto b) { return unit_cost(inst, a) < unit_cost(inst, b); });
  // An openable node is unused, so it is never among the victims: one list serves all.
  const auto victims = victims_by_unit_cost(wp, inst, Swap::kNone);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> swaps;
  for (const auto opened : openable)
    for (const auto victim : victims) {
      if (unit_cost(inst, victim) <= unit_cost(inst, opened)) break;
      // Dearer than two such victims, the opened node would need a third to pay.
      if (inst.node_cost[opened] < 2 * inst.node_cost[victim]) swaps.emplace_back(victim, opened);
    }
  return swaps;
}

class Eliminator {
 public:
  Eliminator(WorkingPlacement& wp, const EliminateOptions& options)
      : wp_(wp), inst_(wp.instance()), options_(options), rng_(options.seed), tabu_(inst_.node_count()) {
    weight_.resize(inst_.service_count());
    for (std::size_t s = 0; s < inst_.service_count(); ++s) weight_[s] = inst_.size_of(s);
  }

  bool exhausted() const { return work_ > options_.work_budget || (options_.out_of_time && options_.out_of_time()); }
  bool at_bound() const { return wp_.objective() <= options_.lower_bound + 1e-9; }
  std::int64_t work() const { return work_; }

  // Tries to close `victim`; on failure the placement is as before.
  bool close(std::uint32_t victim) {
    const WorkingPlacement saved = wp_;
    const double before = wp_.objective();
    if (empty_node(victim, Swap::kNone) && wp_.objective() < before - 1e-9 && rules_hold()) return true;
    wp_ = saved;
    return false;
  }

  // Tries to swap used nodes for the unused node `opened`: the first victim is emptied onto
  // the others and `opened`; where that alone does not pay (the opened node costs more),
  // the other used nodes are tried as a second victim, the cheapest capacity last. This is
  // the move that changes the mix of node types (two small dear nodes for one big cheap
  // one, say), which closing alone never does. On failure the placement is as before.
  bool replace(std::uint32_t victim, std::uint32_t opened) {
    const WorkingPlacement saved = wp_;
    const double before = wp_.objective();
    if (!empty_node(victim, opened)) {
      wp_ = saved;
      return false;
    }
    if (wp_.objective() < before - 1e-9 && rules_hold()) return true;
    const WorkingPlacement half = wp_;
    const auto seconds = victims_by_unit_cost(wp_, inst_, opened);
    for (std::size_t k = 0; k < seconds.size() && k < kSecondVictims; ++k) {
      const auto second = seconds[k];
      if (exhausted()) break;
      if (empty_node(second, Swap::kNone) && wp_.objective() < before - 1e-9 && rules_hold()) return true;
      wp_ = half;
    }
    wp_ = saved;
    return false;
  }

  // Tries to place one more replica of the unplaced service `s` on a neighbourhood of the
  // nodes that may host it (plus a few of any kind, where the replicas it pushes out may
  // go), making room by the same pool search; kept as soon as the objective went down (the
  // pool's replicas count as unplaced), so a big replica may also give way to two small
  // ones. On failure the placement is as before.
  bool place(std::uint32_t s, const std::vector<std::uint32_t>& eligible) {
    const WorkingPlacement saved = wp_;
    pool_.assign(1, s);
    open_.clear();
    sample_into(open_, eligible, kNeighbourhood - kNeighbourhood / 4);
    for (std::size_t k = 0; k < kNeighbourhood / 4; ++k)
      open_.push_back(static_cast<std::uint32_t>(rng_() % inst_.node_count()));
    std::sort(open_.begin(), open_.end());
    open_.erase(std::unique(open_.begin(), open_.end()), open_.end());
    for (auto& entries : tabu_) entries.clear();

    // Only the open nodes and the pool change, so the objective's change is theirs plus
    // the global term's: no step re-evaluates the whole cluster.
    const double nodes_before = open_nodes_cost() + wp_.global_cost();
    const double pool_before = inst_.penalty[s];
    const std::int64_t iterations = iterations_for(pool_.size());
    const std::size_t largest_pool = kPoolGrowth * pool_.size() + kPoolSlack;
    for (std::int64_t it = 0; it < iterations && !exhausted(); ++it) {
      insert_what_fits();
      double pool_penalty = 0;
      for (const auto t : pool_) pool_penalty += inst_.penalty[t];
      const double change = open_nodes_cost() + wp_.global_cost() - nodes_before + pool_penalty - pool_before;
      if (change < -1e-9 && rules_hold()) return true;
      if (pool_.empty() || pool_.size() > largest_pool || !swap_once(it)) break;
    }
    wp_ = saved;
    return false;
  }

  // Makes room for replicas of the unplaced service `s` by unplacing one replica of
  // another service on one node: the room goes to as many of s as fit, then to the other
  // unplaced services of `others` (in its order) that fit. Worth it where the replicas
  // that come in are smaller and count more than the one that leaves (several small pods
  // for one big one, or one 1-GPU pod and one 0.5-GPU pod for a 2-GPU pod). Takes the
  // trade that lowers the objective most over the nodes s may use; false (and nothing
  // changed) if none does.
  bool trade(std::uint32_t s, const std::vector<std::uint32_t>& eligible, const std::vector<std::uint32_t>& others) {
    const double global_before = wp_.global_cost();
    double best_gain = 1e-9;
    std::uint32_t best_node = Swap::kNone, best_out = Swap::kNone;
    for (const auto n : eligible) {
      if (exhausted()) break;
      const auto hosted = wp_.hosted(n);
      const double node_before = wp_.node_cost(n);
      for (const auto& sc : hosted) {
        const std::uint32_t out = sc.service.value;
        if (out == s) continue;
        ++work_;
        wp_.remove(n, out);
        fill_room(n, s, others);
        bool rules = wp_.rules_ok(out);
        // Only node n, the global term and the unplaced counts change.
        double gain = node_before - wp_.node_cost(n) + global_before - wp_.global_cost() - inst_.penalty[out];
        for (const auto& [t, k] : added_) {
          rules = rules && wp_.rules_ok(t);
          gain += inst_.penalty[t] * k;
        }
        if (gain > best_gain && rules && !added_.empty()) {
          best_gain = gain;
          best_node = n;
          best_out = out;
        }
        for (const auto& [t, k] : added_) wp_.remove(n, t, k);
        wp_.add(n, out);
      }
    }
    if (best_node == Swap::kNone) return false;
    wp_.remove(best_node, best_out);
    fill_room(best_node, s, others);
    return true;
  }

 private:
  double open_nodes_cost() const {
    double cost = 0;
    for (const auto n : open_) cost += wp_.node_cost(n);
    return cost;
  }

  // Adds to node n as many unplaced replicas of s as fit, then of each service of
  // `others` in turn; what was added is left in added_.
  void fill_room(std::uint32_t n, std::uint32_t s, const std::vector<std::uint32_t>& others) {
    added_.clear();
    auto fill = [&](std::uint32_t t) {
      int k = 0;
      while (wp_.unplaced(t) > 0 && wp_.can_add(n, t)) {
        wp_.add(n, t);
        ++k;
      }
      work_ += k + 1;
      if (k > 0) added_.emplace_back(t, k);
    };
    fill(s);
    for (const auto t : others)
      if (t != s) fill(t);
  }

  // Appends up to `k` of `from`, picked at random (partial Fisher-Yates on a copy).
  void sample_into(std::vector<std::uint32_t>& into, std::vector<std::uint32_t> from, std::size_t k) {
    k = std::min(k, from.size());
    for (std::size_t i = 0; i < k; ++i) {
      std::swap(from[i], from[i + rng_() % (from.size() - i)]);
      into.push_back(from[i]);
    }
  }

  // Search steps for an attempt: in proportion to the replicas it may move, bounded.
  std::int64_t iterations_for(std::size_t pool) const {
    std::int64_t replicas = static_cast<std::int64_t>(pool);
    for (const auto n : open_)
      for (const auto& sc : wp_.hosted(n)) replicas += sc.count;
    return std::clamp<std::int64_t>(kIterationsPerReplica * replicas, kMinIterations, kMaxIterations);
  }

  // Moves every replica of `victim` elsewhere (onto the other used nodes and `opened`)
  // through the tabu search over the pool; false if the pool did not empty. The objective
  // is not checked: the caller decides whether the result pays.
  bool empty_node(std::uint32_t victim, std::uint32_t opened) {
    pool_.clear();
    for (const auto& sc : wp_.hosted(victim)) pool_.insert(pool_.end(), static_cast<std::size_t>(sc.count), sc.service.value);
    for (const auto s : pool_) wp_.remove(victim, s);
    open_.clear();
    for (std::uint32_t n = 0; n < inst_.node_count(); ++n)
      if (wp_.used(n)) open_.push_back(n);
    // On a large cluster the search sees a random neighbourhood of the used nodes: an
    // attempt then costs the same on any cluster, and many attempts fit in the time.
    if (open_.size() > kNeighbourhood) {
      std::shuffle(open_.begin(), open_.end(), rng_);
      open_.resize(kNeighbourhood);
    }
    if (opened != Swap::kNone) open_.push_back(opened);
    for (auto& entries : tabu_) entries.clear();

    const std::int64_t iterations = iterations_for(pool_.size());
    const std::size_t largest_pool = kPoolGrowth * pool_.size() + kPoolSlack;
    for (std::int64_t it = 0; it < iterations && !exhausted(); ++it) {
      insert_what_fits();
      if (pool_.empty()) return true;
      // A pool that keeps growing has lost its way, and each step costs more.
      if (pool_.size() > largest_pool) return false;
      if (!swap_once(it)) return false;  // nothing movable: these nodes cannot be emptied this way
    }
    return pool_.empty();
  }

  bool rules_hold() const {
    for (std::uint32_t s = 0; s < inst_.service_count(); ++s)
      if ((inst_.has_spread(s) || inst_.has_near(s)) && !wp_.rules_ok(s)) return false;
    return true;
  }

  // Free capacity of `node` in dimension r, plus what `out1` and `out2` would give back.
  std::int64_t room(std::uint32_t node, int r, std::uint32_t out1, std::uint32_t out2) const {
    std::int64_t free = inst_.cap(node)[r] - wp_.used_resources(node)[r];
    if (out1 != Swap::kNone) free += inst_.req(out1)[r];
    if (out2 != Swap::kNone) free += inst_.req(out2)[r];
    return free;
  }

  bool fits(std::uint32_t s, std::uint32_t node, std::uint32_t out1, std::uint32_t out2) {
    ++work_;
    const std::int64_t* req = inst_.req(s);
    for (int r = 0; r < inst_.dims; ++r)
      if (req[r] > room(node, r, out1, out2)) return false;
    return true;
  }

  // Leftover capacity after adding s to node, relative to a mean node: best fit is least.
  double leftover(std::uint32_t s, std::uint32_t node) const {
    double left = 0;
    for (int r = 0; r < inst_.dims; ++r)
      if (inst_.dim_scale[r] > 0)
        left += static_cast<double>(room(node, r, Swap::kNone, Swap::kNone) - inst_.req(s)[r]) / inst_.dim_scale[r];
    return left;
  }

  bool is_tabu(std::uint32_t node, std::uint32_t s, std::int64_t now) const {
    for (const auto& [service, until] : tabu_[node])
      if (service == s && until > now) return true;
    return false;
  }

  void make_tabu(std::uint32_t node, std::uint32_t s, std::int64_t now) {
    auto& entries = tabu_[node];
    std::erase_if(entries, [now](const auto& e) { return e.second <= now; });
    const int tenure = kMinTenure + static_cast<int>(rng_() % kTenureSpread);
    entries.emplace_back(s, now + tenure);
  }

  // Best-fit inserts of pool replicas, largest first, until none fits anywhere.
  void insert_what_fits() {
    std::sort(pool_.begin(), pool_.end(), [&](auto a, auto b) { return weight_[a] != weight_[b] ? weight_[a] > weight_[b] : a < b; });
    for (std::size_t i = 0; i < pool_.size();) {
      const std::uint32_t s = pool_[i];
      std::uint32_t best = Swap::kNone;
      double best_left = kInfinity;
      for (const auto n : open_) {
        if (!fits(s, n, Swap::kNone, Swap::kNone) || !wp_.can_add(n, s)) continue;
        const double left = leftover(s, n);
        if (left < best_left) {
          best_left = left;
          best = n;
        }
      }
      if (best == Swap::kNone) {
        ++i;
        continue;
      }
      wp_.add(best, s);
      pool_.erase(pool_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  // The best non-tabu swap of one pool replica for one or two replicas of a node; applied
  // even when it makes the pool larger (that is how the search leaves a local minimum).
  bool swap_once(std::int64_t now) {
    // Random tie-breaks from a cheap generator seeded once per step: a draw per candidate
    // from the Mersenne Twister cost a tenth of the search.
    std::uint64_t tie_state = rng_() | 1;  // xorshift must not start at 0
    auto tie = [&tie_state] {
      tie_state ^= tie_state << 13;
      tie_state ^= tie_state >> 7;
      tie_state ^= tie_state << 17;
      return static_cast<double>(tie_state >> 11) * 0x1.0p-53;
    };
    std::vector<Swap>& moves = moves_;
    moves.clear();
    std::uint32_t previous = Swap::kNone;
    std::size_t services = 0;
    for (std::size_t i = 0; i < pool_.size(); ++i) {
      const std::uint32_t s = pool_[i];
      if (s == previous) continue;  // the pool is sorted: one try per service
      // The largest few are the ones that need room made; trying all of a big pool's
      // services each step would make a step cost as much as the pool is large.
      if (++services > kPoolServicesPerStep) break;
      previous = s;
      for (const auto n : open_) {
        if (is_tabu(n, s, now)) continue;
        // Replicas on n that s avoids must all leave; without any, the node must admit s
        // by its limits and selectors (which no swap changes).
        int avoided = 0;
        for (const auto t : inst_.conflicts[s]) avoided += wp_.count(n, t);
        if (avoided > 2 || (avoided == 0 && wp_.room_by_rules(n, s) == 0)) continue;
        auto clears = [&](std::uint32_t out1, std::uint32_t out2) {
          if (avoided == 0) return true;
          int leaving = 0;
          for (const auto t : inst_.conflicts[s]) leaving += (out1 == t) + (out2 == t);
          return leaving == avoided;
        };
        const auto& hosted = wp_.hosted(n);
        single_fits_.assign(hosted.size(), false);
        for (std::size_t a = 0; a < hosted.size(); ++a) {
          const std::uint32_t out1 = hosted[a].service.value;
          if (out1 == s || !clears(out1, Swap::kNone) || !fits(s, n, out1, Swap::kNone)) continue;
          single_fits_[a] = true;
          moves.push_back({i, n, out1, Swap::kNone, weight_[out1] - weight_[s], tie()});
        }
        // A pair that holds a replica which makes room alone pushes out more for nothing.
        for (std::size_t a = 0; a < hosted.size(); ++a) {
          const std::uint32_t out1 = hosted[a].service.value;
          if (out1 == s || single_fits_[a]) continue;
          for (std::size_t b = a; b < hosted.size(); ++b) {
            const std::uint32_t out2 = hosted[b].service.value;
            if (out2 == s || single_fits_[b] || (b == a && hosted[a].count < 2)) continue;
            if (clears(out1, out2) && fits(s, n, out1, out2))
              moves.push_back({i, n, out1, out2, weight_[out1] + weight_[out2] - weight_[s], tie()});
          }
        }
      }
    }
    // Best first. The best usually passes the node's rules, so it is found by one scan;
    // only when it does not are the rest ordered, by a heap.
    auto worse = [](const Swap& x, const Swap& y) { return x.delta != y.delta ? x.delta > y.delta : x.tie > y.tie; };
    auto apply = [&](const Swap& m) {
      // The capacity test passed; the node's rules (limits, avoid, spread) decide now.
      wp_.remove(m.node, m.out1);
      if (m.out2 != Swap::kNone) wp_.remove(m.node, m.out2);
      const std::uint32_t s = pool_[m.pool_index];
      if (wp_.can_add(m.node, s)) {
        wp_.add(m.node, s);
        pool_[m.pool_index] = m.out1;
        if (m.out2 != Swap::kNone) pool_.push_back(m.out2);
        make_tabu(m.node, m.out1, now);
        if (m.out2 != Swap::kNone) make_tabu(m.node, m.out2, now);
        return true;
      }
      if (m.out2 != Swap::kNone) wp_.add(m.node, m.out2);
      wp_.add(m.node, m.out1);
      return false;
    };
    if (moves.empty()) return false;
    const auto best = std::min_element(moves.begin(), moves.end(), [&](const Swap& x, const Swap& y) { return worse(y, x); });
    if (apply(*best)) return true;
    std::iter_swap(best, moves.end() - 1);
    moves.pop_back();
    std::make_heap(moves.begin(), moves.end(), worse);
    for (auto end = moves.end(); end != moves.begin(); --end) {
      std::pop_heap(moves.begin(), end, worse);
      if (apply(*(end - 1))) return true;
    }
    return false;
  }

  WorkingPlacement& wp_;
  const Instance& inst_;
  const EliminateOptions& options_;
  std::mt19937_64 rng_;
  std::int64_t work_ = 0;
  std::vector<double> weight_;
  std::vector<std::uint32_t> pool_;
  std::vector<std::uint32_t> open_;
  std::vector<std::pair<std::uint32_t, int>> added_;  // fill_room: (service, replicas added)
  std::vector<Swap> moves_;         // swap_once's candidates, kept to reuse the memory
  std::vector<bool> single_fits_;   // swap_once: per hosted service of a node
  std::vector<std::vector<std::pair<std::uint32_t, std::int64_t>>> tabu_;  // per node: (service, until)
};

bool all_placed(const WorkingPlacement& wp) {
  for (std::uint32_t s = 0; s < wp.instance().service_count(); ++s)
    if (wp.unplaced(s) > 0) return false;
  return true;
}

}  // namespace

int eliminate_nodes(WorkingPlacement& wp, const EliminateOptions& options) {
  const Instance& inst = wp.instance();
  if (!all_placed(wp) || std::none_of(inst.node_cost.begin(), inst.node_cost.end(), [](double c) { return c > 0; }))
    return 0;
  Eliminator search(wp, options);
  std::mt19937_64 rng(options.seed);
  int closed = 0;
  // A round alternates between closing a used node, the emptiest first (least to
  // reshuffle), the most expensive first among equals, and swapping a used node of dear
  // capacity for an unused one of cheap capacity, until one succeeds (on a large cluster
  // a round of closing alone can take the whole time limit). After a round without
  // success the same order is tried again, the tabu search's randomness taking other
  // paths.
  while (!search.exhausted() && !search.at_bound()) {
    std::vector<std::uint32_t> victims;
    for (std::uint32_t n = 0; n < inst.node_count(); ++n)
      if (wp.used(n) && inst.node_cost[n] > 0) victims.push_back(n);
    if (victims.size() == 1) victims.clear();  // closing the last node is no answer
    std::sort(victims.begin(), victims.end(), [&](auto a, auto b) {
      const double fa = wp.fill(a) / inst.node_cost[a], fb = wp.fill(b) / inst.node_cost[b];
      return fa != fb ? fa < fb : a < b;
    });
    const auto swaps = node_swaps(wp, rng);
    if (victims.empty() && swaps.empty()) break;
    const std::int64_t work_before = search.work();
    bool improved = false;
    for (std::size_t k = 0; !improved && (k < victims.size() || k < swaps.size()); ++k) {
      if (search.exhausted() || search.at_bound()) break;
      if (k < victims.size()) improved = search.close(victims[k]);
      if (!improved && k < swaps.size() && !search.exhausted()) improved = search.replace(swaps[k].first, swaps[k].second);
    }
    if (improved) {
      ++closed;  // the fill order changed: sort again
    } else if (search.work() == work_before) {
      break;  // no attempt could even start: another round would not either
    }
  }
  return closed;
}

int repair_unplaced(WorkingPlacement& wp, const EliminateOptions& options) {
  const Instance& inst = wp.instance();
  auto unplaced = [&] {
    int total = 0;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s) total += wp.unplaced(s);
    return total;
  };
  const int unplaced_before = unplaced();
  if (unplaced_before == 0) return 0;
  Eliminator search(wp, options);
  std::vector<std::vector<std::uint32_t>> eligible(inst.service_count());
  // A round tries each service still unplaced (a trade may have unplaced new ones), each
  // way until an attempt fails; rounds go on while one of the last few placed something (the
  // neighbourhoods are random).
  for (int idle_rounds = 0; idle_rounds < kRepairIdleRounds && !search.exhausted() && !search.at_bound();) {
    // The nodes each unplaced service may run on by its selectors and per-node limits.
    for (auto& nodes : eligible) nodes.clear();
    for (std::uint32_t n = 0; n < inst.node_count(); ++n)
      for (const auto& c : inst.candidates(n))
        if (c.limit > 0 && wp.unplaced(c.service) > 0) eligible[c.service].push_back(n);
    std::vector<std::uint32_t> services;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s)
      if (!eligible[s].empty()) services.push_back(s);
    if (services.empty()) break;
    // The most penalty per size first: those are the cheapest to make room for.
    std::sort(services.begin(), services.end(), [&](auto a, auto b) {
      const double va = inst.penalty[a] / (inst.size_of(a) + 1e-9), vb = inst.penalty[b] / (inst.size_of(b) + 1e-9);
      return va != vb ? va > vb : a < b;
    });
    // Trades first: they cost one pass over the service's nodes, a pool search attempt
    // thousands of steps.
    bool progress = false;
    for (const auto s : services)
      while (wp.unplaced(s) > 0 && !search.exhausted() && search.trade(s, eligible[s], services)) progress = true;
    for (const auto s : services)
      while (wp.unplaced(s) > 0 && !search.exhausted() && search.place(s, eligible[s])) progress = true;
    idle_rounds = progress ? 0 : idle_rounds + 1;
  }
  return unplaced_before - unplaced();
}

}  // namespace berth::optimizer
