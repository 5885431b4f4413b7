#include "coordinator/berthctl/live_report.hpp"

#include <cctype>
#include <set>
#include <sstream>
#include <vector>

#include "coordinator/berthctl/solve_report.hpp"

namespace berth::berthctl {
namespace {

using nlohmann::json;
using Table = std::vector<std::vector<std::string>>;

// Readers of a server's answer must not trust its shape: a missing or mistyped key
// reads as a default instead of throwing.
double number(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

long long integer(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<long long>() : 0;
}

std::string text(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& list(const json& object, const char* key) {
  static const json kEmpty = json::array();
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

const json& map(const json& object, const char* key) {
  static const json kEmpty = json::object();
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

std::string percent(double fraction) { return format_number(100.0 * fraction, 2) + "%"; }

std::string count_of(long long count, const std::string& what) {
  return std::to_string(count) + " " + what + (count == 1 ? "" : "s");
}

void print_moves(std::ostream& out, const json& plan) {
  const json& moves = list(plan, "moves");
  if (moves.empty()) {
    out << "no changes: the placement stays as it is\n";
    return;
  }
  for (const json& node : moves) {
    if (!node.is_object()) continue;
    const json& start = list(node, "start");
    const json& stop = list(node, "stop");
    const std::string mark = !start.empty() && !stop.empty() ? "+/-" : (!start.empty() ? "+  " : "-  ");
    out << mark << " node " << text(node, "node") << '\n';
    Table rows;
    for (const json& delta : start) rows.push_back({"+ " + text(delta, "service"), "×" + std::to_string(integer(delta, "count"))});
    for (const json& delta : stop) rows.push_back({"- " + text(delta, "service"), "×" + std::to_string(integer(delta, "count"))});
    out << format_table(rows, "      ");
  }
}

void print_figures(std::ostream& out, const json& plan) {
  const long long started = integer(plan, "replicas_started");
  const long long stopped = integer(plan, "replicas_stopped");
  const long long nodes_changed = static_cast<long long>(list(plan, "moves").size());
  Table rows;
  rows.push_back({"objective", format_number(number(plan, "objective"), 4)});
  rows.push_back({"lower bound", format_number(number(plan, "lower_bound"), 4)});
  rows.push_back({"gap", percent(number(plan, "gap"))});
  rows.push_back({"solve", text(plan, "status") + ", " + count_of(integer(plan, "rounds"), "round") + ", " +
                               format_number(number(plan, "seconds"), 3) + " s"});
  rows.push_back({"nodes used", std::to_string(integer(plan, "nodes_used")) + " / " +
                                    std::to_string(integer(plan, "nodes_total"))});
  rows.push_back({"replicas", std::to_string(integer(plan, "replicas_placed")) + " placed, " +
                                  std::to_string(integer(plan, "replicas_unplaced")) + " unplaced; " +
                                  std::to_string(started) + " to start, " + std::to_string(stopped) + " to stop on " +
                                  count_of(nodes_changed, "node")});
  out << format_table(rows);
}

void print_unplaced(std::ostream& out, const json& unplaced) {
  if (unplaced.empty()) return;
  out << "\nunplaced:\n";
  Table rows;
  for (const json& entry : unplaced)
    rows.push_back({text(entry, "service"), "×" + std::to_string(integer(entry, "count")), text(entry, "reason")});
  out << format_table(rows, "  ");
}

}  // namespace

std::string format_plan(const json& plan, const std::string& services_name) {
  std::ostringstream out;
  out << "plan for " << services_name << " (dry run: nothing changes)\n\n";
  print_moves(out, plan);
  out << '\n';
  print_figures(out, plan);
  print_unplaced(out, list(plan, "unplaced"));
  return out.str();
}

std::string format_apply(const json& target, const std::string& services_name) {
  std::ostringstream out;
  out << "applied " << services_name << " as version " << integer(target, "version") << "\n\n";
  print_moves(out, target);
  out << '\n';
  print_figures(out, target);
  print_unplaced(out, list(target, "unplaced"));
  return out.str();
}

std::string format_status(const json& status, const std::string& coordinator_url) {
  std::ostringstream out;
  const json& nodes = map(status, "nodes");
  Table rows;
  rows.push_back({"coordinator", coordinator_url});
  rows.push_back({"nodes", std::to_string(integer(nodes, "alive")) + " alive, " + std::to_string(integer(nodes, "suspect")) +
                               " suspect, " + std::to_string(integer(nodes, "lost")) + " lost (" +
                               std::to_string(integer(nodes, "total")) + " registered)"});
  const auto target_it = status.find("target");
  if (target_it == status.end() || !target_it->is_object()) {
    rows.push_back({"target", "none: nothing applied yet (berthctl apply -f FILE)"});
    out << format_table(rows);
    return out.str();
  }
  const json& target = *target_it;
  rows.push_back({"target", "version " + std::to_string(integer(target, "version")) + " (" + text(target, "reason") +
                                "), " + format_number(number(target, "age_seconds"), 1) + " s ago"});
  rows.push_back({"services", count_of(integer(target, "services"), "service") + ", " +
                                  std::to_string(integer(target, "replicas_placed")) + " replicas placed, " +
                                  std::to_string(integer(target, "replicas_unplaced")) + " unplaced"});
  rows.push_back({"objective", format_number(number(target, "objective"), 4) + " (lower bound " +
                                   format_number(number(target, "lower_bound"), 4) + ", gap " +
                                   percent(number(target, "gap")) + ")"});
  rows.push_back({"solve", text(target, "status") + ", " + count_of(integer(target, "rounds"), "round") + ", " +
                               format_number(number(target, "seconds"), 3) + " s"});
  rows.push_back({"nodes used", std::to_string(integer(target, "nodes_used")) + " / " +
                                    std::to_string(integer(target, "nodes_total"))});
  const auto pending = status.find("needs_resolve");
  if (pending != status.end() && pending->is_boolean() && pending->get<bool>())
    rows.push_back({"re-solve", "pending (nodes changed since the target was solved)"});
  out << format_table(rows);
  print_unplaced(out, list(target, "unplaced"));
  return out.str();
}

std::string format_nodes(const json& answer) {
  const json& nodes = list(answer, "nodes");
  if (nodes.empty()) return "no nodes registered\n";
  // Columns: cpu, memory, then every other resource any node has, sorted.
  std::set<std::string> others;
  for (const json& node : nodes)
    for (const auto& [resource, amount] : map(node, "capacity").items())
      if (resource != "cpu" && resource != "memory") others.insert(resource);
  std::vector<std::string> resources = {"cpu", "memory"};
  resources.insert(resources.end(), others.begin(), others.end());

  Table rows;
  std::vector<std::string> header = {"NODE", "HEALTH"};
  for (const std::string& resource : resources) {
    std::string column = resource;
    for (char& c : column) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    header.push_back(column);
  }
  header.push_back("TARGET");
  header.push_back("LAST SEEN");
  rows.push_back(header);
  for (const json& node : nodes) {
    std::string health = text(node, "health");
    const auto cordoned = node.find("cordoned");
    if (cordoned != node.end() && cordoned->is_boolean() && cordoned->get<bool>()) health += ",cordoned";
    std::vector<std::string> row = {text(node, "name"), health};
    const json& capacity = map(node, "capacity");
    const json& used = map(node, "target_used");
    for (const std::string& resource : resources) {
      const long long total = integer(capacity, resource.c_str());
      const long long in_use = integer(used, resource.c_str());
      row.push_back(total == 0 && in_use == 0 ? "-"
                                              : format_amount(resource, in_use) + "/" + format_amount(resource, total));
    }
    std::string hosted;
    for (const auto& [service, count] : map(node, "target").items()) {
      if (!hosted.empty()) hosted += ' ';
      hosted += service + "×" + std::to_string(count.is_number() ? count.get<long long>() : 0);
    }
    row.push_back(hosted.empty() ? "-" : hosted);
    row.push_back(text(node, "source") == "static" ? "static"
                                                  : format_number(number(node, "last_seen_seconds_ago"), 1) + " s ago");
    rows.push_back(row);
  }
  return format_table(rows);
}

std::string format_error(const json& error) {
  std::ostringstream out;
  const std::string message = error.is_object() ? text(error, "error") : "";
  out << "error: " << (message.empty() ? "the coordinator gave no reason" : message) << '\n';
  const json& details = error.is_object() ? list(error, "details") : json::array();
  // A single detail is already the whole message; list them only when there are several.
  if (details.size() < 2) return out.str();
  for (const json& detail : details) {
    std::string where = text(detail, "file");
    if (integer(detail, "line") > 0) where += ":" + std::to_string(integer(detail, "line"));
    if (integer(detail, "column") > 0) where += ":" + std::to_string(integer(detail, "column"));
    out << "  " << (where.empty() ? "" : where + ": ") << text(detail, "message");
    const std::string field = text(detail, "field");
    if (!field.empty()) out << " (field " << field << ")";
    out << '\n';
  }
  return out.str();
}

}  // namespace berth::berthctl
