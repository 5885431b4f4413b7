#include "coordinator/rounds/targets.hpp"

namespace berth::coordinator {

std::map<std::string, protocol::Target> agent_targets(const Target& target) {
  const model::Problem& problem = target.problem;
  std::map<std::string, protocol::Target> result;
  for (const model::Node& node : problem.nodes) result[node.name].solve = target.version;
  for (const auto& [node_name, services] : target.summary.placement) {
    protocol::Target& message = result[node_name];
    message.solve = target.version;
    for (const auto& [service_name, count] : services) {
      if (count <= 0) continue;
      protocol::TargetService entry;
      entry.service = service_name;
      entry.replicas = count;
      if (const auto id = problem.find_service(service_name)) {
        const model::Service& service = problem.service(*id);
        entry.image = service.image;
        entry.command = service.command;
        entry.env = service.env;
        entry.ports.assign(service.ports.begin(), service.ports.end());
        for (std::size_t r = 0; r < problem.resources.size() && r < service.request.size(); ++r)
          entry.request[problem.resources[r]] = service.request[r];
      }
      message.services.push_back(std::move(entry));
    }
  }
  return result;
}

}  // namespace berth::coordinator
