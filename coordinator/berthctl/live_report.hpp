#pragma once
// What berthctl's live commands print, as pure functions of the coordinator's JSON
// answers (docs/api.md), so they are tested without a server.
//
//   std::cout << format_plan(json::parse(reply.body), "services.yaml");
//
//   +/- node a1
//         + web    ×1
//         - cache  ×1
//   +   node c1
//         + web  ×2
//
//   objective    14.2
//   lower bound  14
//   gap          1.41%
//   ...
// A node line starts with "+" when replicas only start there, "-" when they only stop,
// "+/-" when both (as `nomad job plan` marks its changes).
#include <string>

#include <nlohmann/json.hpp>

namespace berth::berthctl {

// A /v1/plan answer: the moves per node, then the figures and what stays unplaced.
std::string format_plan(const nlohmann::json& plan, const std::string& services_name);
// A /v1/apply answer: "applied FILE as version N", then the same as format_plan.
std::string format_apply(const nlohmann::json& target, const std::string& services_name);
// A /v1/status answer.
std::string format_status(const nlohmann::json& status, const std::string& coordinator_url);
// A /v1/nodes answer: one row per node with health, usage of the target and replicas.
std::string format_nodes(const nlohmann::json& nodes);
// An error answer {"error", "details"}: the error, then "FILE:LINE:COLUMN: message
// (field F)" per detail, each on its own line.
std::string format_error(const nlohmann::json& error);

}  // namespace berth::berthctl
