#include "agent/config.hpp"

#include <cmath>

#include "common/spec/quantity.hpp"

namespace berth::agent {
namespace {

struct Entry {
  std::string key;
  std::string value;
};

// KEY=VALUE, both sides non-empty; `errors` gains a line otherwise.
std::optional<Entry> split_entry(const std::string& flag, const std::string& text, std::string& errors) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
    errors += "--" + flag + " '" + text + "': expected KEY=VALUE\n";
    return std::nullopt;
  }
  return Entry{text.substr(0, equals), text.substr(equals + 1)};
}

// RESOURCE=AMOUNT entries into `amounts`, in the resource's unit.
void read_amounts(const std::string& flag, const std::vector<std::string>& entries,
                  std::map<std::string, std::int64_t>& amounts, std::string& errors) {
  for (const std::string& text : entries) {
    const auto entry = split_entry(flag, text, errors);
    if (!entry) continue;
    const auto amount = spec::parse_quantity(entry->value, spec::quantity_kind_for(entry->key));
    if (!amount) {
      errors += "--" + flag + " '" + text + "': " + amount.error().message + "\n";
      continue;
    }
    amounts[entry->key] = *amount;
  }
}

Result<bool> finish(std::string errors) {
  if (errors.empty()) return true;
  errors.pop_back();
  return Error{ErrorCode::invalid_argument, std::move(errors)};
}

}  // namespace

Result<Reserve> parse_reserve(const AgentConfig& config) {
  std::string errors;
  std::map<std::string, std::int64_t> amounts;
  read_amounts("reserve", config.reserve, amounts, errors);
  Reserve reserve;
  for (const auto& [resource, amount] : amounts) {
    if (resource == "cpu") {
      reserve.cpu_millis = amount;
    } else if (resource == "memory") {
      reserve.memory_bytes = amount;
    } else {
      errors += "--reserve '" + resource + "': only cpu and memory can be reserved\n";
    }
  }
  if (auto done = finish(std::move(errors)); !done) return done.error();
  return reserve;
}

Result<protocol::NodeReport> node_report(const AgentConfig& config, const Result<HostResources>& probed,
                                         const std::string& host_name) {
  std::string errors;
  protocol::NodeReport report;
  report.node = config.name.empty() ? host_name : config.name;
  if (report.node.empty()) errors += "--name: empty, and the host name is unknown\n";
  for (const std::string& text : config.labels)
    if (const auto entry = split_entry("label", text, errors)) report.labels[entry->key] = entry->value;
  for (const std::string& taint : config.taints) {
    const auto colon = taint.rfind(':');
    if (taint.find('=') == std::string::npos || colon == std::string::npos || colon + 1 == taint.size()) {
      errors += "--taint '" + taint + "': expected KEY=VALUE:EFFECT (e.g. dedicated=db:NoSchedule)\n";
      continue;
    }
    report.taints.push_back(taint);
  }
  if (!std::isfinite(config.cost) || config.cost < 0) errors += "--cost: must be a finite number >= 0\n";
  report.cost = config.cost;

  std::map<std::string, std::int64_t> overrides;
  read_amounts("capacity", config.capacity, overrides, errors);
  read_amounts("resource", config.resources, report.capacity, errors);
  if (probed) {
    report.capacity["cpu"] = probed->cpu_millis;
    report.capacity["memory"] = probed->memory_bytes;
  }
  for (const auto& [resource, amount] : overrides) report.capacity[resource] = amount;
  read_amounts("soft-capacity", config.soft_capacity, report.soft_capacity, errors);
  for (const auto& [resource, amount] : report.soft_capacity) {
    const auto hard = report.capacity.find(resource);
    if (hard == report.capacity.end())
      errors += "--soft-capacity " + resource + ": the node has no " + resource + " capacity\n";
    else if (amount > hard->second)
      errors += "--soft-capacity " + resource + "=" + std::to_string(amount) + ": more than its capacity " +
                std::to_string(hard->second) + "\n";
  }
  for (const char* required : {"cpu", "memory"}) {
    if (report.capacity.count(required) == 0)
      errors += std::string("no ") + required + " capacity: the host probe failed (" +
                (probed ? std::string("?") : probed.error().message) + "); set --capacity " + required + "=...\n";
  }
  if (auto done = finish(std::move(errors)); !done) return done.error();
  return report;
}

}  // namespace berth::agent
