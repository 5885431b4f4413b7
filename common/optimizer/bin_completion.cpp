#include "common/optimizer/bin_completion.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <unordered_map>
#include <vector>

namespace berth::optimizer {
namespace {

// Enough ways to fill a node to tell "none", "forced" and "a choice" apart.
constexpr int kEnoughFills = 6;
// Replicas added around the first one while counting fills (the node's first and these).
constexpr int kCountDepth = 2;
// The exact cover by fills: the first attempt's steps (fills tried) per replica, and how
// much each next attempt gets more.
constexpr std::int64_t kFillCoverFirstAttemptPerReplica = 10;
constexpr double kFillCoverGrowth = 1.1;

struct VectorHash {
  std::size_t operator()(const std::vector<std::int64_t>& v) const {
    std::size_t h = 1469598103934665603ull;
    for (const std::int64_t x : v) h = (h ^ static_cast<std::size_t>(x)) * 1099511628211ull;
    return h;
  }
};

class Search {
 public:
  Search(const Instance& inst, int bins, std::int64_t budget, std::uint64_t seed, bool fail_first,
         const std::function<bool()>& out_of_time)
      : inst_(inst),
        dims_(inst.dims),
        bins_(bins),
        budget_(budget),
        fail_first_(fail_first),
        out_of_time_(out_of_time),
        random_(seed) {
    // Replica types by non-increasing size relative to the node.
    for (std::uint32_t s = 0; s < inst.service_count(); ++s)
      if (inst.replicas[s] > 0) order_.push_back(s);
    const std::int64_t* cap = inst.cap(0);
    auto size = [&](std::uint32_t s) {
      double total = 0;
      for (int r = 0; r < dims_; ++r)
        if (cap[r] > 0) total += static_cast<double>(inst.req(s)[r]) / static_cast<double>(cap[r]);
      return total;
    };
    std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) { return size(a) > size(b); });
    left_.resize(order_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) {
      left_[i] = inst.replicas[order_[i]];
      replicas_left_ += left_[i];
      const std::int64_t* req = inst.req(order_[i]);
      by_request_[std::vector<std::int64_t>(req, req + dims_)].push_back(i);
    }
    waste_.assign(cap, cap + dims_);
    for (int r = 0; r < dims_; ++r) {
      waste_[r] *= bins;
      for (std::size_t i = 0; i < order_.size(); ++i) waste_[r] -= inst.req(order_[i])[r] * left_[i];
    }
  }

  // Per node, the service of each replica it holds.
  std::optional<std::vector<std::vector<std::uint32_t>>> run() {
    for (int r = 0; r < dims_; ++r)
      if (waste_[r] < 0) return std::nullopt;
    if (!open_bin()) return std::nullopt;
    std::vector<std::vector<std::uint32_t>> services(packed_.size());
    for (std::size_t b = 0; b < packed_.size(); ++b)
      for (const std::size_t i : packed_[b]) services[b].push_back(order_[i]);
    return services;
  }

  std::int64_t steps() const { return steps_; }
  bool stopped() const { return stopped_; }

 private:
  bool exhausted() {
    if (++steps_ > budget_) return true;
    return (steps_ & 4095) == 0 && out_of_time_ && out_of_time_();
  }

  bool fits(std::size_t i, const std::vector<std::int64_t>& free) const {
    const std::int64_t* req = inst_.req(order_[i]);
    for (int r = 0; r < dims_; ++r)
      if (req[r] > free[r]) return false;
    return true;
  }

  void take(std::size_t i, std::vector<std::int64_t>& free) {
    const std::int64_t* req = inst_.req(order_[i]);
    for (int r = 0; r < dims_; ++r) free[r] -= req[r];
    --left_[i];
    --replicas_left_;
    packed_.back().push_back(i);
  }

  void give_back(std::size_t i, std::vector<std::int64_t>& free) {
    const std::int64_t* req = inst_.req(order_[i]);
    for (int r = 0; r < dims_; ++r) free[r] += req[r];
    ++left_[i];
    ++replicas_left_;
    packed_.back().pop_back();
  }

  // Starts the next node. Some node must hold each replica left; this one takes the
  // replica with the fewest ways to fill a node exactly when no waste is left to spend
  // (none: a dead end found now, not a hundred nodes later; one: a forced choice), else
  // the largest.
  bool open_bin() {
    if (replicas_left_ == 0) return true;
    if (static_cast<int>(packed_.size()) == bins_ || stopped_) return false;
    std::size_t first = 0;
    while (left_[first] == 0) ++first;
    const bool perfect = std::all_of(waste_.begin(), waste_.end(), [](std::int64_t w) { return w == 0; });
    if (perfect && fail_first_) {
      smallest_.assign(dims_, std::numeric_limits<std::int64_t>::max());
      for (std::size_t i = 0; i < order_.size(); ++i)
        if (left_[i] > 0)
          for (int r = 0; r < dims_; ++r) smallest_[r] = std::min(smallest_[r], inst_.req(order_[i])[r]);
      int fewest = kEnoughFills + 1;
      const std::size_t largest = first;
      for (std::size_t i = largest; i < order_.size() && fewest > 0; ++i) {
        if (left_[i] == 0 || (i > largest && same_request(i - 1, i) && left_[i - 1] > 0)) continue;
        const int fills = count_fills(i);
        if (fills < fewest) {
          fewest = fills;
          first = i;
        }
      }
      if (fewest == 0 || stopped_) return false;
    }
    std::vector<std::int64_t> free(inst_.cap(0), inst_.cap(0) + dims_);
    packed_.emplace_back();
    take(first, free);
    const bool done = extend(free, 0);
    if (!done) {
      give_back(first, free);
      packed_.pop_back();
    }
    return done;
  }

  // Ways (up to kEnoughFills) to fill a node exactly around one replica of type i.
  int count_fills(std::size_t i) {
    std::vector<std::int64_t> free(inst_.cap(0), inst_.cap(0) + dims_);
    const std::int64_t* req = inst_.req(order_[i]);
    for (int r = 0; r < dims_; ++r) free[r] -= req[r];
    --left_[i];
    int found = 0;
    count_exact(free, 0, 0, found);
    ++left_[i];
    return found;
  }

  // Counts fills of `free` by replicas of types from `from` on; past kCountDepth added
  // replicas a fill is not looked for but assumed possible, which keeps counting at
  // O(types²) per node and never prunes a node that could be filled.
  void count_exact(std::vector<std::int64_t>& free, std::size_t from, int depth, int& found) {
    if (found >= kEnoughFills || stopped_ || (stopped_ = exhausted())) return;
    if (std::all_of(free.begin(), free.end(), [](std::int64_t f) { return f == 0; })) {
      ++found;
      return;
    }
    if (const auto it = by_request_.find(free); it != by_request_.end()) {
      for (const std::size_t j : it->second)
        if (j >= from && left_[j] > 0) {
          ++found;
          break;
        }
      if (found >= kEnoughFills) return;
    }
    for (std::size_t j = from; j < order_.size() && found < kEnoughFills; ++j) {
      if (left_[j] == 0 || !fits(j, free) || (j > from && same_request(j - 1, j))) continue;
      const std::int64_t* req = inst_.req(order_[j]);
      bool fills_now = true;
      for (int r = 0; r < dims_; ++r) fills_now = fills_now && free[r] == req[r];
      if (fills_now) continue;  // counted by the lookup above
      if (depth + 1 >= kCountDepth) {
        // Room would be left after j: if some replica might still fit there, a deeper
        // fill may exist (unknown, so not a dead end); if none can, j is no way to fill.
        bool room_for_more = true;
        for (int r = 0; r < dims_; ++r) room_for_more = room_for_more && free[r] - req[r] >= smallest_[r];
        if (room_for_more) {
          found = kEnoughFills;
          return;
        }
        continue;
      }
      for (int r = 0; r < dims_; ++r) free[r] -= req[r];
      --left_[j];
      count_exact(free, j, depth + 1, found);
      ++left_[j];
      for (int r = 0; r < dims_; ++r) free[r] += req[r];
    }
  }

  // Adds replicas of types from `from` on (non-increasing size) to the open node, or
  // closes it when its free room fits the waste budget.
  bool extend(std::vector<std::int64_t>& free, std::size_t from) {
    if (stopped_ || (stopped_ = exhausted())) return false;
    // An exact fit first: one replica that fills the node completely.
    if (const auto it = by_request_.find(free); it != by_request_.end()) {
      for (const std::size_t i : it->second) {
        if (i < from || left_[i] == 0) continue;
        take(i, free);
        if (close_bin(free)) return true;
        give_back(i, free);
        break;  // replica types with equal requests are interchangeable
      }
    }
    std::vector<std::size_t> candidates;
    for (std::size_t i = from; i < order_.size(); ++i) {
      if (left_[i] == 0 || !fits(i, free)) continue;
      // Equal requests under different services lead to the same nodes: try one of them.
      if (!candidates.empty() && same_request(candidates.back(), i)) continue;
      candidates.push_back(i);
    }
    if (fail_first_) std::shuffle(candidates.begin(), candidates.end(), random_);
    for (const std::size_t i : candidates) {
      if (stopped_) break;
      take(i, free);
      if (extend(free, i)) return true;
      give_back(i, free);
    }
    return !stopped_ && close_bin(free);
  }

  bool same_request(std::size_t a, std::size_t b) const {
    return std::equal(inst_.req(order_[a]), inst_.req(order_[a]) + dims_, inst_.req(order_[b]));
  }

  bool close_bin(const std::vector<std::int64_t>& free) {
    for (int r = 0; r < dims_; ++r)
      if (free[r] > waste_[r]) return false;
    for (int r = 0; r < dims_; ++r) waste_[r] -= free[r];
    const bool done = open_bin();
    if (!done)
      for (int r = 0; r < dims_; ++r) waste_[r] += free[r];
    return done;
  }

  const Instance& inst_;
  int dims_;
  int bins_;
  std::int64_t budget_;
  bool fail_first_;
  const std::function<bool()>& out_of_time_;
  std::mt19937_64 random_;
  std::vector<std::uint32_t> order_;  // replica types (services), largest first
  std::vector<int> left_;             // per entry of order_
  std::int64_t replicas_left_ = 0;
  std::unordered_map<std::vector<std::int64_t>, std::vector<std::size_t>, VectorHash> by_request_;
  std::vector<std::int64_t> waste_;   // free room the nodes may still leave, per dimension
  std::vector<std::int64_t> smallest_;  // per dimension, the smallest request left (counting)
  std::vector<std::vector<std::size_t>> packed_;  // per node: entries of order_, one per replica
  std::int64_t steps_ = 0;
  bool stopped_ = false;
};

// The perfect-fill case where no node can hold more than three replicas (every four
// replicas overflow some dimension): each node holds one "fill", a multiset of one to
// three replica types whose requests add up to the capacity exactly, so the search is an
// exact cover of the replicas by fills. All fills are listed once (types² lookups), and
// each type keeps a count of the fills still available to it (its replicas left cover
// the fill's), maintained as replicas are taken and given back. The search covers the
// type with the fewest fills first (one: forced; none: a dead end, seen right after the
// node that caused it, not a hundred nodes later), trying the fills whose types have the
// fewest alternatives first; replica types with equal requests are merged.
class FillCover {
 public:
  // Lists the fills, within `budget` steps (stopped() tells whether it ran out).
  FillCover(const Instance& inst, int bins, std::int64_t budget, const std::function<bool()>& out_of_time)
      : inst_(inst), dims_(inst.dims), bins_(bins), limit_(budget), out_of_time_(out_of_time) {
    std::unordered_map<std::vector<std::int64_t>, std::uint32_t, VectorHash> group_of;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s) {
      if (inst.replicas[s] <= 0) continue;
      std::vector<std::int64_t> req(inst.req(s), inst.req(s) + dims_);
      const auto [it, added] = group_of.try_emplace(req, static_cast<std::uint32_t>(requests_.size()));
      if (added) {
        requests_.push_back(std::move(req));
        left_.push_back(0);
        services_.emplace_back();
      }
      left_[it->second] += inst.replicas[s];
      services_[it->second].insert(services_[it->second].end(), static_cast<std::size_t>(inst.replicas[s]), s);
    }
    for (const int l : left_) replicas_left_ += l;
    list_fills(group_of);
    log_.resize(fills_.size() + 1);
    for (std::size_t c = 1; c < log_.size(); ++c) log_[c] = std::log(static_cast<double>(c));
    count_.assign(requests_.size(), 0);
    available_.assign(fills_.size(), 0);
    for (std::size_t f = 0; f < fills_.size(); ++f)
      if (covered(f)) set_available(f, true);
    dead_ = 0;  // set_available kept counts relative to the start
    promise_ = 0;
    for (std::size_t g = 0; g < requests_.size(); ++g) remember(g);
    start_ = {left_, count_, available_, dead_, promise_};
  }

  // Whether no node can hold four replicas. A replica on such a node leaves room for
  // three others, so it is at most the capacity less three of the smallest requests in
  // every dimension; the smallest are then taken over those replicas alone, until the
  // set stops shrinking. Fewer than four left, or four that overflow a dimension: none.
  static bool at_most_three_per_node(const Instance& inst, int bins) {
    if (three_on_every_node(inst, bins)) return true;
    std::vector<std::uint32_t> small;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s)
      if (inst.replicas[s] > 0) small.push_back(s);
    const std::int64_t* cap = inst.cap(0);
    for (std::size_t size = small.size() + 1; size != small.size();) {
      size = small.size();
      std::vector<std::int64_t> smallest(static_cast<std::size_t>(inst.dims), std::numeric_limits<std::int64_t>::max());
      for (const std::uint32_t s : small)
        for (int r = 0; r < inst.dims; ++r)
          smallest[static_cast<std::size_t>(r)] = std::min(smallest[static_cast<std::size_t>(r)], inst.req(s)[r]);
      std::erase_if(small, [&](std::uint32_t s) {
        for (int r = 0; r < inst.dims; ++r)
          if (inst.req(s)[r] > cap[r] - 3 * smallest[static_cast<std::size_t>(r)]) return true;
        return false;
      });
    }
    int replicas = 0;
    for (const std::uint32_t s : small) replicas += inst.replicas[s];
    if (replicas < 4) return true;
    for (int r = 0; r < inst.dims; ++r) {
      std::vector<std::int64_t> sizes;
      for (const std::uint32_t s : small)
        for (int k = 0; k < std::min(inst.replicas[s], 4); ++k) sizes.push_back(inst.req(s)[r]);
      std::partial_sort(sizes.begin(), sizes.begin() + 4, sizes.end());
      if (sizes[0] + sizes[1] + sizes[2] + sizes[3] > cap[r]) return true;
    }
    return false;
  }

  // Whether every node of an exact packing into `bins` nodes holds exactly three
  // replicas: there are 3 × bins, and no two fill a node (in some dimension the two
  // largest requests fall short of the capacity).
  static bool three_on_every_node(const Instance& inst, int bins) {
    int replicas = 0;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s) replicas += inst.replicas[s];
    if (replicas != 3 * bins) return false;
    for (int r = 0; r < inst.dims; ++r) {
      std::int64_t first = 0;
      std::int64_t second = 0;
      for (std::uint32_t s = 0; s < inst.service_count(); ++s) {
        if (inst.replicas[s] <= 0) continue;
        const std::int64_t x = inst.req(s)[r];
        if (x > first) {
          second = std::max(second, first);
          first = x;
        } else {
          second = std::max(second, x);
        }
        if (inst.replicas[s] > 1) second = std::max(second, x);  // a second replica of the largest
      }
      if (first + second < inst.cap(0)[r]) return true;
    }
    return false;
  }

  // One attempt of at most `budget` more steps, its choices ordered by `seed`; stopped()
  // then tells whether it ran out of steps (or time) rather than searched everything.
  std::optional<std::vector<std::vector<std::uint32_t>>> run(std::int64_t budget, std::uint64_t seed) {
    if (impossible_) return std::nullopt;
    left_ = start_.left;
    count_ = start_.count;
    available_ = start_.available;
    dead_ = start_.dead;
    promise_ = start_.promise;
    replicas_left_ = std::accumulate(left_.begin(), left_.end(), std::int64_t{0});
    chosen_.clear();
    stopped_ = false;
    limit_ = steps_ + budget;
    random_.seed(seed);
    if (!cover()) return std::nullopt;
    std::vector<std::vector<std::uint32_t>> services;
    std::vector<std::vector<std::uint32_t>> pools = services_;
    for (const std::size_t f : chosen_) {
      services.emplace_back();
      for (int k = 0; k < fills_[f].size; ++k) {
        auto& pool = pools[fills_[f].groups[static_cast<std::size_t>(k)]];
        services.back().push_back(pool.back());
        pool.pop_back();
      }
    }
    return services;
  }

  std::int64_t steps() const { return steps_; }
  bool stopped() const { return stopped_; }

 private:
  struct Fill {
    std::array<std::uint32_t, 3> groups{};  // non-decreasing; the first `size` count
    int size = 0;
  };

  bool exhausted() {
    if (++steps_ > limit_) return true;
    return (steps_ & 4095) == 0 && out_of_time_ && out_of_time_();
  }

  void list_fills(const std::unordered_map<std::vector<std::int64_t>, std::uint32_t, VectorHash>& group_of) {
    const std::int64_t* cap = inst_.cap(0);
    std::vector<std::int64_t> rest(static_cast<std::size_t>(dims_));
    auto add_if_group = [&](std::array<std::uint32_t, 3> groups, int size) {
      const auto it = group_of.find(rest);
      if (it == group_of.end() || it->second < groups[static_cast<std::size_t>(size - 1)]) return;
      groups[static_cast<std::size_t>(size)] = it->second;
      fills_.push_back({groups, size + 1});
    };
    fills_of_.resize(requests_.size());
    for (std::uint32_t a = 0; a < requests_.size() && !stopped_; ++a) {
      rest.assign(cap, cap + dims_);
      for (int r = 0; r < dims_; ++r) rest[static_cast<std::size_t>(r)] -= requests_[a][static_cast<std::size_t>(r)];
      if (std::all_of(rest.begin(), rest.end(), [](std::int64_t x) { return x == 0; })) fills_.push_back({{a, 0, 0}, 1});
      add_if_group({a, 0, 0}, 1);
      for (std::uint32_t b = a; b < requests_.size(); ++b) {
        if ((stopped_ = exhausted())) break;
        bool fits = true;
        for (int r = 0; r < dims_; ++r) {
          const auto i = static_cast<std::size_t>(r);
          rest[i] = cap[r] - requests_[a][i] - requests_[b][i];
          fits = fits && rest[i] >= 0;
        }
        if (fits) add_if_group({a, b, 0}, 2);
      }
    }
    if (three_on_every_node(inst_, bins_)) keep_one_large_per_node();
    for (std::size_t f = 0; f < fills_.size(); ++f) {
      const Fill& fill = fills_[f];
      for (int k = 0; k < fill.size; ++k)
        if (k == 0 || fill.groups[static_cast<std::size_t>(k)] != fill.groups[static_cast<std::size_t>(k - 1)])
          fills_of_[fill.groups[static_cast<std::size_t>(k)]].push_back(f);
    }
  }

  // With three replicas on every node, two replicas "large" in one dimension r (each
  // above half of what the smallest request leaves, cap − min) share no node. If there
  // are as many large replicas as nodes, every node holds exactly one: fills without one
  // can never be used (more large replicas than nodes: no packing). The dimension with
  // the most large replicas decides.
  void keep_one_large_per_node() {
    const std::int64_t* cap = inst_.cap(0);
    std::vector<char> best_large;
    int most = -1;
    for (int r = 0; r < dims_; ++r) {
      const auto i = static_cast<std::size_t>(r);
      std::int64_t smallest = std::numeric_limits<std::int64_t>::max();
      for (const auto& req : requests_) smallest = std::min(smallest, req[i]);
      std::vector<char> large(requests_.size(), 0);
      int count = 0;
      for (std::size_t g = 0; g < requests_.size(); ++g)
        if (2 * requests_[g][i] + smallest > cap[r]) {
          large[g] = 1;
          count += left_[g];
        }
      if (count > most) {
        most = count;
        best_large = std::move(large);
      }
    }
    if (most > bins_) impossible_ = true;
    if (most != bins_) return;
    std::erase_if(fills_, [&](const Fill& fill) {
      for (int k = 0; k < fill.size; ++k)
        if (best_large[fill.groups[static_cast<std::size_t>(k)]]) return false;
      return true;
    });
  }

  // The fill's replicas are all left.
  bool covered(std::size_t f) const {
    const Fill& fill = fills_[f];
    for (int k = 0; k < fill.size; ++k) {
      const std::uint32_t g = fill.groups[static_cast<std::size_t>(k)];
      int need = 0;
      for (int j = 0; j < fill.size; ++j) need += fill.groups[static_cast<std::size_t>(j)] == g ? 1 : 0;
      if (left_[g] < need) return false;
    }
    return true;
  }

  bool is_dead(std::size_t g) const { return left_[g] > 0 && count_[g] == 0; }
  double promise_of(std::size_t g) const {
    return left_[g] > 0 && count_[g] > 0 ? log_[static_cast<std::size_t>(count_[g])] : 0.0;
  }
  // Before and after a change of group g's replicas left or fills available.
  void forget(std::size_t g) {
    dead_ -= is_dead(g) ? 1 : 0;
    promise_ -= promise_of(g);
  }
  void remember(std::size_t g) {
    dead_ += is_dead(g) ? 1 : 0;
    promise_ += promise_of(g);
  }

  void set_available(std::size_t f, bool available) {
    available_[f] = available ? 1 : 0;
    const Fill& fill = fills_[f];
    for (int k = 0; k < fill.size; ++k) {
      const std::uint32_t g = fill.groups[static_cast<std::size_t>(k)];
      if (k > 0 && g == fill.groups[static_cast<std::size_t>(k - 1)]) continue;
      forget(g);
      count_[g] += available ? 1 : -1;
      remember(g);
    }
  }

  // Takes (delta −1) or gives back (+1) one replica of group g.
  void change_left(std::uint32_t g, int delta) {
    forget(g);
    left_[g] += delta;
    replicas_left_ += delta;
    remember(g);
    for (const std::size_t f : fills_of_[g]) {
      if (covered(f) != (available_[f] != 0)) set_available(f, !available_[f]);
    }
  }

  void apply(std::size_t f, int delta) {
    ++steps_;
    for (int k = 0; k < fills_[f].size; ++k) change_left(fills_[f].groups[static_cast<std::size_t>(k)], delta);
  }

  bool cover() {
    if (replicas_left_ == 0) return true;
    if (static_cast<int>(chosen_.size()) == bins_ || dead_ > 0 || (stopped_ = exhausted())) return false;
    // The group with the fewest fills left; ties broken at random.
    std::uint32_t pick = 0;
    int fewest = std::numeric_limits<int>::max();
    std::uint64_t tie = 0;
    for (std::uint32_t g = 0; g < requests_.size(); ++g) {
      if (left_[g] == 0 || count_[g] > fewest) continue;
      const std::uint64_t t = random_();
      if (count_[g] < fewest || t < tie) {
        fewest = count_[g];
        pick = g;
        tie = t;
      }
    }
    steps_ += static_cast<std::int64_t>(requests_.size()) / 64;
    // The fills that leave the most ways to go on first: the product of the fill counts
    // of the groups left (Geelen's promise), a fill that leaves a group none skipped.
    std::vector<std::pair<double, std::size_t>> options;
    std::uniform_real_distribution<double> noise(0.0, 1e-6);
    for (const std::size_t f : fills_of_[pick]) {
      if (!available_[f]) continue;
      apply(f, -1);
      if (dead_ == 0) options.emplace_back(-promise_ + noise(random_), f);
      apply(f, +1);
    }
    std::sort(options.begin(), options.end());
    for (const auto& [key, f] : options) {
      apply(f, -1);
      chosen_.push_back(f);
      if (cover()) return true;
      chosen_.pop_back();
      apply(f, +1);
      if (stopped_) return false;
    }
    return false;
  }

  const Instance& inst_;
  int dims_;
  int bins_ = 0;
  std::int64_t limit_;  // steps_ at which this attempt stops
  const std::function<bool()>& out_of_time_;
  std::mt19937_64 random_;
  struct State {
    std::vector<int> left;
    std::vector<int> count;
    std::vector<char> available;
    int dead = 0;
    double promise = 0;
  };
  State start_;  // before the first node
  std::vector<std::vector<std::int64_t>> requests_;   // per group (distinct request)
  std::vector<int> left_;                             // per group: replicas left
  std::vector<std::vector<std::uint32_t>> services_;  // per group: a service per replica
  std::int64_t replicas_left_ = 0;
  std::vector<Fill> fills_;
  std::vector<std::vector<std::size_t>> fills_of_;  // per group: the fills holding it
  std::vector<char> available_;                     // per fill
  std::vector<int> count_;                          // per group: its fills available
  int dead_ = 0;                                    // groups left with no fill available
  double promise_ = 0;                              // Σ log(fills available) over the groups left
  std::vector<double> log_;                         // log(c) for c fills
  std::vector<std::size_t> chosen_;                 // per node: its fill
  std::int64_t steps_ = 0;
  bool stopped_ = false;
  bool impossible_ = false;  // proven before the search
};

int total_replicas(const Instance& inst) {
  int replicas = 0;
  for (const int r : inst.replicas) replicas += r;
  return replicas;
}

std::optional<WorkingPlacement> to_placement(const Instance& inst,
                                             const std::optional<std::vector<std::vector<std::uint32_t>>>& packed) {
  if (!packed) return std::nullopt;
  WorkingPlacement placement(inst);
  for (std::size_t node = 0; node < packed->size(); ++node)
    for (const std::uint32_t service : (*packed)[node]) placement.add(node, service);
  return placement;
}

}  // namespace

bool demand_fills_exactly(const Instance& inst, int bins) {
  for (int r = 0; r < inst.dims; ++r) {
    std::int64_t demand = 0;
    for (std::uint32_t s = 0; s < inst.service_count(); ++s) demand += inst.req(s)[r] * inst.replicas[s];
    if (demand != inst.cap(0)[r] * bins) return false;
  }
  return true;
}

bool bin_packing_case(const Instance& inst) {
  const model::Problem& problem = *inst.problem;
  const model::Weights& w = problem.objective.weights;
  if (inst.class_members.size() != 1 || inst.node_count() == 0) return false;
  if (w.load_spread != 0 || w.balance != 0 || inst.has_overload || !problem.objective.free_ratio.empty() ||
      inst.node_cost[0] <= 0)
    return false;
  if (!inst.class_running[0].empty()) return false;
  for (const model::Node& node : problem.nodes)
    if (node.state != model::NodeState::ready || !node.running.empty()) return false;
  std::size_t placeable = 0;
  for (const Candidate& c : inst.class_candidates[0]) {
    if (c.limit < inst.replicas[c.service]) return false;
    ++placeable;
  }
  if (placeable != inst.service_count()) return false;
  for (std::size_t s = 0; s < inst.service_count(); ++s)
    if (!inst.conflicts[s].empty() || !inst.prefers[s].empty() || inst.has_spread(s)) return false;
  return true;
}

std::optional<WorkingPlacement> complete_bins(const Instance& inst, int bins, const BinCompletionOptions& options) {
  if (bins <= 0 || static_cast<std::size_t>(bins) > inst.node_count()) return std::nullopt;
  std::optional<std::vector<std::vector<std::uint32_t>>> packed;
  std::int64_t spent = 0;
  std::int64_t attempt_budget = std::max<std::int64_t>(options.work_budget / 8, 1);
  if (demand_fills_exactly(inst, bins) && FillCover::at_most_three_per_node(inst, bins)) {
    // Many short attempts: a wrong early choice is seldom undone by backtracking, and
    // some seeded orders reach the packing at once.
    FillCover cover(inst, bins, options.work_budget, options.out_of_time);
    double attempt_steps = std::max(static_cast<double>(kFillCoverFirstAttemptPerReplica * total_replicas(inst)), 1.0);
    if (cover.stopped()) return std::nullopt;  // out of steps or time while listing fills
    for (std::uint64_t attempt = 0; !packed && cover.steps() < options.work_budget; ++attempt) {
      const auto budget = std::min(static_cast<std::int64_t>(attempt_steps), options.work_budget - cover.steps());
      attempt_steps *= kFillCoverGrowth;
      packed = cover.run(budget, options.seed + attempt);
      if (!packed && !cover.stopped()) return std::nullopt;  // complete: no packing exists
      if (options.out_of_time && options.out_of_time()) break;
    }
    return to_placement(inst, packed);
  }
  for (std::uint64_t attempt = 0; !packed && spent < options.work_budget; ++attempt) {
    // The first attempt is the plain search, largest first: enough where few choices exist
    // (many dimensions), and cheap. Later ones choose fail-first in a shuffled order.
    Search search(inst, bins, std::min(attempt_budget, options.work_budget - spent), options.seed + attempt,
                  attempt > 0, options.out_of_time);
    packed = search.run();
    spent += search.steps();
    // Finished without running out of steps: the search was complete, and no packing exists.
    if (!packed && !search.stopped()) return std::nullopt;
    if (options.out_of_time && options.out_of_time()) break;
    attempt_budget *= 2;
  }
  return to_placement(inst, packed);
}

}  // namespace berth::optimizer
