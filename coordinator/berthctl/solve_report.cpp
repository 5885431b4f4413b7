#include "coordinator/berthctl/solve_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/spec/quantity.hpp"

namespace berth::berthctl {
namespace {

using Table = std::vector<std::vector<std::string>>;

const char* to_string(model::NodeState state) {
  switch (state) {
    case model::NodeState::ready: return "ready";
    case model::NodeState::cordoned: return "cordoned";
    case model::NodeState::lost: return "lost";
  }
  return "unknown";
}

std::string fixed(double value, int decimals) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
  return buffer.data();
}

// Up to `decimals` decimals, without trailing zeros: 8 → "8", 0.25 → "0.25".
std::string trimmed(double value, int decimals) {
  std::string text = fixed(value, decimals);
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string percent(std::int64_t used, std::int64_t capacity) {
  if (capacity <= 0) return used > 0 ? "over" : "-";
  return fixed(100.0 * static_cast<double>(used) / static_cast<double>(capacity), 0) + "%";
}

// Columns as wide as their widest cell. Width counts characters, not bytes ("×").
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  return width;
}

void print_table(std::ostream& out, const Table& table, const std::string& indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : table) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  for (const auto& row : table) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - display_width(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

std::string zone_of(const model::Node& node) {
  for (const char* key : {"zone", "topology.kubernetes.io/zone"}) {
    const auto it = node.labels.find(key);
    if (it != node.labels.end()) return it->second;
  }
  return "";
}

std::vector<ReplicaChange> changes(const model::Problem& problem, const model::Placement& placement, bool stopping) {
  std::vector<ReplicaChange> result;
  const model::Placement running = model::Placement::from_running(problem);
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    for (std::uint32_t s = 0; s < problem.services.size(); ++s) {
      const model::NodeId node{n};
      const model::ServiceId service{s};
      const int now = running.count(node, service);
      const int next = n < placement.by_node.size() ? placement.count(node, service) : 0;
      const int delta = stopping ? now - next : next - now;
      if (delta > 0) result.push_back({service, node, delta});
    }
  }
  return result;
}

void print_summary(std::ostream& out, const SolveReport& report) {
  const auto& solution = report.solution;
  const auto stats = model::stats(report.problem, solution.placement);
  Table table;
  table.push_back({"status", std::string(optimizer::to_string(solution.status)) +
                                 (solution.proven_optimal ? " (proven optimal)" : "")});
  table.push_back({"objective", trimmed(solution.objective, 4)});
  table.push_back({"lower bound", trimmed(solution.lower_bound, 4)});
  table.push_back({"gap", fixed(100.0 * solution.gap, 2) + "%"});
  table.push_back({"rounds", std::to_string(solution.rounds)});
  table.push_back({"time", fixed(report.seconds, 3) + " s"});
  table.push_back({"nodes used", std::to_string(stats.nodes_used) + " / " + std::to_string(report.problem.nodes.size())});
  table.push_back({"replicas", std::to_string(stats.replicas_placed) + " placed, " +
                                   std::to_string(stats.replicas_unplaced) + " unplaced, " +
                                   std::to_string(stats.moves) + " moved"});
  print_table(out, table, "");
}

void print_nodes(std::ostream& out, const SolveReport& report) {
  const model::Problem& problem = report.problem;
  bool any_zone = false;
  for (const model::Node& node : problem.nodes) any_zone = any_zone || !zone_of(node).empty();
  Table table;
  std::vector<std::string> header = {"node"};
  if (any_zone) header.push_back("zone");
  header.push_back("state");
  for (const std::string& resource : problem.resources) header.push_back(resource);
  header.push_back("replicas");
  table.push_back(header);
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    const model::Node& node = problem.nodes[n];
    const auto used = model::node_usage(problem, report.solution.placement, model::NodeId{n});
    std::vector<std::string> row = {node.name};
    if (any_zone) row.push_back(zone_of(node).empty() ? "-" : zone_of(node));
    row.push_back(to_string(node.state));
    for (std::size_t r = 0; r < problem.resources.size(); ++r) {
      const std::string& resource = problem.resources[r];
      if (used[r] == 0 && node.capacity[r] == 0) {
        row.push_back("-");  // a gpu column on a node without gpus
        continue;
      }
      row.push_back(format_amount(resource, used[r]) + "/" + format_amount(resource, node.capacity[r]) + " " +
                    percent(used[r], node.capacity[r]));
    }
    std::string hosted;
    for (const auto& sc : report.solution.placement.by_node[n]) {
      if (!hosted.empty()) hosted += ' ';
      hosted += problem.service(sc.service).name + "×" + std::to_string(sc.count);
    }
    row.push_back(hosted.empty() ? "-" : hosted);
    table.push_back(row);
  }
  print_table(out, table, "");
}

void print_changes(std::ostream& out, const SolveReport& report) {
  const model::Problem& problem = report.problem;
  const auto stopping = stops(problem, report.solution.placement);
  const auto starting = starts(problem, report.solution.placement);
  if (stopping.empty() && starting.empty()) {
    out << "changes: none\n";
    return;
  }
  out << "changes (relative to running):\n";
  Table table;
  for (const auto& change : stopping)
    table.push_back({"stop", problem.service(change.service).name, "×" + std::to_string(change.count), "on",
                     problem.node(change.node).name});
  for (const auto& change : starting)
    table.push_back({"start", problem.service(change.service).name, "×" + std::to_string(change.count), "on",
                     problem.node(change.node).name});
  print_table(out, table, "  ");
}

void print_terms(std::ostream& out, const SolveReport& report) {
  const auto& terms = report.solution.terms;
  out << "objective by term:\n";
  print_table(out,
              {{"node_cost", trimmed(terms.node_cost, 4)},
               {"load_spread", trimmed(terms.load_spread, 4)},
               {"balance", trimmed(terms.balance, 4)},
               {"overload", trimmed(terms.overload, 4)},
               {"free_ratio", trimmed(terms.free_ratio, 4)},
               {"migration", trimmed(terms.migration, 4)},
               {"service_move", trimmed(terms.service_move, 4)},
               {"colocation", trimmed(terms.colocation, 4)},
               {"unplaced", trimmed(terms.unplaced, 4)}},
              "  ");
}

void print_unplaced(std::ostream& out, const SolveReport& report) {
  if (report.solution.unplaced.empty()) {
    out << "unplaced: none\n";
    return;
  }
  out << "unplaced:\n";
  Table table;
  for (const auto& unplaced : report.solution.unplaced)
    table.push_back({report.problem.service(unplaced.service).name, "×" + std::to_string(unplaced.count), unplaced.reason});
  print_table(out, table, "  ");
}

}  // namespace

std::vector<ReplicaChange> stops(const model::Problem& problem, const model::Placement& placement) {
  return changes(problem, placement, true);
}

std::vector<ReplicaChange> starts(const model::Problem& problem, const model::Placement& placement) {
  return changes(problem, placement, false);
}

std::string format_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  std::ostringstream out;
  print_table(out, rows, indent);
  return out.str();
}

std::string format_number(double value, int decimals) { return trimmed(value, decimals); }

std::string format_amount(const std::string& resource, std::int64_t amount) {
  if (resource == "cpu" || spec::quantity_kind_for(resource) == spec::QuantityKind::gpu)
    return trimmed(static_cast<double>(amount) / 1000.0, 3);  // millicores, milli-GPUs
  if (resource != "memory") return std::to_string(amount);
  static constexpr std::array<const char*, 6> kUnits = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
  double value = static_cast<double>(amount);
  std::size_t unit = 0;
  while (unit + 1 < kUnits.size() && std::abs(value) >= 1024.0) {
    value /= 1024.0;
    ++unit;
  }
  return trimmed(value, 1) + kUnits[unit];
}

std::string format_report(const SolveReport& report) {
  std::ostringstream out;
  print_summary(out, report);
  out << '\n';
  print_nodes(out, report);
  out << '\n';
  print_changes(out, report);
  out << '\n';
  print_terms(out, report);
  out << '\n';
  print_unplaced(out, report);
  if (!report.violations.empty()) {
    out << "VIOLATIONS (the placement breaks hard rules; this is a bug):\n";
    for (const auto& violation : report.violations)
      out << "  " << model::to_string(violation.kind) << ": " << violation.detail << '\n';
  }
  return out.str();
}

nlohmann::ordered_json to_json(const SolveReport& report) {
  using Json = nlohmann::ordered_json;
  const model::Problem& problem = report.problem;
  const optimizer::Solution& solution = report.solution;
  const auto stats = model::stats(problem, solution.placement);

  Json json;
  json["status"] = optimizer::to_string(solution.status);
  json["proven_optimal"] = solution.proven_optimal;
  json["objective"] = solution.objective;
  json["lower_bound"] = solution.lower_bound;
  json["gap"] = solution.gap;
  json["rounds"] = solution.rounds;
  json["seconds"] = report.seconds;
  json["nodes_used"] = stats.nodes_used;
  json["nodes_total"] = problem.nodes.size();
  json["replicas_placed"] = stats.replicas_placed;
  json["replicas_unplaced"] = stats.replicas_unplaced;

  Json placement = Json::object();
  for (const model::Service& service : problem.services) placement[service.name] = Json::object();
  for (std::uint32_t n = 0; n < solution.placement.by_node.size() && n < problem.nodes.size(); ++n)
    for (const auto& sc : solution.placement.by_node[n])
      placement[problem.service(sc.service).name][problem.nodes[n].name] = sc.count;
  json["placement"] = placement;

  Json moves = Json::array();
  for (const auto& change : stops(problem, solution.placement))
    moves.push_back({{"service", problem.service(change.service).name},
                     {"from", problem.node(change.node).name},
                     {"count", change.count}});
  json["moves"] = moves;
  Json started = Json::array();
  for (const auto& change : starts(problem, solution.placement))
    started.push_back({{"service", problem.service(change.service).name},
                       {"to", problem.node(change.node).name},
                       {"count", change.count}});
  json["starts"] = started;

  Json unplaced = Json::array();
  for (const auto& entry : solution.unplaced)
    unplaced.push_back({{"service", problem.service(entry.service).name}, {"count", entry.count}, {"reason", entry.reason}});
  json["unplaced"] = unplaced;

  const auto& terms = solution.terms;
  json["terms"] = {{"node_cost", terms.node_cost},   {"load_spread", terms.load_spread},
                   {"balance", terms.balance},       {"overload", terms.overload},
                   {"free_ratio", terms.free_ratio}, {"migration", terms.migration},
                   {"service_move", terms.service_move},
                   {"colocation", terms.colocation}, {"unplaced", terms.unplaced}};

  Json nodes = Json::array();
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    const model::Node& node = problem.nodes[n];
    const auto used = model::node_usage(problem, solution.placement, model::NodeId{n});
    Json capacity = Json::object();
    Json usage = Json::object();
    for (std::size_t r = 0; r < problem.resources.size(); ++r) {
      capacity[problem.resources[r]] = node.capacity[r];
      usage[problem.resources[r]] = used[r];
    }
    nodes.push_back({{"name", node.name}, {"state", to_string(node.state)}, {"capacity", capacity}, {"used", usage}});
  }
  json["nodes"] = nodes;

  Json violations = Json::array();
  for (const auto& violation : report.violations)
    violations.push_back({{"kind", model::to_string(violation.kind)}, {"detail", violation.detail}});
  json["violations"] = violations;
  return json;
}

}  // namespace berth::berthctl
