#pragma once
// Seeded generator of realistic clusters for the benchmarks.
//
//   const model::Problem problem = generate_cluster({.nodes = 1000, .replicas = 10000, .seed = 7});
//
// Nodes come from cloud instance families (general 1:4, compute 1:2, memory 1:8 cores:GiB,
// a few GPU nodes) spread over zones, with allocatable capacity below the raw size as a
// managed Kubernetes node reserves it, and a cost roughly proportional to size. Services
// have heavy-tailed replica counts (many with 1–5 replicas, a few with hundreds) that sum to
// exactly `replicas`, requests drawn from the menus people actually write, and a share of
// them carry selectors, tolerations, zone spread, max_per_node and avoid rules.
// Requests are then scaled per dimension so that total demand is a chosen share of the
// capacity of the ordinary (untainted) nodes: a good packer can close many nodes.
// docs/benchmarks.md lists every distribution.
//
// Resources are {cpu, memory, gpu}, gpu in milli-GPUs (whole GPUs here). The same spec gives the same problem, bit for bit:
// every random draw is hand-rolled on std::mt19937_64 (std:: distributions differ between
// standard libraries).
#include <cstdint>

#include "common/model/problem.hpp"

namespace berth::bench {

enum class NodeFamilies {
  mixed,    // general 1:4, compute 1:2 (cheaper per core), memory 1:8 (dearer), GPU nodes
  general,  // general-purpose 1:4 nodes only (cost ∝ size), GPU nodes as in mixed
};

struct GeneratorSpec {
  int nodes = 100;
  int replicas = 1000;
  std::uint64_t seed = 1;
  int zones = 3;
  // Total requests / total allocatable of the untainted nodes, per dimension.
  double cpu_utilisation = 0.70;
  double memory_utilisation = 0.62;
  // Shares of nodes.
  double gpu_node_share = 0.02;        // labelled accelerator=gpu, tainted accelerator=gpu:NoSchedule
  double dedicated_node_share = 0.02;  // tainted dedicated=infra:NoSchedule
  double ssd_node_share = 0.5;         // disk=ssd, the others disk=hdd
  // Shares of services.
  double gpu_service_share = 0.03;
  double selector_share = 0.10;        // node_selector disk=ssd
  double toleration_share = 0.05;      // tolerate dedicated=infra:NoSchedule
  double spread_share = 0.15;          // spread over zone, max_skew 1 (or 2)
  double max_per_node_share = 0.10;    // max_per_node 1 where the replicas fit on distinct nodes
  double avoid_share = 0.05;           // avoid one other service
  model::Strategy strategy = model::Strategy::binpack;
  NodeFamilies families = NodeFamilies::mixed;
};

model::Problem generate_cluster(const GeneratorSpec& spec);

// Total requests over total allocatable, per resource dimension, over all nodes.
std::vector<double> demand_ratio(const model::Problem& problem);

}  // namespace berth::bench
