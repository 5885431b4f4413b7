#pragma once
// berth::spec — the operator's two YAML files in, a validated model::Problem out.
//
//   const auto problem = berth::spec::load_problem("cluster.yaml", "services.yaml");
//   if (!problem) { std::cerr << problem.error().message << '\n'; return 2; }
//   const auto solution = berth::optimizer::solve(*problem);
//
// The cluster file lists the nodes (capacity, labels, taints, cost, state, what runs
// there now); the services file lists the services with their placement rules, the
// rollout limits and the objective. docs/spec.md is the format reference.
//
// Every problem with the input is reported, one per line, as "FILE:LINE:COLUMN: what is
// wrong" (1-based), in one invalid_spec error; unreadable files give an io error
// "cannot read FILE: why". No exception escapes. A Problem returned here satisfies the
// optimizer's preconditions: one capacity/request entry per resource dimension
// ("cpu", "memory", then every other resource name seen, sorted), ids in range,
// non-negative counts, running lists sorted by service, and no int64 overflow in the
// cluster's total capacity or the services' total demand.
#include <string>
#include <string_view>

#include "common/model/problem.hpp"
#include "common/result.hpp"
#include "common/spec/quantity.hpp"

namespace berth::spec {

Result<model::Problem> load_problem(const std::string& cluster_path, const std::string& services_path);

// The same from text; the names stand for the files in messages. For tests and for
// callers that get the files some other way (the coordinator's API).
Result<model::Problem> parse_problem(std::string_view cluster_yaml, std::string_view cluster_name,
                                     std::string_view services_yaml, std::string_view services_name);

// A services file against a cluster given as data (the coordinator's registered nodes:
// there is no cluster file). The result has the cluster's nodes (labels, taints, cost,
// state, capacity) and the file's services, objective and rollout; resource dimensions
// are "cpu", "memory", then every other name in either, sorted, so a service may request
// a resource no node has (it stays unplaced). A node's `running` entries are read by
// service name through `cluster.services`; names the file no longer has are dropped.
// Errors name `services_name` as the file; totals that overflow name "the registered nodes".
//
//   const auto problem = spec::parse_services(registered, yaml_text, "services.yaml");
Result<model::Problem> parse_services(const model::Problem& cluster, std::string_view services_yaml,
                                      std::string_view services_name);

}  // namespace berth::spec
