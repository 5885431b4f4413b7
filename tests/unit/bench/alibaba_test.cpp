#include "bench/alibaba.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "common/model/evaluate.hpp"

namespace berth::bench {
namespace {

const char* kNodes =
    "sn,cpu_milli,memory_mib,gpu,model\n"
    "cpu-1,32000,262144,0,\n"
    "t4-1,64000,262144,2,T4\n"
    "a10-1,96000,393216,8,A10\n";

const char* kPods =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
    "p0,8000,30517,0,0,,BE,Running,1,2,1\n"
    "p1,6000,12288,1,460,,LS,Running,1,2,1\n"
    "p2,6000,12288,1,460,,LS,Running,1,2,1\r\n"
    "p3,12000,24576,8,1000,A10|V100M32|A10,LS,Running,1,2,1\n"
    "\n";

Result<std::vector<TraceNode>> nodes(const std::string& text) {
  std::istringstream in(text);
  return read_trace_nodes(in, "nodes.csv");
}

Result<std::vector<TracePod>> pods(const std::string& text) {
  std::istringstream in(text);
  return read_trace_pods(in, "pods.csv");
}

std::string node_error(const std::string& text) {
  const auto result = nodes(text);
  return result ? "no error" : result.error().message;
}

std::string pod_error(const std::string& text) {
  const auto result = pods(text);
  return result ? "no error" : result.error().message;
}

TEST(AlibabaTrace, ReadsNodesAndPodsByColumnName) {
  auto n = nodes(kNodes);
  ASSERT_TRUE(n) << n.error().message;
  ASSERT_EQ(n->size(), 3u);
  EXPECT_EQ((*n)[2].name, "a10-1");
  EXPECT_EQ((*n)[2].gpus, 8);
  EXPECT_EQ((*n)[2].model, "A10");
  EXPECT_EQ((*n)[0].model, "");
  auto p = pods(kPods);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[1].gpu_millis, 460);
  EXPECT_EQ((*p)[3].gpus, 8);
  EXPECT_EQ((*p)[3].gpu_models, (std::vector<std::string>{"A10", "V100M32"})) << "a set, as gpu_spec repeats types";
}

TEST(AlibabaTrace, BadRowsNameFileLineAndColumn) {
  EXPECT_EQ(node_error(""), "nodes.csv: empty file, expected a header line");
  EXPECT_EQ(node_error("sn,cpu_milli,memory_mib,gpu\n"), "nodes.csv:1: header has no column 'model'");
  EXPECT_EQ(node_error("sn,cpu_milli,memory_mib,gpu,model\nn1,32000,1024,two,T4\n"),
            "nodes.csv:2: gpu: expected a whole number from 0 to 1024, got 'two'");
  EXPECT_EQ(node_error("sn,cpu_milli,memory_mib,gpu,model\nn1,-5,1024,0,\n"),
            "nodes.csv:2: cpu_milli: expected a whole number from 0 to 4294967296, got '-5'");
  EXPECT_EQ(node_error("sn,cpu_milli,memory_mib,gpu,model\nn1,32000,1024,0,\nn1,32000,1024,0,\n"),
            "nodes.csv:3: sn: node 'n1' listed twice");
  EXPECT_EQ(node_error("sn,cpu_milli,memory_mib,gpu,model\nn1,32000,1024,2,\n"),
            "nodes.csv:2: model: node 'n1' has GPUs of no model");
  EXPECT_EQ(node_error("sn,cpu_milli,memory_mib,gpu,model\nn1,32000,1024,0\n"),
            "nodes.csv:2: expected 5 fields as in the header, got 4");
  const std::string header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\n";
  EXPECT_EQ(pod_error(header + "p1,1000,1024,2,500,\n"),
            "pods.csv:2: gpu_milli: pod 'p1' asks 2 GPUs of 500 milli-GPU each; a share is of one GPU only");
  EXPECT_EQ(pod_error(header + "p1,1000,1024,0,500,\n"), "pods.csv:2: gpu_milli: pod 'p1' asks 500 milli-GPU of num_gpu 0");
  EXPECT_EQ(pod_error(header + "p1,1000,1024,1,1500,\n"),
            "pods.csv:2: gpu_milli: expected a whole number from 0 to 1000, got '1500'");
  EXPECT_EQ(pod_error(header + "p1,1000,1024,1,500,T4||A10\n"), "pods.csv:2: gpu_spec: empty GPU type in 'T4||A10'");
}

TEST(AlibabaTrace, EqualPodsBecomeOneServiceAndSharesAreRoundedUp) {
  const auto trace = build_problem(*nodes(kNodes), *pods(kPods), {.cost_per_gpu = 0.5});
  const model::Problem& problem = trace.problem;
  EXPECT_EQ(problem.resources, (std::vector<std::string>{"cpu", "memory", "gpu"}));
  EXPECT_EQ(problem.nodes[1].capacity, (std::vector<std::int64_t>{64000, 262144 * model::kMiB, 2000}));
  EXPECT_EQ(problem.nodes[1].labels.at(kGpuModelLabel), "T4");
  EXPECT_DOUBLE_EQ(problem.nodes[2].cost, 5.0);
  ASSERT_EQ(problem.services.size(), 3u);
  EXPECT_EQ(problem.services[1].replicas, 2);
  EXPECT_EQ(problem.services[1].request[2], 500) << "0.46 GPU holds half a GPU";
  EXPECT_EQ(problem.services[2].request[2], 8000);
  ASSERT_EQ(problem.services[2].node_affinity.size(), 1u);
  EXPECT_EQ(problem.services[2].node_affinity[0].values, (std::vector<std::string>{"A10", "V100M32"}));
  EXPECT_EQ(trace.pods, 4);
  EXPECT_EQ(trace.gpu_pods, 3);
  EXPECT_EQ(trace.constrained_pods, 1);
  EXPECT_EQ(trace.gpu_requested_millis, 8920);
  EXPECT_EQ(trace.gpu_held_millis, 9000);
  EXPECT_EQ(trace.median_gpu_request_millis, 500);
}

TEST(AlibabaTrace, FragmentationCountsFreeGpuThatCannotHoldTheMedianRequest) {
  // Two GPU nodes: a 2-GPU node holding one 0.25 share, an 8-GPU node holding 6 whole GPUs.
  const auto trace = build_problem(*nodes(kNodes), *pods(kPods));
  model::Problem problem = trace.problem;
  problem.services[0].request[2] = 250;
  problem.services[2].request[2] = 6000;
  model::Placement placement = model::Placement::empty_for(problem);
  placement.set(model::NodeId{1}, model::ServiceId{0}, 1);
  placement.set(model::NodeId{2}, model::ServiceId{2}, 1);
  // Median 1 GPU: the 0.75 left on the 2-GPU node's first device is fragmented.
  const auto whole = gpu_figures(problem, placement, 1000);
  EXPECT_EQ(whole.capacity_millis, 10000);
  EXPECT_EQ(whole.held_millis, 6250);
  EXPECT_EQ(whole.free_millis, 3750);
  EXPECT_EQ(whole.fragmented_millis, 750);
  EXPECT_EQ(whole.idle_gpus, 3);
  EXPECT_DOUBLE_EQ(whole.fragmentation, 0.2);
  // Median 2 GPUs: the 2-GPU node's whole free device is stranded too.
  EXPECT_EQ(gpu_figures(problem, placement, 2000).fragmented_millis, 1750);
  // Median half a GPU: 0.25 of the first device is left after one more half.
  EXPECT_EQ(gpu_figures(problem, placement, 500).fragmented_millis, 250);
  EXPECT_TRUE(whole.unassignable_nodes.empty());
}

TEST(AlibabaTrace, NodesWhoseSharesHaveNoDeviceLayoutAreReported) {
  const auto trace = build_problem(*nodes(kNodes), *pods(kPods));
  model::Problem problem = trace.problem;
  problem.services[1].request[2] = 600;  // not a share the rule makes: three do not fit 2 GPUs
  problem.services[1].replicas = 3;
  model::Placement placement = model::Placement::empty_for(problem);
  placement.set(model::NodeId{1}, model::ServiceId{1}, 3);
  EXPECT_EQ(gpu_figures(problem, placement, 1000).unassignable_nodes, (std::vector<std::string>{"t4-1"}));
}

}  // namespace
}  // namespace berth::bench
