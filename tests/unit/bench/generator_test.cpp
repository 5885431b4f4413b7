#include "bench/generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/model/rules.hpp"

namespace berth::bench {
namespace {

// Field by field: model types have no operator== of their own.
bool same_nodes(const model::Node& a, const model::Node& b) {
  return a.name == b.name && a.labels == b.labels && a.capacity == b.capacity && a.taints == b.taints &&
         a.cost == b.cost && a.state == b.state && a.running == b.running;
}

bool same_services(const model::Service& a, const model::Service& b) {
  const bool same_spread = a.spread.has_value() == b.spread.has_value() &&
                           (!a.spread || (a.spread->key == b.spread->key && a.spread->max_skew == b.spread->max_skew));
  return a.name == b.name && a.replicas == b.replicas && a.request == b.request &&
         a.node_selector == b.node_selector && a.tolerations == b.tolerations && a.max_per_node == b.max_per_node &&
         a.avoid == b.avoid && a.prefer == b.prefer && same_spread && a.priority == b.priority;
}

bool same_problem(const model::Problem& a, const model::Problem& b) {
  if (a.resources != b.resources || a.nodes.size() != b.nodes.size() || a.services.size() != b.services.size())
    return false;
  for (std::size_t n = 0; n < a.nodes.size(); ++n)
    if (!same_nodes(a.nodes[n], b.nodes[n])) return false;
  for (std::size_t s = 0; s < a.services.size(); ++s)
    if (!same_services(a.services[s], b.services[s])) return false;
  return true;
}

int total_replicas(const model::Problem& problem) {
  int total = 0;
  for (const auto& service : problem.services) total += service.replicas;
  return total;
}

TEST(Generator, SameSeedGivesTheSameProblem) {
  const GeneratorSpec spec{.nodes = 300, .replicas = 3000, .seed = 42};
  EXPECT_TRUE(same_problem(generate_cluster(spec), generate_cluster(spec)));
}

TEST(Generator, DifferentSeedsGiveDifferentProblems) {
  const auto a = generate_cluster({.nodes = 300, .replicas = 3000, .seed = 1});
  const auto b = generate_cluster({.nodes = 300, .replicas = 3000, .seed = 2});
  EXPECT_FALSE(same_problem(a, b));
}

TEST(Generator, ReplicasSumToExactlyTheRequestedTotal) {
  for (const int replicas : {1, 7, 1000, 12345}) {
    const auto problem = generate_cluster({.nodes = 100, .replicas = replicas, .seed = 3});
    EXPECT_EQ(total_replicas(problem), replicas) << "replicas=" << replicas;
    EXPECT_EQ(problem.nodes.size(), 100u);
    for (const auto& service : problem.services) EXPECT_GT(service.replicas, 0) << service.name;
  }
}

TEST(Generator, ResourcesAreCpuMemoryAndGpuWithOneEntryPerDimension) {
  const auto problem = generate_cluster({.nodes = 200, .replicas = 2000, .seed = 4});
  EXPECT_EQ(problem.resources, (std::vector<std::string>{"cpu", "memory", "gpu"}));
  for (const auto& node : problem.nodes) EXPECT_EQ(node.capacity.size(), 3u) << node.name;
  for (const auto& service : problem.services) EXPECT_EQ(service.request.size(), 3u) << service.name;
}

TEST(Generator, GeneralFamiliesHaveOnlyOneToFourNodesBesidesGpuNodes) {
  const auto mixed = generate_cluster({.nodes = 300, .replicas = 3000, .seed = 6});
  const auto general = generate_cluster({.nodes = 300, .replicas = 3000, .seed = 6, .families = NodeFamilies::general});
  auto family_of = [](const model::Node& node) { return node.labels.at("type").substr(0, 1); };
  std::set<std::string> mixed_families;
  for (const auto& node : mixed.nodes) mixed_families.insert(family_of(node));
  std::set<std::string> general_families;
  for (const auto& node : general.nodes) general_families.insert(family_of(node));
  EXPECT_TRUE(mixed_families.contains("c") && mixed_families.contains("r"));
  EXPECT_EQ(general_families, (std::set<std::string>{"g", "m"}));
}

TEST(Generator, ReplicaCountsAreHeavyTailed) {
  const auto problem = generate_cluster({.nodes = 1000, .replicas = 10000, .seed = 5});
  int small = 0;
  int largest = 0;
  for (const auto& service : problem.services) {
    if (service.replicas <= 5) ++small;
    largest = std::max(largest, service.replicas);
  }
  EXPECT_GT(small, static_cast<int>(problem.services.size()) * 6 / 10);
  EXPECT_GE(largest, 100);
}

TEST(Generator, DemandIsMostOfTheCapacityButNotAll) {
  const GeneratorSpec spec{.nodes = 1000, .replicas = 10000, .seed = 6};
  const auto ratio = demand_ratio(generate_cluster(spec));
  // Calibrated against the untainted nodes; over all nodes it is a little lower.
  EXPECT_GT(ratio[0], 0.55);
  EXPECT_LE(ratio[0], spec.cpu_utilisation + 0.01);
  EXPECT_GT(ratio[1], 0.45);
  EXPECT_LE(ratio[1], spec.memory_utilisation + 0.01);
  EXPECT_GT(ratio[2], 0.0);
  EXPECT_LE(ratio[2], 0.6);
}

TEST(Generator, EveryServiceHasAnEligibleNodeWhereOneReplicaFits) {
  for (const std::uint64_t seed : {1, 2, 3, 4, 5}) {
    const auto problem = generate_cluster({.nodes = 200, .replicas = 2000, .seed = seed});
    for (const auto& service : problem.services) {
      const bool fits_somewhere = std::any_of(problem.nodes.begin(), problem.nodes.end(), [&](const model::Node& node) {
        if (!model::is_eligible(node, service)) return false;
        for (std::size_t r = 0; r < node.capacity.size(); ++r)
          if (service.request[r] > node.capacity[r]) return false;
        return true;
      });
      EXPECT_TRUE(fits_somewhere) << "seed " << seed << " " << service.name;
    }
  }
}

TEST(Generator, RulesAppearInRoughlyTheirShares) {
  const GeneratorSpec spec{.nodes = 1000, .replicas = 10000, .seed = 7};
  const auto problem = generate_cluster(spec);
  const double services = static_cast<double>(problem.services.size());
  int ssd = 0, spread = 0, distinct = 0, avoid = 0, gpu = 0, tolerant = 0;
  for (const auto& s : problem.services) {
    if (s.node_selector.contains("disk")) ++ssd;
    if (s.spread) ++spread;
    if (s.max_per_node == 1) ++distinct;
    if (!s.avoid.empty()) ++avoid;
    if (s.request[2] > 0) {
      ++gpu;
      EXPECT_EQ(s.node_selector.at("accelerator"), "gpu") << s.name;
      EXPECT_EQ(s.tolerations, std::vector<std::string>{"accelerator=gpu:NoSchedule"}) << s.name;
    }
    if (std::find(s.tolerations.begin(), s.tolerations.end(), "dedicated=infra:NoSchedule") != s.tolerations.end())
      ++tolerant;
  }
  EXPECT_NEAR(ssd / services, spec.selector_share, 0.03);
  EXPECT_NEAR(spread / services, spec.spread_share * 0.7, 0.06);  // only services with ≥ 2 replicas spread
  EXPECT_NEAR(distinct / services, spec.max_per_node_share, 0.03);
  EXPECT_NEAR(avoid / services, spec.avoid_share, 0.02);
  EXPECT_NEAR(tolerant / services, spec.toleration_share, 0.02);
  EXPECT_GT(gpu, 0);
  EXPECT_LE(gpu / services, spec.gpu_service_share + 0.005);
}

TEST(Generator, NodesCarryZoneDiskAndTaintsAsSpecified) {
  const auto problem = generate_cluster({.nodes = 500, .replicas = 5000, .seed = 8, .zones = 4});
  int gpu = 0, dedicated = 0;
  for (const auto& node : problem.nodes) {
    const auto& zone = node.labels.at("zone");
    EXPECT_TRUE(zone == "z0" || zone == "z1" || zone == "z2" || zone == "z3") << node.name;
    const auto& disk = node.labels.at("disk");
    EXPECT_TRUE(disk == "ssd" || disk == "hdd") << node.name;
    if (node.capacity[2] > 0) {
      ++gpu;
      EXPECT_EQ(node.taints, std::vector<std::string>{"accelerator=gpu:NoSchedule"});
    }
    if (node.labels.contains("dedicated")) ++dedicated;
    EXPECT_GT(node.cost, 0);
    EXPECT_LT(node.capacity[0], 64000 + 1);
  }
  EXPECT_EQ(gpu, 10);
  EXPECT_EQ(dedicated, 10);
}

}  // namespace
}  // namespace berth::bench
