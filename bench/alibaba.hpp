#pragma once
// The Alibaba GPU cluster trace 2023 (openb node and pod lists) as a berth problem, and the
// figures the trace is judged by: pods placed, nodes used, GPU fragmentation.
//
//   std::ifstream nodes_file(node_csv), pods_file(pod_csv);
//   auto nodes = read_trace_nodes(nodes_file, node_csv);   // Result: "file:3: ..." on bad rows
//   auto pods = read_trace_pods(pods_file, pod_csv);
//   const AlibabaProblem trace = build_problem(*nodes, *pods);
//   const GpuFigures gpu = gpu_figures(trace.problem, placement, trace.median_gpu_request_millis);
//
// Nodes: `sn,cpu_milli,memory_mib,gpu,model`; pods: `name,cpu_milli,memory_mib,num_gpu,
// gpu_milli,gpu_spec,...` (further columns are read past). The columns are found by name
// in the header. Each node becomes a berth node with resources {cpu, memory, gpu}, gpu in
// milli-GPUs, labelled gpu_model=MODEL; each pod a replica. Pods with equal requests and
// GPU-type constraint are one service, so the optimizer sees a few hundred services
// rather than 8,000; the trace has no rules between pods, so this loses nothing.
// A pod's GPU request follows the sharing rule of common/model/gpu.hpp (a share is
// rounded up to 1/2, 1/4 or 1/8 of a GPU); gpu_spec "A|B" becomes the node affinity
// gpu_model In [A, B]. A node costs 1 plus TraceOptions::cost_per_gpu per GPU: a GPU
// machine is dearer than a CPU machine, and with equal costs a packer is free to fill the
// GPU machines' cores with CPU-only pods and strand their GPUs.
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "common/model/problem.hpp"
#include "common/result.hpp"

namespace berth::bench {

inline constexpr const char* kGpuModelLabel = "gpu_model";

struct TraceNode {
  std::string name;
  std::int64_t cpu_millis = 0;
  std::int64_t memory_mib = 0;
  int gpus = 0;
  std::string model{};  // GPU type, empty on nodes without GPUs
};

struct TracePod {
  std::string name;
  std::int64_t cpu_millis = 0;
  std::int64_t memory_mib = 0;
  int gpus = 0;                  // num_gpu
  std::int64_t gpu_millis = 0;   // per GPU: 1000 for whole GPUs, less for a share of one
  std::vector<std::string> gpu_models{};  // allowed GPU types; empty: any
};

// The rows of a node or pod list. `file` names the input in error messages
// ("nodes.csv:7: gpu: expected a whole number ≥ 0, got 'two'").
Result<std::vector<TraceNode>> read_trace_nodes(std::istream& in, const std::string& file);
Result<std::vector<TracePod>> read_trace_pods(std::istream& in, const std::string& file);

struct AlibabaProblem {
  model::Problem problem;
  int pods = 0;
  int gpu_pods = 0;
  int constrained_pods = 0;                  // with a gpu_spec
  std::int64_t gpu_requested_millis = 0;     // as the pods ask
  std::int64_t gpu_held_millis = 0;          // after rounding shares up
  std::int64_t gpu_capacity_millis = 0;
  std::int64_t median_gpu_request_millis = 0;  // over GPU pods, rounded; 0 without any
};

struct TraceOptions {
  double cost_per_gpu = 1.0;
};

// Preconditions: names are unique (the readers check) and each pod's GPU request is
// valid (the pod reader checks).
AlibabaProblem build_problem(const std::vector<TraceNode>& nodes, const std::vector<TracePod>& pods,
                             const TraceOptions& options = {});

// GPU use of a placement. A node's free GPU capacity is fragmented where it cannot hold
// one more pod asking the median GPU request: for a share, what is left on each device
// after as many such shares as fit; for k whole GPUs, the free part of partly used devices
// and the whole free devices beyond a multiple of k. Devices are laid out by
// model::gpu_layout. fragmentation = fragmented / free, over every node with GPUs.
struct GpuFigures {
  std::int64_t capacity_millis = 0;
  std::int64_t held_millis = 0;
  std::int64_t free_millis = 0;
  std::int64_t fragmented_millis = 0;
  double fragmentation = 0;  // fragmented / free, 0 when nothing is free
  int idle_gpus = 0;          // devices holding nothing
  // Nodes whose GPU requests have no device assignment: a broken sharing rule, a failure.
  std::vector<std::string> unassignable_nodes{};
};
GpuFigures gpu_figures(const model::Problem& problem, const model::Placement& placement,
                       std::int64_t median_gpu_request_millis);

}  // namespace berth::bench
