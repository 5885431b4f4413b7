#include "tests/support/brute_force.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>
#include <vector>

#include "common/model/rules.hpp"

namespace berth::testing {
namespace {

using model::NodeId;
using model::ServiceId;

// Depth-first over the cells (s, n) in service-major order; x_[s·N + n] replicas of s on n.
class Enumerator {
 public:
  explicit Enumerator(const model::Problem& problem)
      : problem_(problem),
        services_(problem.services.size()),
        nodes_(problem.nodes.size()),
        resources_(problem.resources.size()),
        x_(services_ * nodes_, 0),
        limit_(services_ * nodes_, 0),
        used_(nodes_ * resources_, 0),
        conflict_(services_ * services_, false) {
    for (std::uint32_t s = 0; s < services_; ++s)
      for (std::uint32_t n = 0; n < nodes_; ++n)
        limit_[s * nodes_ + n] = model::replica_limit(problem, NodeId{n}, ServiceId{s});
    const auto conflicts = model::avoid_conflicts(problem);
    for (std::size_t s = 0; s < services_; ++s)
      for (const ServiceId t : conflicts[s]) conflict_[s * services_ + t.value] = true;
    for (std::uint32_t s = 0; s < services_; ++s) domains_.push_back(model::spread_domains(problem, ServiceId{s}));
    best_.objective = std::numeric_limits<double>::infinity();
  }

  BruteForceResult run() {
    if (services_ == 0) {
      leaf();
    } else {
      visit(0, 0, problem_.services[0].replicas);
    }
    assert(best_.placements_enumerated > 0 && best_.objective < std::numeric_limits<double>::infinity());
    return best_;
  }

 private:
  void visit(std::size_t s, std::size_t n, int left) {
    if (n == nodes_) {
      if (!spread_ok(s)) return;
      if (s + 1 == services_) {
        leaf();
      } else {
        visit(s + 1, 0, problem_.services[s + 1].replicas);
      }
      return;
    }
    const std::size_t cell = s * nodes_ + n;
    const int most = std::min(limit_[cell], left);
    int k = 0;
    for (;; ++k) {
      x_[cell] = k;
      visit(s, n + 1, left - k);
      if (k == most) break;
      if (k == 0 && avoided_on(s, n)) break;
      if (!add_one(s, n)) break;  // the next replica would overfill the node
    }
    for (int i = 0; i < k; ++i) remove_one(s, n);
    x_[cell] = 0;
  }

  // A service placed earlier on node n that s avoids (later ones check against s).
  bool avoided_on(std::size_t s, std::size_t n) const {
    for (std::size_t t = 0; t < s; ++t)
      if (conflict_[s * services_ + t] && x_[t * nodes_ + n] > 0) return true;
    return false;
  }

  // Adds one replica of s to n's load; false (and nothing added) when it would not fit.
  bool add_one(std::size_t s, std::size_t n) {
    const auto& request = problem_.services[s].request;
    const auto& capacity = problem_.nodes[n].capacity;
    for (std::size_t r = 0; r < resources_; ++r)
      if (used_[n * resources_ + r] + request[r] > capacity[r]) return false;
    for (std::size_t r = 0; r < resources_; ++r) used_[n * resources_ + r] += request[r];
    return true;
  }

  void remove_one(std::size_t s, std::size_t n) {
    const auto& request = problem_.services[s].request;
    for (std::size_t r = 0; r < resources_; ++r) used_[n * resources_ + r] -= request[r];
  }

  bool spread_ok(std::size_t s) const {
    const auto& service = problem_.services[s];
    const auto& domains = domains_[s];
    if (!service.spread || domains.names.empty()) return true;
    std::vector<int> per_domain(domains.names.size(), 0);
    for (std::size_t n = 0; n < nodes_; ++n)
      if (domains.domain_of_node[n] >= 0) per_domain[domains.domain_of_node[n]] += x_[s * nodes_ + n];
    const auto [lo, hi] = std::minmax_element(per_domain.begin(), per_domain.end());
    const int placed = std::accumulate(per_domain.begin(), per_domain.end(), 0);
    const auto occupied = std::count_if(per_domain.begin(), per_domain.end(), [](int c) { return c > 0; });
    return *hi - *lo <= service.spread->max_skew && occupied >= std::min(service.spread->min_domains, placed);
  }

  void leaf() {
    model::Placement placement = model::Placement::empty_for(problem_);
    for (std::uint32_t n = 0; n < nodes_; ++n)
      for (std::uint32_t s = 0; s < services_; ++s)
        if (x_[s * nodes_ + n] > 0) placement.by_node[n].push_back({ServiceId{s}, x_[s * nodes_ + n]});
    ++best_.placements_enumerated;
    const auto terms = model::evaluate(problem_, placement);
    // The model has the last word on validity; asking only when a leaf would improve keeps
    // the enumeration fast, and the pruning above mirrors check(), so nothing is lost.
    if (terms.total() < best_.objective && model::check(problem_, placement).empty()) {
      best_.objective = terms.total();
      best_.terms = terms;
      best_.placement = std::move(placement);
    }
  }

  const model::Problem& problem_;
  std::size_t services_;
  std::size_t nodes_;
  std::size_t resources_;
  std::vector<int> x_;
  std::vector<int> limit_;
  std::vector<std::int64_t> used_;
  std::vector<bool> conflict_;
  std::vector<model::SpreadDomains> domains_;
  BruteForceResult best_;
};

}  // namespace

BruteForceResult brute_force(const model::Problem& problem) { return Enumerator(problem).run(); }

}  // namespace berth::testing
