#pragma once
// What each node must run under a committed target, as the `target` messages the agents
// receive: every node of the solved problem gets one, an empty one included (it stops
// whatever it runs), with what a runtime needs to start each service's replicas.
//
//   for (const auto& [node, message] : agent_targets(target)) link.send(node, encode(message));
#include <map>
#include <string>

#include "common/protocol/messages.hpp"
#include "coordinator/state/cluster_state.hpp"

namespace berth::coordinator {

std::map<std::string, protocol::Target> agent_targets(const Target& target);

}  // namespace berth::coordinator
