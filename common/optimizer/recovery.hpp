#pragma once
// Primal recovery: turns the nodes' answers to the current prices into a valid placement.
//
// Pass 1 visits nodes from the most to the least profitable answer and lets each solve its
// subproblem again against what is still unplaced (limits cut to the residual demand).
// Where node costs count it visits only nodes that run replicas now (see recover()).
// repair_spread then brings every service within its max_skew, repair_near takes replicas
// out of domains their near targets are not in, and fill_nodes packs the
// rest by the dot-product rule. Last,
// insert_unplaced puts every replica still unplaced on the tightest node that takes it,
// opening the cheapest capacity when none does, as long as that beats leaving it unplaced
// — the penalised "nowhere" slot, so repair never fails. Every step keeps every hard rule.
#include <cstdint>
#include <random>
#include <vector>

#include "common/optimizer/instance.hpp"
#include "common/optimizer/local.hpp"
#include "common/optimizer/working_placement.hpp"

namespace berth::optimizer {

// class_problems[c] has the current prices set; class_answers[c] is its answer to them.
WorkingPlacement recover(const Instance& instance, std::vector<LocalProblem>& class_problems,
                         std::vector<LocalAnswer> class_answers, std::uint64_t seed);

// Opens unused nodes, highest `earning` first (then cheapest capacity), and fills each by
// the dot-product rule.
void fill_nodes(WorkingPlacement& placement, std::mt19937_64& rng, const std::vector<double>& earning);

// Unplaces replicas from the fullest spread domains until every service is within its
// max_skew (insert_unplaced then puts them where the skew allows).
void repair_spread(WorkingPlacement& placement);

// Unplaces the replicas of every service on nodes whose domain lacks one of its near
// targets, until every near rule holds (insert_unplaced then puts them where the
// targets run).
void repair_near(WorkingPlacement& placement);

// Places what is unplaced where it lowers the objective, tightest used node first.
void insert_unplaced(WorkingPlacement& placement);

}  // namespace berth::optimizer
