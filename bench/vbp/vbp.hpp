#pragma once
// Vector bin packing instances (.vbp files) for berth-vbp: reading them, turning them into
// a berth Problem (identical nodes, strategy binpack) and checking a packing independently
// of the model's checker.
//
//   auto instance = read_vbp("class1_20_3_0.vbp");        // Result: "FILE:LINE: what" on error
//   if (!instance) { std::cerr << instance.error().message; ... }
//   const model::Problem problem = to_problem(*instance, first_fit_decreasing_bins(*instance));
//   const auto solution = optimizer::solve(problem, ...);
//   const auto errors = verify_packing(*instance, problem, solution.placement);  // empty: valid
//
// The .vbp format (Vectorpack's): whitespace-separated integers
//   d                  dimensions
//   C_1 ... C_d        bin capacity per dimension
//   n                  number of item types
//   n lines of w_1 ... w_d q   sizes and multiplicity
// Each item type becomes one service whose replicas are its multiplicity; each bin one
// node with cost 1, so the binpack objective counts the bins used.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/problem.hpp"
#include "common/result.hpp"

namespace berth::bench::vbp {

// Bounds that keep every sum of sizes within 64 bits.
inline constexpr std::int64_t kMaxValue = 1'000'000'000'000;  // a capacity or size
inline constexpr std::int64_t kMaxItems = 10'000'000;         // Σ multiplicities

struct ItemType {
  std::vector<std::int64_t> size;  // per dimension
  std::int64_t multiplicity = 1;
};

struct Instance {
  std::string name;  // the file's name without directory and extension
  std::vector<std::int64_t> capacity;
  std::vector<ItemType> items;

  int dims() const { return static_cast<int>(capacity.size()); }
  std::int64_t item_count() const;
  bool has_negative_sizes() const;
};

// Parses .vbp text; `file` names it in errors ("FILE:LINE: what") and gives the name.
// Rejects a missing or extra number, non-integers, values out of range, zero capacities
// and items that fit in no bin. Negative sizes are accepted (the public data has some).
Result<Instance> parse_vbp(std::string_view text, const std::string& file);
Result<Instance> read_vbp(const std::string& path);

// Lower bounds on the bins of any packing:
// max over dimensions of ⌈Σ sizes / capacity⌉ (negative sizes counted as they are);
std::int64_t volume_lower_bound(const Instance& instance);
// Martello and Toth's L2 on one dimension alone (0 where that dimension has a negative size);
std::int64_t dimension_lower_bound(const Instance& instance, int dim);
// the size of a greedy set of items no two of which fit in one bin together;
std::int64_t conflict_lower_bound(const Instance& instance);
// and the largest of them all.
std::int64_t lower_bound(const Instance& instance);

// Bins that first-fit decreasing (by the sum of sizes relative to capacity) uses on the
// sizes to_problem gives berth: a valid upper bound, so a Problem with this many nodes can
// hold every item.
int first_fit_decreasing_bins(const Instance& instance);

// `bins` identical nodes "bin-1".. with the bin capacity and cost 1; service "item-i" per
// item type with replicas = multiplicity; resources "d1".."dD"; strategy binpack.
// A negative size (the Triplet data has a few -1 and -2) becomes 0 in berth's model, whose
// requests are non-negative: a packing of the model is then a packing of the instance,
// though perhaps not an optimal one.
model::Problem to_problem(const Instance& instance, int bins);

// Checks a placement of to_problem(instance, ...) against the instance itself, without the
// model's code: every item placed exactly as often as its multiplicity, no bin over its
// capacity in any dimension. Returns one message per error; empty when the packing is valid.
std::vector<std::string> verify_packing(const Instance& instance, const model::Problem& problem,
                                        const model::Placement& placement);

// Bins holding at least one item.
int bins_used(const model::Placement& placement);

}  // namespace berth::bench::vbp
