#pragma once
// Internal to berth::spec: the two spec documents as read from YAML, before the names
// that cross between them are resolved. Service names in `running` (cluster file) and in
// `avoid`/`prefer` (services file) stay names here, with their location, so that
// common/spec/spec.cpp can report an unknown one at the line that mentions it.
#include <cstdint>
#include <string>
#include <vector>

#include "common/model/problem.hpp"
#include "common/spec/yaml_reader.hpp"

namespace berth::spec {

struct NameRef {
  std::string name;
  Location location;
};

struct RunningSpec {
  NameRef service;
  int count = 0;
};

struct NodeSpec {
  model::Node node;  // everything but capacity, soft capacity and running
  std::vector<ResourceAmount> capacity;
  std::vector<ResourceAmount> soft_capacity;  // the resources it names; the others have none
  std::vector<RunningSpec> running;
  Location location;
};

struct ClusterSpec {
  std::vector<NodeSpec> nodes;
};

// A near rule as written: the service is a name, resolved once every service is known.
struct NearSpec {
  NameRef service;
  std::string key;
};

struct ServiceSpec {
  model::Service service;  // everything but request, avoid, prefer and near
  std::vector<ResourceAmount> request;
  std::vector<NameRef> avoid;
  std::vector<NameRef> prefer;
  std::vector<NearSpec> near;
  Location location;
};

// A free ratio rule as written: resource names, resolved once every resource is known.
struct FreeRatioSpec {
  NameRef per;
  NameRef keep;
  double ratio = 1.0;
  double weight = 1.0;
};

// One resource's overload weight as written (overload_cost: {cpu: 10}).
struct ResourceWeight {
  NameRef resource;
  double weight = 0;
};

struct ServicesSpec {
  std::vector<ServiceSpec> services;
  model::Objective objective;  // everything but free_ratio and overload_by_resource
  std::vector<FreeRatioSpec> free_ratio;
  std::vector<ResourceWeight> overload_by_resource;
  model::Rollout rollout;  // everything but transient
  std::vector<NameRef> transient;
};

// Read a parsed document; every problem goes to the reader's diagnostics, and what could
// be read is returned regardless so later checks can still run.
ClusterSpec read_cluster(const YAML::Node& root, YamlReader& reader);
ServicesSpec read_services(const YAML::Node& root, YamlReader& reader);

}  // namespace berth::spec
