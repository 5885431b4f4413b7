#pragma once
// Local search on the full objective, keeping every hard rule:
//   - empty a node: move all its replicas onto other used nodes and close it;
//   - shift: move one replica to the node where it costs least;
//   - insert what is still unplaced.
// Every move is applied, its exact effect on the objective measured on the touched nodes,
// and rolled back unless it lowers the objective. The work budget (counted in node checks,
// not seconds) keeps the search deterministic; `out_of_time` lets the caller stop it early.
#include <cstdint>
#include <functional>

#include "common/optimizer/working_placement.hpp"

namespace berth::optimizer {

struct ImproveOptions {
  std::uint64_t seed = 1;
  std::int64_t work_budget = 20'000'000;
  std::function<bool()> out_of_time{};
};

void improve(WorkingPlacement& placement, const ImproveOptions& options);

}  // namespace berth::optimizer
