#pragma once
// The hard per-node rules of the model, in one place: which nodes may host a service and
// how many replicas at most. The optimizer, the checker and the baselines all use these,
// so "eligible" means the same thing everywhere.
#include <cstdint>
#include <string>
#include <vector>

#include "common/model/problem.hpp"

namespace berth::model {

// Taint effects that keep out services which do not tolerate them.
bool taint_is_hard(const std::string& taint);

// The node satisfies one node-affinity expression.
bool matches(const Node& node, const NodeAffinity& affinity);

// Selector labels all match, every node-affinity expression holds, every hard taint is tolerated, the spread key (if any) and
// every near rule's key are labels of the node, and the node is not lost. Cordoned nodes are eligible: they keep
// what runs there but take nothing new (see replica_limit).
bool is_eligible(const Node& node, const Service& service);

// Services with equal keys are eligible on the same nodes (the key covers everything
// is_eligible reads of a service), so callers can decide eligibility once per key.
std::string eligibility_key(const Service& service);

// Most replicas of `service` that `node` may host, from the per-node rules alone
// (eligibility, max_per_node, cordon, the service's replica count); capacity and avoid
// are left to the caller.
int replica_limit(const Problem& problem, NodeId node, ServiceId service);

// Transient resource `resource` on `node`: what its running replicas hold now, and the
// most the node may hold during a change, max(capacity, held) (see Rollout::transient).
// Both 0 on a lost node, whose replicas are gone.
std::int64_t transient_held(const Problem& problem, const Node& node, int resource);
std::int64_t transient_limit(const Problem& problem, const Node& node, int resource);

// avoid is symmetric: conflicts[s] lists every t with s in t.avoid or t in s.avoid.
std::vector<std::vector<ServiceId>> avoid_conflicts(const Problem& problem);

// Spread domains of a service: the distinct values of its spread key among eligible nodes,
// sorted, and for each node its domain index (-1 where not eligible).
struct SpreadDomains {
  std::vector<std::string> names;
  std::vector<int> domain_of_node;
};
SpreadDomains spread_domains(const Problem& problem, ServiceId service);

}  // namespace berth::model
