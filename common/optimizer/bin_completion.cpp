#include "common/optimizer/bin_completion.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <unordered_map>
#include <vector>

namespace berth::optimizer {
namespace {

// Enough ways to fill a node to tell "none", "forced" and "a choice" apart.
constexpr int kEnoughFills = 6;
// Replicas added around the first one while counting fills (the node's first and these).
constexpr int kCountDepth = 2;

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

}  // namespace

bool bin_packing_case(const Instance& inst) {
  const model::Problem& problem = *inst.problem;
  const model::Weights& w = problem.objective.weights;
  if (inst.class_members.size() != 1 || inst.node_count() == 0) return false;
  if (w.load_spread != 0 || w.balance != 0 || inst.node_cost[0] <= 0) return false;
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
  if (!packed) return std::nullopt;
  WorkingPlacement placement(inst);
  for (std::size_t node = 0; node < packed->size(); ++node)
    for (const std::uint32_t service : (*packed)[node]) placement.add(node, service);
  return placement;
}

}  // namespace berth::optimizer
