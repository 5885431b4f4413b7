#include "coordinator/state/nodes.hpp"

#include <cmath>

namespace berth::coordinator {

Result<bool> validate(const NodeReport& report) {
  const auto fail = [&](const std::string& what) {
    return Error{ErrorCode::invalid_argument, "node '" + report.name + "': " + what};
  };
  if (report.name.empty()) return Error{ErrorCode::invalid_argument, "node report without a name"};
  for (const auto& [resource, amount] : report.capacity) {
    if (resource.empty()) return fail("capacity of a resource without a name");
    if (amount < 0) return fail("negative " + resource + " capacity " + std::to_string(amount));
  }
  for (const auto& [resource, amount] : report.soft_capacity) {
    const auto hard = report.capacity.find(resource);
    if (hard == report.capacity.end()) return fail("soft capacity of " + resource + ", which it has no capacity of");
    if (amount < 0 || amount > hard->second)
      return fail("soft " + resource + " capacity " + std::to_string(amount) + " outside 0.." + std::to_string(hard->second));
  }
  for (const auto& [service, count] : report.running) {
    if (service.empty()) return fail("running replicas of a service without a name");
    if (count < 0) return fail("negative running count " + std::to_string(count) + " of '" + service + "'");
  }
  if (!std::isfinite(report.cost) || report.cost < 0) return fail("cost must be a finite number >= 0");
  return true;
}

const char* to_string(Health health) {
  switch (health) {
    case Health::alive: return "alive";
    case Health::suspect: return "suspect";
    case Health::lost: return "lost";
  }
  return "unknown";
}

const char* to_string(NodeSource source) {
  switch (source) {
    case NodeSource::agent: return "agent";
    case NodeSource::static_file: return "static";
  }
  return "unknown";
}

Health health_at(TimePoint last_seen, TimePoint now, const Liveness& liveness) {
  const auto silent = now - last_seen;
  const auto suspect_after = liveness.heartbeat_interval * liveness.suspect_after_missed;
  if (silent > 2 * suspect_after) return Health::lost;
  if (silent > suspect_after) return Health::suspect;
  return Health::alive;
}

}  // namespace berth::coordinator
