#include "common/spec/spec.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "common/spec/documents.hpp"

namespace berth::spec {
namespace {

// "cpu", "memory", then every other resource named anywhere, sorted: a fixed order that
// does not depend on which file or node mentions a resource first.
std::vector<std::string> resource_dimensions(const ClusterSpec& cluster, const ServicesSpec& services) {
  std::set<std::string> others;
  const auto collect = [&](const std::vector<ResourceAmount>& amounts) {
    for (const ResourceAmount& amount : amounts)
      if (amount.name != "cpu" && amount.name != "memory") others.insert(amount.name);
  };
  for (const NodeSpec& node : cluster.nodes) collect(node.capacity);
  for (const ServiceSpec& service : services.services) collect(service.request);
  std::vector<std::string> dimensions = {"cpu", "memory"};
  dimensions.insert(dimensions.end(), others.begin(), others.end());
  return dimensions;
}

// Index of a resource among the problem's dimensions, if it is one.
std::optional<std::size_t> dimension_of(const std::vector<std::string>& dimensions, const std::string& name) {
  const auto it = std::find(dimensions.begin(), dimensions.end(), name);
  if (it == dimensions.end()) return std::nullopt;
  return static_cast<std::size_t>(it - dimensions.begin());
}

// The index of a resource a rule names (`what`: "free_ratio", "transient of rollout"), or
// an error at the name when no node's capacity and no service's request has it.
std::optional<std::size_t> named_resource(const std::vector<std::string>& resources, const NameRef& ref,
                                          const std::string& what, Diagnostics& diagnostics) {
  const auto r = dimension_of(resources, ref.name);
  if (!r)
    diagnostics.add(ref.location, what + " names resource " + spec::quoted(ref.name) +
                                      ", which no node's capacity and no service's request has");
  return r;
}

// `base` with the named amounts written over it; names that are not dimensions were
// reported where they were read.
std::vector<std::int64_t> to_vector(const std::vector<ResourceAmount>& amounts,
                                    const std::vector<std::string>& dimensions, std::vector<std::int64_t> base) {
  for (const ResourceAmount& amount : amounts)
    if (const auto r = dimension_of(dimensions, amount.name)) base[*r] = amount.amount;
  return base;
}

class NameResolver {
 public:
  explicit NameResolver(const ServicesSpec& services) {
    for (std::uint32_t s = 0; s < services.services.size(); ++s) {
      ids_.emplace(services.services[s].service.name, model::ServiceId{s});
      names_.push_back(services.services[s].service.name);
    }
  }

  // The service `ref` names, or an error at the reference, with the nearest name.
  std::optional<model::ServiceId> resolve(const NameRef& ref, const std::string& context, Diagnostics& diagnostics) const {
    const auto it = ids_.find(ref.name);
    if (it != ids_.end()) return it->second;
    std::string message = "unknown service '" + printable(ref.name) + "' in " + context;
    std::vector<std::string_view> candidates(names_.begin(), names_.end());
    if (const auto suggestion = nearest(ref.name, candidates)) message += " (did you mean '" + *suggestion + "'?)";
    diagnostics.add(ref.location, message);
    return std::nullopt;
  }

 private:
  std::map<std::string, model::ServiceId> ids_;
  std::vector<std::string> names_;
};

void resolve_rules(const ServicesSpec& services, const NameResolver& resolver, model::Problem& problem,
                   Diagnostics& diagnostics) {
  for (std::size_t s = 0; s < services.services.size(); ++s) {
    const ServiceSpec& spec = services.services[s];
    model::Service& service = problem.services[s];
    const std::string where = "service '" + service.name + "'";
    for (const NameRef& ref : spec.avoid) {
      const auto id = resolver.resolve(ref, "avoid of " + where, diagnostics);
      if (!id) continue;
      if (id->value == s) {
        diagnostics.add(ref.location, where + " avoids itself (use max_per_node: 1 for one replica per node)");
        continue;
      }
      service.avoid.push_back(*id);
    }
    for (const NameRef& ref : spec.prefer) {
      const auto id = resolver.resolve(ref, "prefer of " + where, diagnostics);
      if (!id) continue;
      if (id->value == s) {
        diagnostics.add(ref.location, where + " prefers itself, which means nothing");
        continue;
      }
      if (std::find(service.avoid.begin(), service.avoid.end(), *id) != service.avoid.end()) {
        diagnostics.add(ref.location, where + " both avoids and prefers '" + ref.name + "'");
        continue;
      }
      service.prefer.push_back(*id);
    }
    for (const NearSpec& rule : spec.near) {
      const auto id = resolver.resolve(rule.service, "near of " + where, diagnostics);
      if (!id) continue;
      if (id->value == s) {
        diagnostics.add(rule.service.location, where + " is near itself, which means nothing");
        continue;
      }
      const model::NearRule near{*id, rule.key};
      // A repeat says nothing new; keeping one keeps the model's list duplicate-free.
      if (std::find(service.near.begin(), service.near.end(), near) == service.near.end()) service.near.push_back(near);
    }
  }
}

void resolve_running(const ClusterSpec& cluster, const NameResolver& resolver, model::Problem& problem,
                     Diagnostics& diagnostics) {
  for (std::size_t n = 0; n < cluster.nodes.size(); ++n) {
    model::Node& node = problem.nodes[n];
    for (const RunningSpec& running : cluster.nodes[n].running) {
      const auto id = resolver.resolve(running.service, "running of node '" + node.name + "'", diagnostics);
      if (!id || running.count == 0) continue;
      node.running.push_back(model::ServiceCount{*id, running.count});
    }
    std::sort(node.running.begin(), node.running.end());
  }
}

// The optimizer adds up capacities and demands in int64; refuse input where that overflows.
void check_totals(const model::Problem& problem, const std::string& cluster_name, const std::string& services_name,
                  Diagnostics& diagnostics) {
  for (std::size_t r = 0; r < problem.resources.size(); ++r) {
    std::int64_t capacity = 0;
    bool overflow = false;
    for (const model::Node& node : problem.nodes)
      overflow = overflow || __builtin_add_overflow(capacity, node.capacity[r], &capacity);
    if (overflow)
      diagnostics.add(Location{cluster_name, 0, 0}, "the total " + problem.resources[r] + " capacity overflows int64");
    std::int64_t demand = 0;
    overflow = false;
    for (const model::Service& service : problem.services) {
      std::int64_t total = 0;
      overflow = overflow || __builtin_mul_overflow(service.request[r], std::int64_t{service.replicas}, &total) ||
                 __builtin_add_overflow(demand, total, &demand);
    }
    if (overflow)
      diagnostics.add(Location{services_name, 0, 0}, "the total " + problem.resources[r] + " demand overflows int64");
  }
}

struct FileText {
  std::string text;
  std::string error;  // empty when read
};

FileText read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return {{}, "cannot read " + path + ": is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {{}, "cannot read " + path + ": " + std::strerror(errno)};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return {{}, "cannot read " + path + ": read failed"};
  return {buffer.str(), {}};
}

// The Problem both documents describe, with every cross-reference resolved; problems go
// to `diagnostics`. `services_read` is false when the services file could not be parsed
// at all, so that every name in `running` does not look unknown.
model::Problem assemble(const ClusterSpec& cluster, const ServicesSpec& services, bool services_read,
                        const std::string& cluster_name, const std::string& services_name, Diagnostics& diagnostics) {
  model::Problem problem;
  problem.resources = resource_dimensions(cluster, services);
  const std::vector<std::int64_t> zeros(problem.resources.size(), 0);
  problem.objective = services.objective;
  problem.rollout = services.rollout;
  for (const ServiceSpec& spec : services.services) {
    problem.services.push_back(spec.service);
    problem.services.back().request = to_vector(spec.request, problem.resources, zeros);
  }
  for (const NodeSpec& spec : cluster.nodes) {
    problem.nodes.push_back(spec.node);
    model::Node& node = problem.nodes.back();
    node.capacity = to_vector(spec.capacity, problem.resources, zeros);
    // Resources it does not name keep their capacity: no soft threshold there.
    if (!spec.soft_capacity.empty()) node.soft_capacity = to_vector(spec.soft_capacity, problem.resources, node.capacity);
  }

  for (const FreeRatioSpec& spec : services.free_ratio) {
    model::FreeRatioRule rule{.ratio = spec.ratio, .weight = spec.weight};
    bool known = true;
    for (const auto& [ref, index] : {std::pair{&spec.per, &rule.per}, std::pair{&spec.keep, &rule.keep}}) {
      if (const auto r = named_resource(problem.resources, *ref, "free_ratio", diagnostics)) {
        *index = static_cast<int>(*r);
      } else {
        known = false;
      }
    }
    if (known) problem.objective.free_ratio.push_back(rule);
  }
  if (!services.overload_by_resource.empty()) {
    // Resources the map leaves out keep the objective's single overload weight.
    auto& weights = problem.objective.overload_by_resource;
    weights.assign(problem.resources.size(), problem.objective.weights.overload);
    for (const ResourceWeight& entry : services.overload_by_resource)
      if (const auto r = named_resource(problem.resources, entry.resource, "overload_cost", diagnostics))
        weights[*r] = entry.weight;
  }
  for (const NameRef& ref : services.transient)
    if (const auto r = named_resource(problem.resources, ref, "transient of rollout", diagnostics))
      problem.rollout.transient.push_back(static_cast<int>(*r));
  std::sort(problem.rollout.transient.begin(), problem.rollout.transient.end());
  const NameResolver resolver(services);
  resolve_rules(services, resolver, problem, diagnostics);
  if (services_read) resolve_running(cluster, resolver, problem, diagnostics);
  check_totals(problem, cluster_name, services_name, diagnostics);
  return problem;
}

// A cluster given as data, in the shape the cluster file is read into. Replicas running
// for services the new file no longer has are dropped: they are to stop, not an error.
ClusterSpec cluster_spec_of(const model::Problem& cluster, const ServicesSpec& services) {
  std::set<std::string> known;
  for (const ServiceSpec& spec : services.services) known.insert(spec.service.name);
  ClusterSpec result;
  for (const model::Node& node : cluster.nodes) {
    NodeSpec spec;
    spec.node = node;
    spec.node.capacity.clear();
    spec.node.soft_capacity.clear();
    spec.node.running.clear();
    for (std::size_t r = 0; r < cluster.resources.size() && r < node.capacity.size(); ++r)
      spec.capacity.push_back(ResourceAmount{cluster.resources[r], node.capacity[r]});
    for (std::size_t r = 0; r < cluster.resources.size() && r < node.soft_capacity.size(); ++r)
      if (node.soft_capacity[r] < node.capacity[r])
        spec.soft_capacity.push_back(ResourceAmount{cluster.resources[r], node.soft_capacity[r]});
    for (const model::ServiceCount& running : node.running) {
      if (running.service.value >= cluster.services.size()) continue;
      const std::string& name = cluster.services[running.service.value].name;
      if (known.count(name) > 0) spec.running.push_back(RunningSpec{NameRef{name, Location{}}, running.count});
    }
    result.nodes.push_back(std::move(spec));
  }
  return result;
}

}  // namespace

Result<model::Problem> parse_problem(std::string_view cluster_yaml, std::string_view cluster_name,
                                     std::string_view services_yaml, std::string_view services_name) {
  Diagnostics diagnostics;
  YamlReader cluster_reader(std::string(cluster_name), diagnostics);
  YamlReader services_reader(std::string(services_name), diagnostics);

  // Exceptions from yaml-cpp beyond parsing (bad conversions, allocation) are bugs or
  // resource exhaustion; they still must not escape a library that promises Results.
  try {
    const auto cluster_root = cluster_reader.load(cluster_yaml);
    const ClusterSpec cluster = cluster_root ? read_cluster(*cluster_root, cluster_reader) : ClusterSpec{};
    const auto services_root = services_reader.load(services_yaml);
    const ServicesSpec services = services_root ? read_services(*services_root, services_reader) : ServicesSpec{};
    model::Problem problem = assemble(cluster, services, services_root.has_value(), std::string(cluster_name),
                                      std::string(services_name), diagnostics);
    if (!diagnostics.empty()) return diagnostics.to_error();
    return problem;
  } catch (const std::exception& e) {
    return Error{ErrorCode::invalid_spec, std::string(cluster_name) + ", " + std::string(services_name) +
                                              ": unexpected error: " + e.what()};
  }
}

Result<model::Problem> parse_services(const model::Problem& cluster, std::string_view services_yaml,
                                      std::string_view services_name) {
  Diagnostics diagnostics;
  YamlReader services_reader(std::string(services_name), diagnostics);
  try {
    const auto services_root = services_reader.load(services_yaml);
    const ServicesSpec services = services_root ? read_services(*services_root, services_reader) : ServicesSpec{};
    model::Problem problem = assemble(cluster_spec_of(cluster, services), services, services_root.has_value(),
                                      "the registered nodes", std::string(services_name), diagnostics);
    if (!diagnostics.empty()) return diagnostics.to_error();
    return problem;
  } catch (const std::exception& e) {
    return Error{ErrorCode::invalid_spec, std::string(services_name) + ": unexpected error: " + e.what()};
  }
}

Result<model::Problem> load_problem(const std::string& cluster_path, const std::string& services_path) {
  const FileText cluster = read_file(cluster_path);
  const FileText services = read_file(services_path);
  std::string errors = cluster.error;
  if (!services.error.empty()) errors += (errors.empty() ? "" : "\n") + services.error;
  if (!errors.empty()) return Error{ErrorCode::io, errors};
  return parse_problem(cluster.text, cluster_path, services.text, services_path);
}

}  // namespace berth::spec
