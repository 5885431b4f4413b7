#include "bench/generator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/model/gpu.hpp"

namespace berth::bench {
namespace {

using model::kGiB;
using model::kMiB;

constexpr std::size_t kCpu = 0;
constexpr std::size_t kMemory = 1;
constexpr std::size_t kGpu = 2;

constexpr const char* kGpuTaint = "accelerator=gpu:NoSchedule";
constexpr const char* kDedicatedTaint = "dedicated=infra:NoSchedule";

// Hand-rolled draws on mt19937_64 so a seed means the same cluster with any standard
// library (the engine is specified exactly; std:: distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  std::uint64_t below(std::uint64_t n) { return engine_() % n; }  // bias < n / 2^64
  int below(int n) { return static_cast<int>(below(static_cast<std::uint64_t>(n))); }
  bool chance(double p) { return uniform() < p; }
  double normal() {  // Box–Muller; 1 − u keeps the logarithm finite
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double pareto(double x_min, double alpha) { return x_min / std::pow(1.0 - uniform(), 1.0 / alpha); }
  // Index drawn with probability proportional to weights[i].
  std::size_t weighted(const std::vector<double>& weights) {
    double total = 0;
    for (const double w : weights) total += w;
    double x = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  template <class T>
  void shuffle(std::vector<T>& items) {  // Fisher–Yates
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(static_cast<std::uint64_t>(i))]);
  }

 private:
  std::mt19937_64 engine_;
};

struct NodeType {
  const char* name;
  int cores;
  int memory_gib;
  int gpus;
  double price_factor;  // per core, relative to the general family
  double weight;        // share of the non-GPU, non-dedicated nodes
};

// Cloud-like families: general 1:4, compute 1:2 (cheaper per core), memory 1:8 (dearer).
constexpr NodeType kNodeTypes[] = {
    {"m.4x16", 4, 16, 0, 1.0, 0.10},   {"m.8x32", 8, 32, 0, 1.0, 0.20},     {"m.16x64", 16, 64, 0, 1.0, 0.20},
    {"m.32x128", 32, 128, 0, 1.0, 0.12}, {"m.64x256", 64, 256, 0, 1.0, 0.05}, {"c.8x16", 8, 16, 0, 0.85, 0.06},
    {"c.16x32", 16, 32, 0, 0.85, 0.07},  {"c.32x64", 32, 64, 0, 0.85, 0.04},  {"r.4x32", 4, 32, 0, 1.3, 0.04},
    {"r.8x64", 8, 64, 0, 1.3, 0.05},     {"r.16x128", 16, 128, 0, 1.3, 0.05}, {"r.32x256", 32, 256, 0, 1.3, 0.02},
};
constexpr NodeType kGpuTypes[] = {
    {"g.32x256x4", 32, 256, 4, 1.3, 0.7},
    {"g.64x512x8", 64, 512, 8, 1.3, 0.3},
};
constexpr double kPricePerGpu = 2.5;  // in units of a 4-core general node

// Cost in units of a 4-core general node, a little cheaper per core for bigger nodes.
double node_cost(const NodeType& type) {
  const double cores = type.cores;
  const double discount = 1.0 - 0.015 * std::log2(cores / 4.0);
  const double cost = cores / 4.0 * type.price_factor * discount + type.gpus * kPricePerGpu;
  return std::round(cost * 1000.0) / 1000.0;
}

// What a managed Kubernetes node keeps for the system (GKE's published tables): capacity
// seen by the scheduler is less than the instance size, and not proportionally so.
std::int64_t allocatable_cpu_millis(int cores) {
  double reserved = 60;                                      // 6% of the first core
  if (cores > 1) reserved += 10;                             // 1% of the second
  if (cores > 2) reserved += 5.0 * std::min(cores - 2, 2);   // 0.5% of the next two
  if (cores > 4) reserved += 2.5 * (cores - 4);              // 0.25% above four
  return cores * 1000 - static_cast<std::int64_t>(reserved);
}

std::int64_t allocatable_memory_bytes(int gib) {
  double g = gib;
  double reserved = 0.25 * std::min(g, 4.0);
  if (g > 4) reserved += 0.20 * std::min(g - 4, 4.0);
  if (g > 8) reserved += 0.10 * std::min(g - 8, 8.0);
  if (g > 16) reserved += 0.06 * std::min(g - 16, 112.0);
  if (g > 128) reserved += 0.02 * (g - 128);
  const auto eviction = 100 * kMiB;
  return gib * kGiB - static_cast<std::int64_t>(reserved * static_cast<double>(kGiB)) - eviction;
}

model::Node make_node(const NodeType& type, Rng& rng, const GeneratorSpec& spec) {
  model::Node node;
  node.capacity = {allocatable_cpu_millis(type.cores), allocatable_memory_bytes(type.memory_gib),
                   type.gpus * model::kMilliGpusPerGpu};
  node.cost = node_cost(type);
  // Appended rather than "z" + to_string(): GCC 12 warns falsely (-Wrestrict) on the latter.
  std::string zone = "z";
  zone += std::to_string(rng.below(std::max(spec.zones, 1)));
  node.labels["zone"] = std::move(zone);
  node.labels["type"] = type.name;
  node.labels["disk"] = type.gpus > 0 || rng.chance(spec.ssd_node_share) ? "ssd" : "hdd";
  if (type.gpus > 0) {
    node.labels["accelerator"] = "gpu";
    node.taints.push_back(kGpuTaint);
  }
  return node;
}

// "n0042": zero-padded so names sort like indices.
std::string padded_name(const char* prefix, std::size_t index, int width) {
  const std::string digits = std::to_string(index);
  std::string name = prefix;
  name.append(static_cast<std::size_t>(width) - std::min<std::size_t>(digits.size(), static_cast<std::size_t>(width)), '0');
  name += digits;
  return name;
}

int share_of(int total, double share) { return static_cast<int>(std::lround(total * share)); }

std::vector<model::Node> make_nodes(const GeneratorSpec& spec, Rng& rng) {
  // A GPU pool and an infra pool exist once the cluster is big enough to have pools at all.
  const int gpu_nodes = spec.gpu_node_share > 0 ? std::max(spec.nodes >= 20 ? 1 : 0, share_of(spec.nodes, spec.gpu_node_share)) : 0;
  const int dedicated_nodes =
      spec.dedicated_node_share > 0 ? std::max(spec.nodes >= 50 ? 1 : 0, share_of(spec.nodes, spec.dedicated_node_share)) : 0;
  std::vector<double> weights;
  for (const auto& type : kNodeTypes)
    weights.push_back(spec.families == NodeFamilies::general && type.price_factor != 1.0 ? 0.0 : type.weight);
  std::vector<double> gpu_weights;
  for (const auto& type : kGpuTypes) gpu_weights.push_back(type.weight);

  std::vector<model::Node> nodes;
  nodes.reserve(static_cast<std::size_t>(spec.nodes));
  for (int i = 0; i < spec.nodes; ++i) {
    if (i < gpu_nodes) {
      nodes.push_back(make_node(kGpuTypes[rng.weighted(gpu_weights)], rng, spec));
      continue;
    }
    model::Node node = make_node(kNodeTypes[rng.weighted(weights)], rng, spec);
    if (i < gpu_nodes + dedicated_nodes) {
      node.labels["dedicated"] = "infra";
      node.taints.push_back(kDedicatedTaint);
    }
    nodes.push_back(std::move(node));
  }
  rng.shuffle(nodes);  // node lists arrive in no particular order
  const int width = static_cast<int>(std::to_string(std::max(spec.nodes - 1, 0)).size());
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    nodes[n].name = padded_name("n", n, width);
  }
  return nodes;
}

// Heavy-tailed replica counts summing to exactly `total`: 80% of services run 1–5 replicas,
// the rest follow a Pareto tail (alpha 1.2 from 6) capped at max(20, total / 40).
std::vector<int> replica_counts(int total, Rng& rng) {
  const std::vector<double> small_weights = {0.30, 0.25, 0.20, 0.15, 0.10};
  const double cap = std::max(20.0, total / 40.0);
  std::vector<int> counts;
  int sum = 0;
  while (sum < total) {
    int count = 0;
    if (rng.chance(0.8)) {
      count = 1 + static_cast<int>(rng.weighted(small_weights));
    } else {
      count = static_cast<int>(std::min(cap, std::floor(rng.pareto(6.0, 1.2))));
    }
    count = std::min(count, total - sum);
    counts.push_back(count);
    sum += count;
  }
  return counts;
}

// Requests as people write them: a cpu menu and a GiB-per-core ratio, with some jitter, so
// neither cpu nor memory alone decides what fits.
void draw_request(model::Service& service, Rng& rng) {
  static constexpr std::int64_t kCpuMenu[] = {100, 200, 250, 500, 750, 1000, 1500, 2000, 4000, 8000};
  const std::vector<double> cpu_weights = {0.12, 0.12, 0.14, 0.18, 0.08, 0.14, 0.06, 0.08, 0.05, 0.03};
  static constexpr double kGibPerCore[] = {0.5, 1, 2, 4, 8};
  const std::vector<double> ratio_weights = {0.10, 0.20, 0.25, 0.30, 0.15};
  std::size_t c = rng.weighted(cpu_weights);
  // Services with many replicas are the small stateless ones.
  while (service.replicas > 50 && kCpuMenu[c] > 2000) c = rng.weighted(cpu_weights);
  const double ratio = kGibPerCore[rng.weighted(ratio_weights)] * (0.8 + 0.45 * rng.uniform());
  const auto cpu = kCpuMenu[c];
  auto memory = static_cast<std::int64_t>(static_cast<double>(cpu) / 1000.0 * ratio * static_cast<double>(kGiB));
  memory = (memory + 64 * kMiB - 1) / (64 * kMiB) * (64 * kMiB);
  memory = std::clamp(memory, 128 * kMiB, 32 * kGiB);
  service.request = {cpu, memory, 0};
}

bool untainted(const model::Node& node) { return node.taints.empty(); }

// Scales the requests of `scaled` services so their total is `target` of the untainted
// nodes' allocatable, per cpu and memory. Caps a request at half the largest such node.
void calibrate(const std::vector<model::Node>& nodes, std::vector<model::Service>& services,
               const std::vector<bool>& scaled, const GeneratorSpec& spec) {
  const double targets[] = {spec.cpu_utilisation, spec.memory_utilisation};
  const std::int64_t granularity[] = {10, kMiB};
  for (const std::size_t r : {kCpu, kMemory}) {
    double capacity = 0;
    std::int64_t largest = 0;
    for (const auto& node : nodes) {
      if (!untainted(node)) continue;
      capacity += static_cast<double>(node.capacity[r]);
      largest = std::max(largest, node.capacity[r]);
    }
    double demand = 0;
    for (std::size_t s = 0; s < services.size(); ++s)
      if (scaled[s]) demand += static_cast<double>(services[s].request[r]) * services[s].replicas;
    if (demand <= 0 || capacity <= 0) continue;
    const double factor = targets[r == kCpu ? 0 : 1] * capacity / demand;
    const std::int64_t step = granularity[r == kCpu ? 0 : 1];
    for (std::size_t s = 0; s < services.size(); ++s) {
      if (!scaled[s]) continue;
      auto value = static_cast<std::int64_t>(std::llround(static_cast<double>(services[s].request[r]) * factor /
                                                          static_cast<double>(step))) * step;
      services[s].request[r] = std::clamp(value, step, std::max(step, largest / 2));
    }
  }
}

std::vector<model::Service> make_services(const GeneratorSpec& spec, const std::vector<model::Node>& nodes, Rng& rng) {
  const auto counts = replica_counts(spec.replicas, rng);
  std::vector<model::Service> services(counts.size());
  const int width = static_cast<int>(std::to_string(std::max<std::size_t>(counts.size(), 1) - 1).size());
  for (std::size_t s = 0; s < services.size(); ++s) {
    services[s].name = padded_name("svc-", s, width);
    services[s].image = "registry.example/" + services[s].name + ":1";
    services[s].replicas = counts[s];
    draw_request(services[s], rng);
  }

  int plain_nodes = 0;
  int ssd_nodes = 0;
  std::int64_t gpus = 0;
  for (const auto& node : nodes) {
    gpus += node.capacity[kGpu];
    if (!untainted(node)) continue;
    ++plain_nodes;
    if (node.labels.at("disk") == "ssd") ++ssd_nodes;
  }

  // GPU services: small replica counts, together at most 60% of the GPUs.
  std::vector<bool> is_gpu(services.size(), false);
  std::vector<std::size_t> order(services.size());
  for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
  rng.shuffle(order);
  const int gpu_target = share_of(static_cast<int>(services.size()), spec.gpu_service_share);
  std::int64_t gpu_budget = gpus * 6 / 10;
  int gpu_services = 0;
  for (const std::size_t s : order) {
    if (gpu_services >= gpu_target) break;
    auto& service = services[s];
    if (service.replicas > 4) continue;
    const std::int64_t per_replica = (rng.chance(0.3) ? 2 : 1) * model::kMilliGpusPerGpu;
    if (per_replica * service.replicas > gpu_budget) continue;
    gpu_budget -= per_replica * service.replicas;
    service.request[kGpu] = per_replica;
    service.node_selector["accelerator"] = "gpu";
    service.tolerations.push_back(kGpuTaint);
    service.priority = 1;
    is_gpu[s] = true;
    ++gpu_services;
  }

  // Rules on the other services, each drawn in its own pass so that changing one share
  // leaves the other draws of a seed where they were.
  for (std::size_t s = 0; s < services.size(); ++s)
    if (!is_gpu[s] && rng.chance(spec.selector_share)) services[s].node_selector["disk"] = "ssd";
  for (std::size_t s = 0; s < services.size(); ++s)
    if (!is_gpu[s] && rng.chance(spec.toleration_share)) services[s].tolerations.push_back(kDedicatedTaint);
  for (std::size_t s = 0; s < services.size(); ++s)
    if (services[s].replicas >= 2 && rng.chance(spec.spread_share))
      services[s].spread = model::SpreadRule{.key = "zone", .max_skew = rng.chance(0.75) ? 1 : 2};
  for (std::size_t s = 0; s < services.size(); ++s) {
    if (is_gpu[s] || !rng.chance(spec.max_per_node_share)) continue;
    const int eligible = services[s].node_selector.contains("disk") ? ssd_nodes : plain_nodes;
    if (services[s].replicas * 2 <= eligible) services[s].max_per_node = 1;
  }
  for (std::size_t s = 0; s < services.size() && services.size() > 1; ++s) {
    if (is_gpu[s] || !rng.chance(spec.avoid_share)) continue;
    auto t = static_cast<std::uint32_t>(rng.below(static_cast<std::uint64_t>(services.size() - 1)));
    if (t >= s) ++t;  // any service but itself
    services[s].avoid.push_back(model::ServiceId{t});
  }
  for (std::size_t s = 0; s < services.size(); ++s) {
    if (is_gpu[s]) continue;
    const double u = rng.uniform();
    services[s].priority = u < 0.05 ? 2 : u < 0.20 ? 1 : 0;
  }

  std::vector<bool> scaled(services.size());
  for (std::size_t s = 0; s < services.size(); ++s) scaled[s] = !is_gpu[s];
  calibrate(nodes, services, scaled, spec);
  return services;
}

}  // namespace

model::Problem generate_cluster(const GeneratorSpec& spec) {
  Rng rng(spec.seed);
  model::Problem problem;
  problem.resources = {"cpu", "memory", "gpu"};
  problem.nodes = make_nodes(spec, rng);
  problem.services = make_services(spec, problem.nodes, rng);
  problem.objective = {.strategy = spec.strategy, .weights = model::default_weights(spec.strategy)};
  return problem;
}

std::vector<double> demand_ratio(const model::Problem& problem) {
  std::vector<double> demand(problem.resources.size(), 0);
  std::vector<double> capacity(problem.resources.size(), 0);
  for (const auto& service : problem.services)
    for (std::size_t r = 0; r < demand.size(); ++r) demand[r] += static_cast<double>(service.request[r]) * service.replicas;
  for (const auto& node : problem.nodes)
    for (std::size_t r = 0; r < capacity.size(); ++r) capacity[r] += static_cast<double>(node.capacity[r]);
  for (std::size_t r = 0; r < demand.size(); ++r) demand[r] = capacity[r] > 0 ? demand[r] / capacity[r] : 0;
  return demand;
}

}  // namespace berth::bench
