#pragma once
// A model::Problem's services written back as a services file (docs/spec.md), so that a
// generated cluster can be applied to a live coordinator with POST /v1/apply.
//
//   const model::Problem problem = bench::generate_cluster({.nodes = 1000, .replicas = 10000});
//   const std::string yaml = load::services_yaml(problem);
//   // spec::parse_services(cluster, yaml, "services.yaml") gives problem's services back
//
// Every rule the generator draws is written: replicas, resources (cpu as "NNNm", memory in
// bytes, gpu in whole GPUs or "NNNm" shares, any other resource as a count), node_selector,
// node_affinity, tolerations, max_per_node, avoid, prefer, spread, priority,
// min_available, and the objective's strategy with its weights. Services are written in
// id order, so each keeps its id. Resources of 0 are left out (0 is the default).
#include <string>

#include "common/model/problem.hpp"

namespace berth::load {

std::string services_yaml(const model::Problem& problem);

}  // namespace berth::load
