#pragma once
// Exact optimum of tiny problems by enumerating every placement (with pruning by capacity
// and the per-node rules). Used to prove optimality where the search space is small.
#include <cstdint>
#include <optional>

#include "common/optimizer/working_placement.hpp"

namespace berth::optimizer {

// The best placement, or nullopt when the search space exceeds `max_leaves` placements.
std::optional<WorkingPlacement> solve_exactly(const Instance& instance, std::int64_t max_leaves);

}  // namespace berth::optimizer
