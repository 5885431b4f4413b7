#pragma once
// The placement problem as plain data: resource dimensions, nodes, services, objective.
//
// Units are integers: cpu in millicores, memory in bytes, gpu in milli-GPUs (requests
// follow the sharing rule of gpu.hpp), every other dimension a count.
// Every Node::capacity and Service::request has one entry per Problem::resources entry.
// A Problem is built by the spec parser (common/spec) or by tests and benchmarks, and is
// read-only to the optimizer.
//
//   Problem p;
//   p.resources = {"cpu", "memory"};
//   p.nodes.push_back({.name = "n1", .capacity = {4000, 8 * kGiB}});
//   p.services.push_back({.name = "web", .replicas = 3, .request = {500, kGiB}});
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/model/ids.hpp"

namespace berth::model {

inline constexpr std::int64_t kKiB = 1024;
inline constexpr std::int64_t kMiB = 1024 * kKiB;
inline constexpr std::int64_t kGiB = 1024 * kMiB;

using Labels = std::map<std::string, std::string>;

enum class NodeState { ready, cordoned, lost };

// Replicas of one service on one node.
struct ServiceCount {
  ServiceId service;
  std::int32_t count = 0;
  auto operator<=>(const ServiceCount&) const = default;
};

struct Node {
  std::string name;
  Labels labels;
  std::vector<std::int64_t> capacity;
  // Soft capacity (ROADEF's safety capacity): use above it is allowed but costs
  // Weights::overload. Empty, or one entry per resource (equal to capacity: none).
  std::vector<std::int64_t> soft_capacity{};
  // "key=value:Effect". NoSchedule and NoExecute taints admit only services that list
  // the same string in tolerations; PreferNoSchedule is advisory and admits everyone.
  std::vector<std::string> taints;
  double cost = 1.0;
  NodeState state = NodeState::ready;
  std::vector<ServiceCount> running;  // what runs there now, sorted by service
};

// One required node-affinity expression, as Kubernetes' nodeAffinity matchExpressions:
// `in`: the node has label `key` with one of `values`; `not_in`: it has not (a node
// without the label matches). Sets of allowed values that node_selector (one value per
// key) cannot say, e.g. "gpu_model In [V100, A100]".
enum class AffinityOperator { in, not_in };

struct NodeAffinity {
  std::string key;
  AffinityOperator op = AffinityOperator::in;
  std::vector<std::string> values;
  auto operator<=>(const NodeAffinity&) const = default;
};

// No limit on the skew: a spread rule that only asks for min_domains.
inline constexpr int kAnySkew = 1'000'000'000;

struct SpreadRule {
  std::string key;      // topology label, e.g. "zone"
  int max_skew = 1;     // largest difference of replica counts between domains
  // The placed replicas occupy at least min(min_domains, replicas placed) domains; 0: no
  // such rule. ROADEF's "spread over at least k locations"; Kubernetes' minDomains asks
  // for the same when every domain can hold a replica.
  int min_domains = 0;
};

// Where this service runs, `service` runs too, in the same domain of the topology label
// `key`: every domain (value of key) holding a replica of this service holds one of
// `service`. ROADEF's dependency between services within neighbourhoods; Kubernetes'
// required pod affinity with a topologyKey. Nodes without the label take no replica.
struct NearRule {
  ServiceId service;
  std::string key;
  auto operator<=>(const NearRule&) const = default;
};

struct Service {
  std::string name;
  std::string image;
  int replicas = 1;
  std::vector<std::int64_t> request;  // per replica, one entry per resource dimension
  Labels node_selector;
  std::vector<NodeAffinity> node_affinity{};  // all must hold
  std::vector<std::string> tolerations;
  int max_per_node = 0;  // 0: unlimited
  std::vector<ServiceId> avoid;   // never on a node with these (symmetric)
  std::vector<ServiceId> prefer;  // soft: rather on a node that runs these
  std::optional<SpreadRule> spread;
  std::vector<NearRule> near{};  // all must hold
  int priority = 0;       // higher stays placed when capacity is short
  int min_available = 0;  // replicas kept running during any change (rollouts)
  // Cost of moving one replica of this service, as a multiple of Weights::migration
  // (ROADEF's per-process move cost): a database replica that must copy its data costs
  // more to move than a stateless one.
  double move_cost = 1.0;
  // How to run a replica; the optimizer ignores these, the agents need them.
  std::vector<std::string> command{};
  std::map<std::string, std::string> env{};
  std::vector<int> ports{};
};

// Keep the free share of resource `keep` at least `ratio` times the free share of
// resource `per` on every node that is not lost, so that what is left stays usable
// (ROADEF's balance cost: memory free for the cpu that is free). Shares are of the node's
// capacity; each share short costs `weight`:
//   weight · max(0, ratio · free_per − free_keep)
struct FreeRatioRule {
  int per = 0;   // resource index
  int keep = 1;  // resource index
  double ratio = 1.0;
  double weight = 1.0;
  auto operator<=>(const FreeRatioRule&) const = default;
};

enum class Strategy { binpack, spread, balanced };

// The objective is a weighted sum of terms (see docs/optimizer.md):
//   node_cost     · Σ_n cost_n [n hosts anything]
//   load_spread   · Σ_n Σ_r u_{n,r}²            (u = used / capacity; spreads load)
//   balance       · Σ_n Σ_r (u_{n,r} − ū_n)²      (uses a node's dimensions evenly)
//   overload_r    · Σ_n Σ_r max(0, used_{n,r} − soft_{n,r}) / capacity_{n,r}   (soft capacity;
//                   Objective::overload_weight(r), the same for every r by default)
//   free ratio rules (FreeRatioRule), each with its own weight
//   migration     · Σ_s move_cost_s · replicas of s moved away from where they run now
//   service_move  · max_s replicas of s moved away (ROADEF's service move cost: a rollout
//                   lasts as long as its longest service; the one term that is not
//                   node-separable: the dual bound leaves it out, which keeps it valid)
//   colocation    · replicas of s on a node without any replica of a service s prefers
//   unplaced      · Σ_s unplaced_s · (1 + priority_s)
// Replicas "moved away" count on nodes that are not lost: a lost node's replicas are gone.
struct Weights {
  double node_cost = 1.0;
  double load_spread = 0.0;
  double balance = 0.0;
  double overload = 1.0;
  double migration = 1.0;
  double service_move = 0.0;
  double colocation = 0.1;
  double unplaced = 1000.0;
};

Weights default_weights(Strategy strategy);

struct Objective {
  Strategy strategy = Strategy::binpack;
  Weights weights = default_weights(Strategy::binpack);
  std::vector<FreeRatioRule> free_ratio{};
  // Overload weight per resource (ROADEF weighs each resource's load cost on its own):
  // empty, or one entry per resource; empty means weights.overload for every resource.
  std::vector<double> overload_by_resource{};

  double overload_weight(std::size_t resource) const {
    return overload_by_resource.empty() ? weights.overload : overload_by_resource[resource];
  }
};

struct Rollout {
  int max_concurrent = 10;
  // Transient resources (ROADEF's; a start-before-stop rollout's): a replica that moves
  // keeps holding these on the node it leaves until the whole change is done, so on every
  // node Σ_s request_s · max(placed_s, running_s) fits the capacity. Resource indices,
  // sorted, no repeats. A node that already holds more than its capacity (it was
  // overcommitted before) may keep what it holds but take nothing more.
  std::vector<int> transient{};
};

struct Problem {
  std::vector<std::string> resources = {"cpu", "memory"};
  std::vector<Node> nodes;
  std::vector<Service> services;
  Objective objective;
  Rollout rollout;

  std::optional<ServiceId> find_service(const std::string& name) const;
  std::optional<NodeId> find_node(const std::string& name) const;
  const Node& node(NodeId id) const { return nodes[id.value]; }
  const Service& service(ServiceId id) const { return services[id.value]; }
};

// Where the replicas go: per node, the sorted replica counts it hosts.
struct Placement {
  std::vector<std::vector<ServiceCount>> by_node;

  static Placement empty_for(const Problem& problem);
  static Placement from_running(const Problem& problem);
  int count(NodeId node, ServiceId service) const;
  void set(NodeId node, ServiceId service, int count);
  void add(NodeId node, ServiceId service, int delta) { set(node, service, count(node, service) + delta); }
  std::vector<int> placed_per_service(std::size_t service_count) const;
  bool operator==(const Placement&) const = default;
};

}  // namespace berth::model
