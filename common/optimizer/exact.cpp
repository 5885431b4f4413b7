#include "common/optimizer/exact.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace berth::optimizer {
namespace {

// Placements of at most r replicas on N nodes: C(r + N, N), saturating at `cap`.
std::int64_t compositions(int replicas, std::size_t nodes, std::int64_t cap) {
  double count = 1;
  for (std::size_t k = 1; k <= nodes; ++k) {
    count = count * static_cast<double>(replicas + static_cast<int>(k)) / static_cast<double>(k);
    if (count > static_cast<double>(cap)) return cap + 1;
  }
  return static_cast<std::int64_t>(count + 0.5);
}

struct Enumerator {
  const Instance& inst;
  WorkingPlacement current;
  std::optional<WorkingPlacement> best;
  double best_objective = std::numeric_limits<double>::infinity();

  bool rules_valid() const {
    for (std::uint32_t s = 0; s < inst.service_count(); ++s)
      if (!current.rules_ok(s)) return false;
    return true;
  }

  void leaf() {
    if (!rules_valid()) return;
    const double objective = current.objective();
    if (objective < best_objective - 1e-12) {
      best_objective = objective;
      best = current;
    }
  }

  // Distribute up to `left` more replicas of service s over nodes n, n+1, ...
  void visit(std::uint32_t s, std::size_t n, int left) {
    if (s == inst.service_count()) {
      leaf();
      return;
    }
    if (n == inst.node_count() || left == 0) {
      const std::uint32_t next = s + 1;
      visit(next, 0, next < inst.service_count() ? inst.replicas[next] : 0);
      return;
    }
    visit(s, n + 1, left);
    const int top = static_cast<int>(std::min<std::int64_t>({std::int64_t{left}, std::int64_t{current.room_by_rules(n, s)}, current.room_by_capacity(n, s)}));
    for (int k = 1; k <= top; ++k) {
      current.add(n, s);
      visit(s, n + 1, left - k);
    }
    if (top > 0) current.remove(n, s, top);
  }
};

}  // namespace

std::optional<WorkingPlacement> solve_exactly(const Instance& inst, std::int64_t max_leaves) {
  double leaves = 1;
  for (std::uint32_t s = 0; s < inst.service_count(); ++s) {
    leaves *= static_cast<double>(compositions(inst.replicas[s], inst.node_count(), max_leaves));
    if (leaves > static_cast<double>(max_leaves)) return std::nullopt;
  }
  Enumerator search{inst, WorkingPlacement(inst), std::nullopt, std::numeric_limits<double>::infinity()};
  search.visit(0, 0, inst.service_count() > 0 ? inst.replicas[0] : 0);
  return search.best;
}

}  // namespace berth::optimizer
