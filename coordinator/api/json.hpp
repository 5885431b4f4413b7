#pragma once
// The operator API's JSON documents, as pure functions of ClusterState's values, so the
// HTTP handler and the tests share one encoding. docs/api.md describes every key.
// Amounts are in model units (cpu millicores, memory bytes, other resources counts);
// durations in seconds.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "coordinator/state/cluster_state.hpp"

namespace berth::coordinator::api {

using Json = nlohmann::ordered_json;

// A plan: status, figures, terms, unplaced, moves per node, placement.
Json summary_json(const SolveSummary& summary);
// An applied target: version, kind, reason, services_name, then summary_json's keys.
Json target_json(const Target& target);
// GET /v1/placement: version and node → service → replicas.
Json placement_json(const Target& target);
// GET /v1/nodes: every registered node with health, report and its target replicas.
Json nodes_json(const Snapshot& snapshot, TimePoint now);
// GET /v1/services: the applied services with request, replicas placed and where.
Json services_json(const Snapshot& snapshot);
// GET /v1/status: node counts by health and the current target's figures.
Json status_json(const Snapshot& snapshot, TimePoint now);

// One problem in a spec file, from a "FILE:LINE:COLUMN: what" line.
struct ErrorDetail {
  std::string file;
  int line = 0;    // 0: unknown
  int column = 0;  // 0: unknown
  std::string field;  // dotted path of the YAML key ("services.web.replica"), when known
  std::string message;
};

// The error body: {"error": message, "details": [{file, line, column, field, message}]}.
// `details` may be empty.
Json error_json(std::string_view message, const std::vector<ErrorDetail>& details = {});

// The lines of an invalid_spec message about `file`, one detail each; lines that do not
// start with "FILE:" keep only their message.
std::vector<ErrorDetail> details_of(std::string_view message, std::string_view file);

}  // namespace berth::coordinator::api
