#pragma once
// Builds the local subproblem of a node from the Instance: what the in-process driver and
// the primal recovery hand to solve_local (an agent builds the same from its own report).
#include <vector>

#include "common/optimizer/instance.hpp"
#include "common/optimizer/local.hpp"

namespace berth::optimizer {

// The structure of node n's subproblem; prices are 0 until set_prices.
LocalProblem build_local_problem(const Instance& instance, std::size_t node);

// item.price = prices[item.service] for every item.
void set_prices(LocalProblem& problem, const std::vector<double>& prices);

}  // namespace berth::optimizer
