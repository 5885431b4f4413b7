#pragma once
// Why replicas of a service stay unplaced, in the form Kubernetes users know from pending
// pods: "0/12 nodes can take another replica: 8 insufficient memory, 3 didn't match
// node_selector, 1 max_per_node reached".
#include <cstdint>
#include <string>

#include "common/optimizer/working_placement.hpp"

namespace berth::optimizer {

std::string explain_unplaced(const WorkingPlacement& placement, std::uint32_t service);

}  // namespace berth::optimizer
