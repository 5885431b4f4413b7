#include "common/optimizer/diagnose.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "common/model/rules.hpp"

namespace berth::optimizer {
namespace {

// The first rule that keeps `node` from hosting one more replica of `service`.
std::string blocker(const WorkingPlacement& wp, std::size_t n, std::uint32_t s) {
  const Instance& inst = wp.instance();
  const auto& problem = *inst.problem;
  const auto& node = problem.nodes[n];
  const auto& service = problem.services[s];
  if (node.state == model::NodeState::lost) return "node lost";
  for (const auto& [key, value] : service.node_selector) {
    const auto it = node.labels.find(key);
    if (it == node.labels.end() || it->second != value) return "didn't match node_selector";
  }
  for (const auto& affinity : service.node_affinity)
    if (!model::matches(node, affinity)) return "didn't match node_affinity " + affinity.key;
  for (const auto& taint : node.taints)
    if (model::taint_is_hard(taint) &&
        std::find(service.tolerations.begin(), service.tolerations.end(), taint) == service.tolerations.end())
      return "untolerated taint " + taint;
  if (service.spread && !node.labels.contains(service.spread->key)) return "no " + service.spread->key + " label";
  for (const auto& rule : service.near)
    if (!node.labels.contains(rule.key)) return "no " + rule.key + " label";
  if (node.state == model::NodeState::cordoned) return "cordoned";
  for (const auto t : inst.conflicts[s])
    if (wp.count(n, t) > 0) return "runs " + problem.services[t].name + " (avoid)";
  if (service.max_per_node > 0 && wp.count(n, s) >= service.max_per_node) return "max_per_node reached";
  if (wp.spread_room(n, s) <= 0) {
    const auto& rule = *service.spread;
    if (rule.min_domains > inst.domain_count[s])
      return "spread needs min_domains " + std::to_string(rule.min_domains) + " but only " +
             std::to_string(inst.domain_count[s]) + " " + rule.key + " domains are eligible";
    if (rule.max_skew == model::kAnySkew)
      return "spread over " + rule.key + " needs replicas in min_domains " + std::to_string(rule.min_domains) + " domains";
    if (rule.min_domains > 0)
      return "spread over " + rule.key + " would exceed max_skew " + std::to_string(rule.max_skew) +
             " or leave fewer than min_domains " + std::to_string(rule.min_domains) + " domains";
    return "spread over " + rule.key + " would exceed max_skew " + std::to_string(rule.max_skew);
  }
  for (const auto k : inst.near_rules_of[s]) {
    const auto& rule = inst.near[k];
    if (rule.dependent == s && rule.target != s && wp.near_targets(k, n) == 0)
      return "no " + problem.services[rule.target].name + " in " + rule.label + " " + node.labels.at(rule.label) + " (near)";
  }
  for (int r = 0; r < inst.dims; ++r) {
    const std::int64_t need = inst.req(s)[r];
    if (need > 0 && wp.used_resources(n)[r] + need > inst.cap(n)[r]) return "insufficient " + problem.resources[r];
  }
  // Capacity fits: what blocks is a transient resource still held by replicas moving away.
  if (wp.room_by_capacity(n, s) == 0)
    for (std::size_t j = 0; j < inst.transient.size(); ++j)
      if (const int r = inst.transient[j]; inst.req(s)[r] > wp.transient_room(n, j))
        return problem.resources[r] + " held by replicas moving away";
  return "";
}

}  // namespace

std::string explain_unplaced(const WorkingPlacement& wp, std::uint32_t s) {
  const std::size_t node_count = wp.instance().node_count();
  std::map<std::string, int> reasons;
  int open = 0;
  for (std::size_t n = 0; n < node_count; ++n) {
    const std::string why = blocker(wp, n, s);
    if (why.empty()) {
      ++open;
    } else {
      ++reasons[why];
    }
  }
  std::vector<std::pair<std::string, int>> sorted(reasons.begin(), reasons.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text = std::to_string(open) + "/" + std::to_string(node_count) + " nodes can take another replica";
  if (open > 0) text += " (placing it there would cost more than leaving it unplaced)";
  if (!sorted.empty()) text += ":";
  for (std::size_t i = 0; i < sorted.size(); ++i)
    text += (i == 0 ? " " : ", ") + std::to_string(sorted[i].second) + " " + sorted[i].first;
  return text;
}

}  // namespace berth::optimizer
