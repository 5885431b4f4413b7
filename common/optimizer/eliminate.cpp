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

class Eliminator {
 public:
  Eliminator(WorkingPlacement& wp, const EliminateOptions& options)
      : wp_(wp), inst_(wp.instance()), options_(options), rng_(options.seed), tabu_(inst_.node_count()) {
    weight_.resize(inst_.service_count());
    for (std::size_t s = 0; s < inst_.service_count(); ++s) weight_[s] = inst_.size_of(s);
  }

  bool exhausted() const { return work_ > options_.work_budget || (options_.out_of_time && options_.out_of_time()); }
  bool at_bound() const { return wp_.objective() <= options_.lower_bound + 1e-9; }

  // Tries to close `victim`; on failure the placement is as before.
  bool close(std::uint32_t victim) {
    const WorkingPlacement saved = wp_;
    const double before = wp_.objective();
    pool_.clear();
    for (const auto& sc : wp_.hosted(victim)) pool_.insert(pool_.end(), static_cast<std::size_t>(sc.count), sc.service.value);
    for (const auto s : pool_) wp_.remove(victim, s);
    open_.clear();
    for (std::uint32_t n = 0; n < inst_.node_count(); ++n)
      if (n != victim && wp_.used(n)) open_.push_back(n);
    for (auto& entries : tabu_) entries.clear();

    std::int64_t iterations =
        std::max<std::int64_t>(kMinIterations, kIterationsPerReplica * static_cast<std::int64_t>(total_placed()));
    for (std::int64_t it = 0; it < iterations && !exhausted(); ++it) {
      insert_what_fits();
      if (pool_.empty()) break;
      if (!swap_once(it)) break;  // nothing movable: this node cannot be closed this way
    }
    if (pool_.empty() && wp_.objective() < before - 1e-9 && rules_hold()) return true;
    wp_ = saved;
    return false;
  }

 private:
  std::size_t total_placed() const {
    std::size_t placed = 0;
    for (std::uint32_t s = 0; s < inst_.service_count(); ++s) placed += static_cast<std::size_t>(wp_.placed(s));
    return placed;
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
    std::uniform_real_distribution<double> noise(0.0, 1.0);
    std::vector<Swap> moves;
    std::uint32_t previous = Swap::kNone;
    for (std::size_t i = 0; i < pool_.size(); ++i) {
      const std::uint32_t s = pool_[i];
      if (s == previous) continue;  // the pool is sorted: one try per service
      previous = s;
      for (const auto n : open_) {
        if (is_tabu(n, s, now)) continue;
        const auto& hosted = wp_.hosted(n);
        for (std::size_t a = 0; a < hosted.size(); ++a) {
          const std::uint32_t out1 = hosted[a].service.value;
          if (out1 == s) continue;
          if (fits(s, n, out1, Swap::kNone))
            moves.push_back({i, n, out1, Swap::kNone, weight_[out1] - weight_[s], noise(rng_)});
          for (std::size_t b = a; b < hosted.size(); ++b) {
            const std::uint32_t out2 = hosted[b].service.value;
            if (out2 == s || (b == a && hosted[a].count < 2)) continue;
            if (fits(s, n, out1, out2))
              moves.push_back({i, n, out1, out2, weight_[out1] + weight_[out2] - weight_[s], noise(rng_)});
          }
        }
      }
    }
    std::sort(moves.begin(), moves.end(),
              [](const Swap& x, const Swap& y) { return x.delta != y.delta ? x.delta < y.delta : x.tie < y.tie; });
    for (const auto& m : moves) {
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
  int closed = 0;
  // Victims: the emptiest used nodes first (least to reshuffle), the most expensive first
  // among equals. After a full round without success the same order is tried again, the
  // tabu search's randomness taking other paths.
  while (!search.exhausted() && !search.at_bound()) {
    std::vector<std::uint32_t> victims;
    for (std::uint32_t n = 0; n < inst.node_count(); ++n)
      if (wp.used(n) && inst.node_cost[n] > 0) victims.push_back(n);
    if (victims.size() <= 1) break;
    std::sort(victims.begin(), victims.end(), [&](auto a, auto b) {
      const double fa = wp.fill(a) / inst.node_cost[a], fb = wp.fill(b) / inst.node_cost[b];
      return fa != fb ? fa < fb : a < b;
    });
    for (const auto victim : victims) {
      if (search.exhausted() || search.at_bound()) break;
      if (search.close(victim)) {
        ++closed;
        break;  // the fill order changed
      }
    }
  }
  return closed;
}

}  // namespace berth::optimizer
