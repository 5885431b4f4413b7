#pragma once
// Builders for tests: a_node("n1").cpu(4000).memory_gib(8).label("zone", "a").
// Problems built with ProblemBuilder use the dimensions {cpu, memory}.
#include <string>
#include <utility>
#include <vector>

#include "common/model/problem.hpp"

namespace berth::testing {

class NodeBuilder {
 public:
  explicit NodeBuilder(std::string name) { node_.name = std::move(name); node_.capacity = {4000, 8 * model::kGiB}; }
  NodeBuilder& cpu(std::int64_t millis) { node_.capacity[0] = millis; return *this; }
  NodeBuilder& memory_gib(std::int64_t gib) { node_.capacity[1] = gib * model::kGiB; return *this; }
  NodeBuilder& soft_cpu(std::int64_t millis) {
    node_.soft_capacity = node_.capacity;
    node_.soft_capacity[0] = millis;
    return *this;
  }
  NodeBuilder& label(const std::string& key, const std::string& value) { node_.labels[key] = value; return *this; }
  NodeBuilder& taint(const std::string& taint) { node_.taints.push_back(taint); return *this; }
  NodeBuilder& cost(double cost) { node_.cost = cost; return *this; }
  NodeBuilder& state(model::NodeState state) { node_.state = state; return *this; }
  NodeBuilder& running(std::uint32_t service, int count) {
    node_.running.push_back({model::ServiceId{service}, count});
    return *this;
  }
  model::Node build() const { return node_; }
  operator model::Node() const { return node_; }  // NOLINT(google-explicit-constructor)

 private:
  model::Node node_;
};

class ServiceBuilder {
 public:
  explicit ServiceBuilder(std::string name) {
    service_.name = std::move(name);
    service_.request = {500, model::kGiB / 2};
  }
  ServiceBuilder& replicas(int n) { service_.replicas = n; return *this; }
  ServiceBuilder& cpu(std::int64_t millis) { service_.request[0] = millis; return *this; }
  ServiceBuilder& memory_mib(std::int64_t mib) { service_.request[1] = mib * model::kMiB; return *this; }
  ServiceBuilder& selector(const std::string& key, const std::string& value) { service_.node_selector[key] = value; return *this; }
  ServiceBuilder& affinity(const std::string& key, model::AffinityOperator op, std::vector<std::string> values) {
    service_.node_affinity.push_back(model::NodeAffinity{key, op, std::move(values)});
    return *this;
  }
  ServiceBuilder& tolerate(const std::string& taint) { service_.tolerations.push_back(taint); return *this; }
  ServiceBuilder& max_per_node(int n) { service_.max_per_node = n; return *this; }
  ServiceBuilder& avoid(std::uint32_t service) { service_.avoid.push_back(model::ServiceId{service}); return *this; }
  ServiceBuilder& prefer(std::uint32_t service) { service_.prefer.push_back(model::ServiceId{service}); return *this; }
  ServiceBuilder& near(std::uint32_t service, const std::string& key) {
    service_.near.push_back({model::ServiceId{service}, key});
    return *this;
  }
  ServiceBuilder& spread(const std::string& key, int max_skew) { service_.spread = model::SpreadRule{key, max_skew}; return *this; }
  ServiceBuilder& move_cost(double cost) { service_.move_cost = cost; return *this; }
  ServiceBuilder& min_domains(const std::string& key, int domains) {
    service_.spread = model::SpreadRule{.key = key, .max_skew = model::kAnySkew, .min_domains = domains};
    return *this;
  }
  ServiceBuilder& priority(int p) { service_.priority = p; return *this; }
  model::Service build() const { return service_; }
  operator model::Service() const { return service_; }  // NOLINT(google-explicit-constructor)

 private:
  model::Service service_;
};

inline NodeBuilder a_node(std::string name) { return NodeBuilder(std::move(name)); }
inline ServiceBuilder a_service(std::string name) { return ServiceBuilder(std::move(name)); }

inline model::Problem a_problem(std::vector<model::Node> nodes, std::vector<model::Service> services,
                                model::Strategy strategy = model::Strategy::binpack) {
  model::Problem problem;
  problem.nodes = std::move(nodes);
  problem.services = std::move(services);
  problem.objective = {.strategy = strategy, .weights = model::default_weights(strategy)};
  return problem;
}

}  // namespace berth::testing
