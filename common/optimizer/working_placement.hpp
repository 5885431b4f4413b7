#pragma once
// A mutable placement with everything the primal side needs at hand: each node's used
// resources, hosted replica counts, each service's count per spread domain, and exact
// node-separable costs, so a move's effect on the objective and the rules costs
// O(replica types on the two nodes), not a full re-evaluation.
#include <cstdint>
#include <map>
#include <vector>

#include "common/model/problem.hpp"
#include "common/optimizer/instance.hpp"

namespace berth::optimizer {

class WorkingPlacement {
 public:
  explicit WorkingPlacement(const Instance& instance);

  int count(std::size_t node, std::uint32_t service) const;
  int placed(std::uint32_t service) const { return placed_[service]; }
  int unplaced(std::uint32_t service) const { return instance_->replicas[service] - placed_[service]; }
  bool used(std::size_t node) const { return !hosted_[node].empty(); }
  const std::int64_t* used_resources(std::size_t node) const { return &used_[node * instance_->dims]; }
  const std::vector<model::ServiceCount>& hosted(std::size_t node) const { return hosted_[node]; }

  // Most replicas the per-node rules allow (limit minus what is there; 0 if avoided).
  int room_by_rules(std::size_t node, std::uint32_t service) const;
  // Most replicas that fit in free capacity, transient resources included: a replica
  // coming back where it runs now needs no transient room, any other needs it on top of
  // what the replicas moving away still hold.
  std::int64_t room_by_capacity(std::size_t node, std::uint32_t service) const;
  // Room left on the node's j-th transient resource (Instance::transient) for a replica
  // that does not run there now.
  std::int64_t transient_room(std::size_t node, std::size_t j) const;
  // Spread: the service's counts per domain are within max_skew and at least
  // min(min_domains, placed) domains hold one now (true without spread).
  bool spread_ok(std::uint32_t service) const;
  // Spread headroom for adding in node's domain: min over domains + max_skew − this
  // domain, and while fewer than min_domains domains are occupied, what keeps
  // occupied ≥ placed.
  int spread_room(std::size_t node, std::uint32_t service) const;
  // Near rules: whether the node's domain of each rule's key holds the service's targets
  // (false where the node lacks the label).
  bool near_room(std::size_t node, std::uint32_t service) const;
  // Every near rule the service is the dependent or the target of holds.
  bool near_ok(std::uint32_t service) const;
  // Replicas of near rule k's target in node's domain of the rule's key (0 without the label).
  int near_targets(std::size_t rule, std::size_t node) const;
  // spread_ok and near_ok: what a move of this service's replicas must keep.
  bool rules_ok(std::uint32_t service) const { return spread_ok(service) && near_ok(service); }
  bool can_add(std::size_t node, std::uint32_t service, int k = 1) const;

  void add(std::size_t node, std::uint32_t service, int k = 1);
  void remove(std::size_t node, std::uint32_t service, int k = 1);

  double node_cost(std::size_t node) const;  // node-separable objective terms of one node
  double fill(std::size_t node) const;       // mean utilisation over dimensions with capacity
  double unplaced_cost() const;
  // The terms no node owns: service_move weight · the most replicas one service moves
  // away. A move's change of objective is its nodes' change of node_cost plus this one's.
  double global_cost() const { return instance_->service_move_weight * static_cast<double>(most_moved()); }
  std::int64_t moved(std::uint32_t service) const { return moved_.empty() ? 0 : moved_[service]; }
  std::int64_t most_moved() const { return services_moving_.empty() ? 0 : services_moving_.rbegin()->first; }
  int services_moving_most() const { return services_moving_.empty() ? 0 : services_moving_.rbegin()->second; }
  int running(std::size_t node, std::uint32_t service) const;  // replicas running there now
  double objective() const;  // Σ node costs + unplaced penalties + global cost: equals model::evaluate

  model::Placement to_placement() const;
  static WorkingPlacement from_placement(const Instance& instance, const model::Placement& placement);

  const Instance& instance() const { return *instance_; }

 private:
  const Instance* instance_;
  std::vector<std::int64_t> used_;                      // node × dims
  std::vector<std::vector<model::ServiceCount>> hosted_;  // per node, sorted
  std::vector<int> placed_;                             // per service
  std::vector<std::vector<int>> domain_counts_;         // per service with spread
  std::vector<int> occupied_;                           // domains holding a replica, per service
  // Per near rule and value of its key: replicas of the dependent and of the target there.
  std::vector<std::vector<int>> near_dependent_;
  std::vector<std::vector<int>> near_target_;
  // node × transient resources: what replicas moving away from the node still hold there.
  std::vector<std::int64_t> held_;
  // Only with a service move weight: replicas each service moves away, and how many
  // services move each number of replicas (a map: running counts may be huge).
  std::vector<std::int64_t> moved_;
  std::map<std::int64_t, int> services_moving_;

  void hold(std::size_t node, std::uint32_t service, int before, int after);
  void count_moved(std::size_t node, std::uint32_t service, int before, int after);
  void count_near(std::size_t node, std::uint32_t service, int delta);
};

}  // namespace berth::optimizer
