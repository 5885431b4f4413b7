#pragma once
// The challenge's official objective and hard constraints, written independently of the
// optimizer's incremental local search (common/optimizer/reassignment.cpp), so each
// checks the other. Plain and slow on purpose: recomputed from scratch.
//
//   auto violations = berth::roadef::check(problem, assignment);   // empty: valid
//   auto cost = berth::roadef::evaluate(problem, assignment);      // cost.total()
#include <string>
#include <vector>

#include "common/optimizer/reassignment.hpp"

namespace berth::roadef {

optimizer::ReassignmentCost evaluate(const optimizer::Reassignment& problem, const std::vector<int>& assignment);

// Every broken hard rule, in words ("capacity: machine 3 resource 1 uses 12 > 10");
// at most `limit` of them.
std::vector<std::string> check(const optimizer::Reassignment& problem, const std::vector<int>& assignment,
                               std::size_t limit = 20);

}  // namespace berth::roadef
