#include "coordinator/api/json.hpp"

#include <cctype>
#include <chrono>

namespace berth::coordinator::api {
namespace {

const char* to_string(model::NodeState state) {
  switch (state) {
    case model::NodeState::ready: return "ready";
    case model::NodeState::cordoned: return "cordoned";
    case model::NodeState::lost: return "lost";
  }
  return "unknown";
}

Json counts_json(const std::map<std::string, int>& counts) {
  Json json = Json::object();
  for (const auto& [service, count] : counts) json[service] = count;
  return json;
}

Json deltas_json(const std::vector<ServiceDelta>& deltas) {
  Json json = Json::array();
  for (const ServiceDelta& delta : deltas) json.push_back({{"service", delta.service}, {"count", delta.count}});
  return json;
}

Json placement_of(const NamedPlacement& placement) {
  Json json = Json::object();
  for (const auto& [node, services] : placement) json[node] = counts_json(services);
  return json;
}

double seconds_since(TimePoint then, TimePoint now) { return std::chrono::duration<double>(now - then).count(); }

// Replicas × request of what the target puts on `node`, by resource.
Json target_usage(const Target& target, const std::string& node_name) {
  Json used = Json::object();
  const model::Problem& problem = target.problem;
  const auto node = problem.find_node(node_name);
  if (!node) return used;
  const auto it = target.summary.placement.find(node_name);
  for (std::size_t r = 0; r < problem.resources.size(); ++r) {
    std::int64_t amount = 0;
    if (it != target.summary.placement.end())
      for (const auto& [service_name, count] : it->second)
        if (const auto service = problem.find_service(service_name))
          amount += problem.service(*service).request[r] * count;
    used[problem.resources[r]] = amount;
  }
  return used;
}

// Parse a decimal field of "FILE:LINE:COLUMN: ..."; npos-style -1 when not digits.
int digits_at(std::string_view text, std::size_t& at) {
  const std::size_t start = at;
  int value = 0;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0 && at - start < 9)
    value = value * 10 + (text[at++] - '0');
  return at == start ? -1 : value;
}

}  // namespace

Json summary_json(const SolveSummary& summary) {
  Json json;
  json["status"] = optimizer::to_string(summary.status);
  json["proven_optimal"] = summary.proven_optimal;
  json["objective"] = summary.objective;
  json["lower_bound"] = summary.lower_bound;
  json["gap"] = summary.gap;
  json["rounds"] = summary.rounds;
  json["seconds"] = summary.seconds;
  json["nodes_used"] = summary.nodes_used;
  json["nodes_total"] = summary.nodes_total;
  json["replicas_placed"] = summary.replicas_placed;
  json["replicas_unplaced"] = summary.replicas_unplaced;
  json["replicas_started"] = summary.replicas_started;
  json["replicas_stopped"] = summary.replicas_stopped;
  const model::ObjectiveTerms& terms = summary.terms;
  json["terms"] = {{"node_cost", terms.node_cost},   {"load_spread", terms.load_spread},
                   {"balance", terms.balance},       {"overload", terms.overload},
                   {"free_ratio", terms.free_ratio}, {"migration", terms.migration},
                   {"service_move", terms.service_move},
                   {"colocation", terms.colocation}, {"unplaced", terms.unplaced}};
  Json unplaced = Json::array();
  for (const UnplacedSummary& entry : summary.unplaced)
    unplaced.push_back({{"service", entry.service}, {"count", entry.count}, {"reason", entry.reason}});
  json["unplaced"] = unplaced;
  Json moves = Json::array();
  for (const NodeMoves& node : summary.moves)
    moves.push_back({{"node", node.node}, {"start", deltas_json(node.start)}, {"stop", deltas_json(node.stop)}});
  json["moves"] = moves;
  json["placement"] = placement_of(summary.placement);
  return json;
}

Json target_json(const Target& target) {
  Json json;
  json["version"] = target.version;
  json["kind"] = to_string(target.kind);
  json["reason"] = target.reason;
  json["services_name"] = target.services_name;
  json.update(summary_json(target.summary));
  return json;
}

Json placement_json(const Target& target) {
  return Json{{"version", target.version}, {"placement", placement_of(target.summary.placement)}};
}

Json nodes_json(const Snapshot& snapshot, TimePoint now) {
  Json nodes = Json::array();
  for (const NodeStatus& status : snapshot.nodes) {
    const NodeReport& report = status.report;
    Json node;
    node["name"] = report.name;
    node["health"] = to_string(status.health);
    node["source"] = to_string(status.source);
    node["last_seen_seconds_ago"] = seconds_since(status.last_seen, now);
    node["labels"] = report.labels;
    node["taints"] = report.taints;
    node["cost"] = report.cost;
    node["cordoned"] = report.cordoned;
    Json capacity = Json::object();
    for (const auto& [resource, amount] : report.capacity) capacity[resource] = amount;
    node["capacity"] = capacity;
    node["running"] = counts_json(report.running);
    std::map<std::string, int> target;
    Json used = Json::object();
    if (snapshot.target) {
      const auto it = snapshot.target->summary.placement.find(report.name);
      if (it != snapshot.target->summary.placement.end()) target = it->second;
      used = target_usage(*snapshot.target, report.name);
    }
    node["target"] = counts_json(target);
    node["target_used"] = used;
    nodes.push_back(node);
  }
  return Json{{"nodes", nodes}};
}

Json services_json(const Snapshot& snapshot) {
  Json services = Json::array();
  if (!snapshot.target) return Json{{"version", 0}, {"services", services}};
  const Target& target = *snapshot.target;
  const model::Problem& problem = target.problem;
  for (const model::Service& service : problem.services) {
    Json request = Json::object();
    for (std::size_t r = 0; r < problem.resources.size(); ++r) request[problem.resources[r]] = service.request[r];
    Json nodes = Json::object();
    int placed = 0;
    for (const auto& [node, counts] : target.summary.placement) {
      const auto it = counts.find(service.name);
      if (it == counts.end()) continue;
      nodes[node] = it->second;
      placed += it->second;
    }
    services.push_back({{"name", service.name},
                        {"image", service.image},
                        {"replicas", service.replicas},
                        {"placed", placed},
                        {"unplaced", service.replicas - placed},
                        {"priority", service.priority},
                        {"request", request},
                        {"nodes", nodes}});
  }
  return Json{{"version", target.version}, {"services", services}};
}

Json status_json(const Snapshot& snapshot, TimePoint now) {
  int alive = 0;
  int suspect = 0;
  int lost = 0;
  for (const NodeStatus& node : snapshot.nodes) {
    switch (node.health) {
      case Health::alive: ++alive; break;
      case Health::suspect: ++suspect; break;
      case Health::lost: ++lost; break;
    }
  }
  Json json;
  json["nodes"] = {{"total", snapshot.nodes.size()}, {"alive", alive}, {"suspect", suspect}, {"lost", lost}};
  json["applied"] = snapshot.target.has_value();
  json["needs_resolve"] = snapshot.needs_resolve;
  if (!snapshot.target) {
    json["target"] = nullptr;
    return json;
  }
  const Target& target = *snapshot.target;
  const SolveSummary& summary = target.summary;
  Json unplaced = Json::array();
  for (const UnplacedSummary& entry : summary.unplaced)
    unplaced.push_back({{"service", entry.service}, {"count", entry.count}, {"reason", entry.reason}});
  Json node_states = Json::object();
  for (const model::Node& node : target.problem.nodes) node_states[node.name] = to_string(node.state);
  json["target"] = {{"version", target.version},
                    {"kind", to_string(target.kind)},
                    {"reason", target.reason},
                    {"services_name", target.services_name},
                    {"age_seconds", seconds_since(target.solved_at, now)},
                    {"services", target.problem.services.size()},
                    {"status", optimizer::to_string(summary.status)},
                    {"objective", summary.objective},
                    {"lower_bound", summary.lower_bound},
                    {"gap", summary.gap},
                    {"rounds", summary.rounds},
                    {"seconds", summary.seconds},
                    {"nodes_used", summary.nodes_used},
                    {"nodes_total", summary.nodes_total},
                    {"replicas_placed", summary.replicas_placed},
                    {"replicas_unplaced", summary.replicas_unplaced},
                    {"unplaced", unplaced}};
  return json;
}

Json error_json(std::string_view message, const std::vector<ErrorDetail>& details) {
  Json list = Json::array();
  for (const ErrorDetail& detail : details) {
    Json item;
    item["file"] = detail.file.empty() ? Json(nullptr) : Json(detail.file);
    item["line"] = detail.line > 0 ? Json(detail.line) : Json(nullptr);
    item["column"] = detail.column > 0 ? Json(detail.column) : Json(nullptr);
    item["field"] = detail.field.empty() ? Json(nullptr) : Json(detail.field);
    item["message"] = detail.message;
    list.push_back(item);
  }
  return Json{{"error", std::string(message)}, {"details", list}};
}

std::vector<ErrorDetail> details_of(std::string_view message, std::string_view file) {
  std::vector<ErrorDetail> details;
  std::size_t begin = 0;
  while (begin <= message.size()) {
    std::size_t end = message.find('\n', begin);
    if (end == std::string_view::npos) end = message.size();
    const std::string_view line = message.substr(begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    ErrorDetail detail;
    detail.message = std::string(line);
    const std::string prefix = std::string(file) + ":";
    if (!file.empty() && line.substr(0, prefix.size()) == prefix) {
      detail.file = std::string(file);
      std::size_t at = prefix.size();
      // "FILE:LINE:COLUMN: what", "FILE:LINE: what" or "FILE: what".
      const int line_number = digits_at(line, at);
      if (line_number > 0 && at < line.size() && line[at] == ':') {
        detail.line = line_number;
        ++at;
        const std::size_t after_line = at;
        const int column = digits_at(line, at);
        if (column > 0 && at < line.size() && line[at] == ':') {
          detail.column = column;
          ++at;
        } else {
          at = after_line;
        }
      } else {
        at = prefix.size();
      }
      while (at < line.size() && line[at] == ' ') ++at;
      detail.message = std::string(line.substr(at));
    }
    details.push_back(std::move(detail));
  }
  return details;
}

}  // namespace berth::coordinator::api
