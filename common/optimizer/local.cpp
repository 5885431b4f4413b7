#include "common/optimizer/local.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/optimizer/utilisation.hpp"

namespace berth::optimizer {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::size_t kMissesBeforeFull = 256;

bool overloads(const LocalProblem& lp) { return !lp.soft_capacity.empty() && !lp.overload_weight.empty(); }

// Whether the node's cost has terms beyond linear ones in its usage.
bool usage_terms(const LocalProblem& lp) {
  return lp.load_spread_weight != 0 || lp.balance_weight != 0 || overloads(lp) || !lp.free_ratio.empty();
}

double utilisation_cost(const LocalProblem& lp, const std::vector<std::int64_t>& used) {
  double cost = optimizer::utilisation_cost(lp.load_spread_weight, lp.balance_weight, used.data(), lp.capacity.data(), lp.dims);
  if (overloads(lp))
    cost += overload_cost(lp.overload_weight.data(), used.data(), lp.soft_capacity.data(), lp.capacity.data(), lp.dims);
  if (!lp.free_ratio.empty()) cost += free_ratio_cost(lp.free_ratio, used.data(), lp.capacity.data());
  return cost;
}

bool fits(const LocalProblem& lp, const std::vector<std::int64_t>& used, std::size_t item, std::int64_t count) {
  const auto* d = lp.demand_of(item);
  for (int r = 0; r < lp.dims; ++r)
    if (used[r] + d[r] * count > lp.capacity[r]) return false;
  return true;
}

// Replicas of `item` that still fit into the free capacity.
std::int64_t room_for(const LocalProblem& lp, const std::vector<std::int64_t>& used, std::size_t item) {
  std::int64_t room = std::numeric_limits<std::int64_t>::max();
  const auto* d = lp.demand_of(item);
  for (int r = 0; r < lp.dims; ++r)
    if (d[r] > 0) room = std::min(room, (lp.capacity[r] - used[r]) / d[r]);
  return std::max<std::int64_t>(room, 0);
}

// Transient use beyond what the running replicas hold, per LocalProblem::transient_dims.
using Extra = std::vector<std::int64_t>;

// Replicas of `item` that still fit into the transient room when it has `current` now:
// those coming back where they run need none.
std::int64_t transient_fit(const LocalProblem& lp, const Extra& extra, std::size_t item, std::int32_t current) {
  std::int64_t room = std::numeric_limits<std::int64_t>::max();
  if (lp.transient_dims.empty()) return room;
  const std::int64_t home = std::max(0, lp.items[item].running - current);
  const auto* d = lp.demand_of(item);
  for (std::size_t j = 0; j < lp.transient_dims.size(); ++j)
    if (const auto size = d[lp.transient_dims[j]]; size > 0)
      room = std::min(room, home + std::max<std::int64_t>(0, lp.transient_room[j] - extra[j]) / size);
  return room;
}

void transient_add(const LocalProblem& lp, Extra& extra, std::size_t item, std::int32_t before, std::int32_t after) {
  const std::int32_t run = lp.items[item].running;
  const std::int32_t beyond = std::max(0, after - run) - std::max(0, before - run);
  if (beyond == 0) return;
  const auto* d = lp.demand_of(item);
  for (std::size_t j = 0; j < lp.transient_dims.size(); ++j) extra[j] += d[lp.transient_dims[j]] * beyond;
}

// Share of the node one replica takes, summed over dimensions: the greedy's size measure.
double relative_size(const LocalProblem& lp, std::size_t item) {
  double size = 1e-9;
  const auto* d = lp.demand_of(item);
  for (int r = 0; r < lp.dims; ++r)
    if (lp.capacity[r] > 0) size += static_cast<double>(d[r]) / static_cast<double>(lp.capacity[r]);
  return size;
}

bool structurally_linear(const LocalProblem& lp) {
  if (usage_terms(lp)) return false;
  if (lp.colocation_weight == 0) return true;
  for (std::size_t i = 0; i < lp.items.size(); ++i)
    if (!lp.prefers[i].empty() || !lp.preferred_by[i].empty()) return false;
  return true;
}

double answer_value(const LocalProblem& lp, const std::vector<std::int32_t>& counts) {
  double value = local_cost(lp, counts);
  for (std::size_t i = 0; i < counts.size(); ++i) value -= lp.items[i].price * counts[i];
  return value;
}

// A linear piece of an item's earnings: the first `running` replicas also save migration.
struct Piece {
  std::size_t item;
  std::int32_t count;
  double profit;  // per replica
  double ratio;
};

// Greedy for a node that pays linear costs only: best earnings per size first.
std::vector<std::int32_t> greedy_linear(const LocalProblem& lp) {
  std::vector<Piece> pieces;
  pieces.reserve(lp.items.size());
  for (std::size_t i = 0; i < lp.items.size(); ++i) {
    const auto& item = lp.items[i];
    const double base = item.price - lp.colocation_weight * lp.unmet_preferences[i];
    const std::int32_t kept = std::min(item.running, item.limit);
    const double size = relative_size(lp, i);
    const double saved = lp.migration_weight * item.move_cost;
    if (kept > 0 && base + saved > 0) pieces.push_back({i, kept, base + saved, (base + saved) / size});
    if (item.limit > kept && base > 0) pieces.push_back({i, item.limit - kept, base, base / size});
  }
  auto better = [](const Piece& a, const Piece& b) { return a.ratio != b.ratio ? a.ratio > b.ratio : a.item < b.item; };
  std::vector<std::int32_t> counts(lp.items.size(), 0);
  std::vector<int> blocked(lp.items.size(), 0);
  std::vector<std::int64_t> used(lp.dims, 0);
  Extra extra(lp.transient_dims.size(), 0);
  // A node holds a few dozen of thousands of candidates: order a growing prefix only, and
  // stop once a long run of pieces no longer fits.
  std::size_t done = 0;
  std::size_t misses = 0;
  for (std::size_t prefix = 64; done < pieces.size() && misses < kMissesBeforeFull; prefix *= 4) {
    const auto end = static_cast<std::ptrdiff_t>(std::min(prefix, pieces.size()));
    std::partial_sort(pieces.begin() + static_cast<std::ptrdiff_t>(done), pieces.begin() + end, pieces.end(), better);
    for (; done < static_cast<std::size_t>(end) && misses < kMissesBeforeFull; ++done) {
      const Piece& piece = pieces[done];
      if (blocked[piece.item] > 0) continue;
      const auto take = static_cast<std::int32_t>(std::min<std::int64_t>(
          {std::int64_t{piece.count}, room_for(lp, used, piece.item), transient_fit(lp, extra, piece.item, counts[piece.item])}));
      if (take <= 0) {
        ++misses;
        continue;
      }
      misses = 0;
      if (counts[piece.item] == 0)
        for (const int j : lp.conflicts[piece.item]) ++blocked[j];
      transient_add(lp, extra, piece.item, counts[piece.item], counts[piece.item] + take);
      counts[piece.item] += take;
      const auto* d = lp.demand_of(piece.item);
      for (int r = 0; r < lp.dims; ++r) used[r] += d[r] * take;
    }
  }
  return counts;
}

// Greedy for any cost: add the replica with the best marginal gain per size, one at a time.
std::vector<std::int32_t> greedy_marginal(const LocalProblem& lp) {
  const std::size_t m = lp.items.size();
  std::vector<std::int32_t> counts(m, 0);
  std::vector<int> blocked(m, 0);
  std::vector<std::int64_t> used(lp.dims, 0);
  std::vector<std::int64_t> next(lp.dims, 0);
  Extra extra(lp.transient_dims.size(), 0);
  std::vector<double> size(m);
  for (std::size_t i = 0; i < m; ++i) size[i] = relative_size(lp, i);
  double current_q = utilisation_cost(lp, used);
  for (;;) {
    double best_ratio = 0;
    std::size_t best = m;
    double best_q = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const auto& item = lp.items[i];
      if (blocked[i] > 0 || counts[i] >= item.limit || !fits(lp, used, i, 1) || transient_fit(lp, extra, i, counts[i]) < 1)
        continue;
      double gain = item.price;
      if (counts[i] < item.running) gain += lp.migration_weight * item.move_cost;
      double lonely = lp.unmet_preferences[i];
      for (const int j : lp.prefers[i]) lonely += counts[j] == 0 ? 1 : 0;
      gain -= lp.colocation_weight * lonely;
      if (counts[i] == 0)
        for (const int k : lp.preferred_by[i]) gain += lp.colocation_weight * counts[k];
      double q = current_q;
      if (usage_terms(lp)) {
        const auto* d = lp.demand_of(i);
        for (int r = 0; r < lp.dims; ++r) next[r] = used[r] + d[r];
        q = utilisation_cost(lp, next);
        gain -= q - current_q;
      }
      if (gain <= 0) continue;
      const double ratio = gain / size[i];
      if (ratio > best_ratio) {
        best_ratio = ratio;
        best = i;
        best_q = q;
      }
    }
    if (best == m) break;
    if (counts[best] == 0)
      for (const int j : lp.conflicts[best]) ++blocked[j];
    transient_add(lp, extra, best, counts[best], counts[best] + 1);
    ++counts[best];
    const auto* d = lp.demand_of(best);
    for (int r = 0; r < lp.dims; ++r) used[r] += d[r];
    current_q = best_q;
  }
  return counts;
}

struct Enumeration {
  const LocalProblem& lp;
  std::vector<std::int32_t> counts;
  std::vector<std::int64_t> used;
  Extra extra;
  std::vector<std::int32_t> best;
  double best_value = kInfinity;

  void visit(std::size_t i) {
    if (i == lp.items.size()) {
      const double value = answer_value(lp, counts);
      if (value < best_value - 1e-12) {
        best_value = value;
        best = counts;
      }
      return;
    }
    bool conflicted = false;
    for (const int j : lp.conflicts[i]) conflicted |= static_cast<std::size_t>(j) < i && counts[j] > 0;
    const std::int32_t top = conflicted ? 0
                                        : static_cast<std::int32_t>(std::min<std::int64_t>(
                                              {std::int64_t{lp.items[i].limit}, room_for(lp, used, i), transient_fit(lp, extra, i, 0)}));
    const auto* d = lp.demand_of(i);
    for (std::int32_t k = 0; k <= top; ++k) {
      counts[i] = k;
      for (int r = 0; r < lp.dims; ++r) used[r] += d[r] * k;
      transient_add(lp, extra, i, 0, k);
      visit(i + 1);
      transient_add(lp, extra, i, k, 0);
      for (int r = 0; r < lp.dims; ++r) used[r] -= d[r] * k;
    }
    counts[i] = 0;
  }
};

// max Σ profit·x over 0 ≤ x ≤ count, Σ size·x ≤ budget, fractional: the surrogate LP along
// one direction. By LP duality it bounds the multi-dimensional LP from above.
double surrogate_lp(std::vector<Piece>& pieces, double budget) {
  double value = 0;
  std::vector<Piece*> sized;
  for (auto& p : pieces) {
    if (p.profit <= 0) continue;
    if (p.ratio == kInfinity) {
      value += p.profit * p.count;
    } else {
      sized.push_back(&p);
    }
  }
  // Only the best pieces up to the budget matter: select a growing prefix instead of
  // sorting everything (a node holds a few dozen of thousands of candidates).
  auto better = [](const Piece* a, const Piece* b) { return a->ratio > b->ratio; };
  std::size_t done = 0;
  for (std::size_t prefix = 64; done < sized.size() && budget > 0; prefix *= 4) {
    const std::size_t end = std::min(prefix, sized.size());
    std::partial_sort(sized.begin() + static_cast<std::ptrdiff_t>(done), sized.begin() + static_cast<std::ptrdiff_t>(end),
                      sized.end(), better);
    for (; done < end && budget > 0; ++done) {
      const Piece* p = sized[done];
      const double size = p->profit / p->ratio;
      const double take = std::min<double>(p->count, budget / size);
      value += take * p->profit;
      budget -= take * size;
    }
  }
  return value;
}

// Resource prices y ≥ 0 with profit ≈ demand · y in the least-squares sense (normal
// equations, negative entries dropped): the direction in which the LP bound is tightest
// when prices follow resources. Empty when the fit is singular.
std::vector<double> fit_direction(const LocalProblem& lp, const std::vector<Piece>& pieces) {
  const int k = lp.dims;
  std::vector<double> a(k * k, 0.0);
  std::vector<double> b(k, 0.0);
  for (const auto& p : pieces) {
    if (p.profit <= 0) continue;
    const auto* d = lp.demand_of(p.item);
    for (int r = 0; r < k; ++r) {
      const double dr = static_cast<double>(d[r]) * (lp.capacity[r] > 0 ? 1.0 / static_cast<double>(lp.capacity[r]) : 0.0);
      b[r] += dr * p.profit;
      for (int q = 0; q < k; ++q)
        a[r * k + q] += dr * static_cast<double>(d[q]) * (lp.capacity[q] > 0 ? 1.0 / static_cast<double>(lp.capacity[q]) : 0.0);
    }
  }
  for (int r = 0; r < k; ++r) a[r * k + r] += 1e-9;
  // Gaussian elimination with partial pivoting on the k × k system.
  for (int col = 0; col < k; ++col) {
    int pivot = col;
    for (int row = col + 1; row < k; ++row)
      if (std::abs(a[row * k + col]) > std::abs(a[pivot * k + col])) pivot = row;
    if (std::abs(a[pivot * k + col]) < 1e-12) return {};
    if (pivot != col) {
      for (int q = 0; q < k; ++q) std::swap(a[col * k + q], a[pivot * k + q]);
      std::swap(b[col], b[pivot]);
    }
    for (int row = col + 1; row < k; ++row) {
      const double f = a[row * k + col] / a[col * k + col];
      for (int q = col; q < k; ++q) a[row * k + q] -= f * a[col * k + q];
      b[row] -= f * b[col];
    }
  }
  std::vector<double> y(k, 0.0);
  for (int row = k - 1; row >= 0; --row) {
    double v = b[row];
    for (int q = row + 1; q < k; ++q) v -= a[row * k + q] * y[q];
    y[row] = v / a[row * k + row];
  }
  bool any = false;
  for (int r = 0; r < k; ++r) {
    // Back to per-unit prices of each resource; negative prices are not a valid direction.
    y[r] = lp.capacity[r] > 0 ? std::max(0.0, y[r]) / static_cast<double>(lp.capacity[r]) : 0.0;
    any |= y[r] > 0;
  }
  return any ? y : std::vector<double>{};
}

// A valid lower bound on the value of every answer that hosts something: the node cost,
// a tangent plane under the (convex) utilisation, overload and free ratio cost at `reference`,
// colocation ≥ 0, and the LP relaxation of the rest, bounded along a few surrogate
// directions.
double open_lower_bound(const LocalProblem& lp, const std::vector<std::int32_t>& reference, bool quick,
                        std::vector<double>& direction_out) {
  std::vector<double> slope(lp.dims, 0.0);
  double constant = lp.fixed_cost + lp.constant;
  std::vector<std::int64_t> used(lp.dims, 0);  // at `reference`, where the tangents touch
  for (std::size_t i = 0; i < reference.size(); ++i)
    for (int r = 0; r < lp.dims; ++r) used[r] += lp.demand_of(i)[r] * reference[i];
  if (lp.load_spread_weight != 0 || lp.balance_weight != 0) {
    int dims = 0;
    double mean = 0;
    std::vector<double> u(lp.dims, 0.0);
    for (int r = 0; r < lp.dims; ++r) {
      if (lp.capacity[r] <= 0) continue;
      u[r] = static_cast<double>(used[r]) / static_cast<double>(lp.capacity[r]);
      mean += u[r];
      ++dims;
    }
    if (dims > 0) {
      mean /= dims;
      constant += optimizer::utilisation_cost(lp.load_spread_weight, lp.balance_weight, used.data(), lp.capacity.data(), lp.dims);
      for (int r = 0; r < lp.dims; ++r) {
        if (lp.capacity[r] <= 0) continue;
        const double gradient = 2.0 * (lp.load_spread_weight * u[r] + lp.balance_weight * (u[r] - mean)) / dims;
        slope[r] = gradient / static_cast<double>(lp.capacity[r]);  // per unit of resource
        constant -= gradient * u[r];
      }
    }
  }
  if (overloads(lp)) {
    // A subgradient of the overload term at `reference`: its slope where the usage is
    // above the soft capacity, flat elsewhere.
    constant += overload_cost(lp.overload_weight.data(), used.data(), lp.soft_capacity.data(), lp.capacity.data(), lp.dims);
    for (int r = 0; r < lp.dims; ++r) {
      if (lp.capacity[r] <= 0 || used[r] <= lp.soft_capacity[r]) continue;
      const double gradient = lp.overload_weight[r] / static_cast<double>(lp.capacity[r]);
      slope[r] += gradient;
      constant -= gradient * static_cast<double>(used[r]);
    }
  }
  if (!lp.free_ratio.empty()) {
    // The same for each free ratio rule short at `reference`: more use of `per` frees
    // less of it (cheaper), more use of `keep` costs.
    constant += free_ratio_cost(lp.free_ratio, used.data(), lp.capacity.data());
    for (const auto& rule : lp.free_ratio) {
      const auto a = static_cast<std::size_t>(rule.per);
      const auto b = static_cast<std::size_t>(rule.keep);
      if (lp.capacity[a] <= 0 || lp.capacity[b] <= 0) continue;
      const double cap_a = static_cast<double>(lp.capacity[a]);
      const double cap_b = static_cast<double>(lp.capacity[b]);
      const double short_by = rule.ratio * static_cast<double>(lp.capacity[a] - used[a]) / cap_a -
                              static_cast<double>(lp.capacity[b] - used[b]) / cap_b;
      if (short_by <= 0) continue;
      const double slope_a = -rule.weight * rule.ratio / cap_a;
      const double slope_b = rule.weight / cap_b;
      slope[a] += slope_a;
      slope[b] += slope_b;
      constant -= slope_a * static_cast<double>(used[a]) + slope_b * static_cast<double>(used[b]);
    }
  }
  // Earnings per replica after the tangent's slope; the first `running` also save migration.
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < lp.items.size(); ++i) {
    const auto& item = lp.items[i];
    double base = item.price;
    for (int r = 0; r < lp.dims; ++r) base -= slope[r] * static_cast<double>(lp.demand_of(i)[r]);
    const std::int32_t kept = std::min(item.running, item.limit);
    const double saved = lp.migration_weight * item.move_cost;
    constant += saved * item.running;
    if (kept > 0) pieces.push_back({i, kept, base + saved, 0});
    if (item.limit > kept) pieces.push_back({i, item.limit - kept, base, 0});
  }
  // The LP bound along a direction w: by duality every w ≥ 0 gives a valid bound, the
  // best one is where w matches the prices' mix of resources. Try the caller's hint, the
  // least-squares fit of prices to requests, plain normalisations, then refine.
  auto along = [&](const std::vector<double>& w) {
    double budget = 0;
    for (int r = 0; r < lp.dims; ++r) budget += w[r] * static_cast<double>(lp.capacity[r]);
    for (auto& p : pieces) {
      double size = 0;
      for (int r = 0; r < lp.dims; ++r) size += w[r] * static_cast<double>(lp.demand_of(p.item)[r]);
      p.ratio = size > 0 ? p.profit / size : kInfinity;
    }
    return surrogate_lp(pieces, budget);
  };
  std::vector<std::vector<double>> directions;
  std::vector<double> uniform(lp.dims, 0.0);
  for (int r = 0; r < lp.dims; ++r)
    if (lp.capacity[r] > 0) uniform[r] = 1.0 / static_cast<double>(lp.capacity[r]);
  directions.push_back(uniform);
  if (lp.bound_direction.size() == static_cast<std::size_t>(lp.dims)) directions.push_back(lp.bound_direction);
  if (!quick)
    if (auto fitted = fit_direction(lp, pieces); !fitted.empty()) directions.push_back(std::move(fitted));
  if (lp.dims <= 4)
    for (int r = 0; r < lp.dims; ++r) {
      if (lp.capacity[r] <= 0) continue;
      std::vector<double> single(lp.dims, 0.0);
      single[r] = uniform[r];
      directions.push_back(single);
    }
  double best_upper = kInfinity;
  std::vector<double> best_direction = uniform;
  for (const auto& w : directions) {
    const double upper = along(w);
    if (upper < best_upper) {
      best_upper = upper;
      best_direction = w;
    }
  }
  for (int r = 0; r < lp.dims && !quick; ++r) {
    for (const double factor : {1.5, 0.6}) {
      std::vector<double> w = best_direction;
      w[r] = w[r] > 0 ? w[r] * factor : uniform[r] * (factor - 0.5);
      const double upper = along(w);
      if (upper < best_upper) {
        best_upper = upper;
        best_direction = std::move(w);
        break;
      }
    }
  }
  direction_out = std::move(best_direction);
  return constant - best_upper;
}

}  // namespace

double local_cost(const LocalProblem& lp, const std::vector<std::int32_t>& counts) {
  std::vector<std::int64_t> used(lp.dims, 0);
  Extra extra(lp.transient_dims.size(), 0);
  bool any = false;
  double cost = lp.constant;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const auto& item = lp.items[i];
    const std::int32_t x = counts[i];
    if (x < 0 || x > item.limit) return kInfinity;
    transient_add(lp, extra, i, 0, x);
    cost += lp.migration_weight * item.move_cost * std::max(0, item.running - x);
    if (x == 0) continue;
    any = true;
    for (const int j : lp.conflicts[i])
      if (counts[j] > 0) return kInfinity;
    double lonely = lp.unmet_preferences[i];
    for (const int j : lp.prefers[i]) lonely += counts[j] == 0 ? 1 : 0;
    cost += lp.colocation_weight * lonely * x;
    for (int r = 0; r < lp.dims; ++r) used[r] += lp.demand_of(i)[r] * x;
  }
  for (int r = 0; r < lp.dims; ++r)
    if (used[r] > lp.capacity[r]) return kInfinity;
  for (std::size_t j = 0; j < extra.size(); ++j)
    if (extra[j] > lp.transient_room[j]) return kInfinity;
  // At no usage only the free ratio rules can cost: they count on an empty node too.
  cost += utilisation_cost(lp, used);
  if (any) cost += lp.fixed_cost;
  return cost;
}

LocalAnswer solve_local(const LocalProblem& lp, const LocalOptions& options) {
  LocalAnswer answer;
  const std::size_t m = lp.items.size();
  std::int64_t combinations = 1;
  for (const auto& item : lp.items) {
    combinations *= item.limit + 1;
    if (combinations > options.enumeration_limit) break;
  }
  if (combinations <= options.enumeration_limit) {
    Enumeration search{lp, std::vector<std::int32_t>(m, 0), std::vector<std::int64_t>(lp.dims, 0),
                       Extra(lp.transient_dims.size(), 0), {}, kInfinity};
    search.visit(0);
    answer.counts = std::move(search.best);
    answer.value = search.best_value;
    answer.lower_bound = answer.value;
    answer.exact = true;
    return answer;
  }
  const std::vector<std::int32_t> empty(m, 0);
  const double empty_value = answer_value(lp, empty);
  if (!options.want_answer) {
    answer.counts = empty;
    answer.value = empty_value;
    answer.lower_bound = std::min(empty_value, open_lower_bound(lp, empty, true, answer.bound_direction));
    return answer;
  }
  std::vector<std::int32_t> open = structurally_linear(lp) ? greedy_linear(lp) : greedy_marginal(lp);
  const double open_value = answer_value(lp, open);
  if (open_value < empty_value) {
    answer.counts = std::move(open);
    answer.value = open_value;
  } else {
    answer.counts = empty;
    answer.value = empty_value;
  }
  answer.lower_bound = options.want_bound
                           ? std::min({empty_value, open_lower_bound(lp, answer.counts, false, answer.bound_direction), answer.value})
                           : -kInfinity;
  return answer;
}

}  // namespace berth::optimizer
