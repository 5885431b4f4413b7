#include "coordinator/state/cluster_state.hpp"

#include <algorithm>
#include <exception>
#include <set>

#include "common/model/evaluate.hpp"
#include "common/spec/spec.hpp"

namespace berth::coordinator {
namespace {

double seconds_between(TimePoint from, TimePoint to) { return std::chrono::duration<double>(to - from).count(); }

// Whether two reports differ in anything the optimizer reads (not in what runs there,
// which changes with every target an agent carries out).
bool same_shape(const NodeReport& a, const NodeReport& b) {
  return a.labels == b.labels && a.capacity == b.capacity && a.soft_capacity == b.soft_capacity &&
         a.taints == b.taints && a.cost == b.cost &&
         a.cordoned == b.cordoned;
}

std::map<std::string, int> without_zeros(const std::map<std::string, int>& counts) {
  std::map<std::string, int> result;
  for (const auto& [service, count] : counts)
    if (count > 0) result.emplace(service, count);
  return result;
}

std::string describe(const std::vector<model::Violation>& violations) {
  std::string text;
  for (const model::Violation& violation : violations) {
    if (!text.empty()) text += "; ";
    text += std::string(model::to_string(violation.kind)) + ": " + violation.detail;
  }
  return text;
}

}  // namespace

const char* to_string(NodeChange change) {
  switch (change) {
    case NodeChange::joined: return "joined";
    case NodeChange::rejoined: return "rejoined";
    case NodeChange::updated: return "updated";
  }
  return "unknown";
}

ClusterState::ClusterState(ClusterStateOptions options) : options_(std::move(options)) {
  if (!options_.solve) {
    options_.solve = [](const model::Problem& problem, const optimizer::SolveOptions& solve_options) {
      return optimizer::solve(problem, solve_options);
    };
  }
  if (!options_.clock) options_.clock = [] { return std::chrono::steady_clock::now(); };
  metrics_.set_nodes(0, 0, 0);
}

Result<NodeChange> ClusterState::report_node(NodeReport report, NodeSource source) {
  const auto valid = validate(report);
  if (!valid) return valid.error();
  std::vector<std::string> reasons;
  NodeChange change = NodeChange::updated;
  {
    const std::lock_guard lock(mutex_);
    const TimePoint now = options_.clock();
    const std::string name = report.name;
    const auto it = nodes_.find(name);
    // Health counts change only when a node joins or comes back; a plain heartbeat
    // leaves them alone (recounting every node per heartbeat is quadratic per period).
    bool health_changed = true;
    if (it == nodes_.end()) {
      nodes_.emplace(name, NodeStatus{std::move(report), source, Health::alive, now, now});
      change = NodeChange::joined;
      request_resolve_locked("node " + name + " joined", reasons);
    } else {
      NodeStatus& status = it->second;
      const bool was_lost = status.health == Health::lost;
      health_changed = status.health != Health::alive;
      const bool reshaped = !same_shape(status.report, report);
      status.report = std::move(report);
      status.source = source;
      status.last_seen = now;
      status.health = Health::alive;
      if (was_lost) {
        status.registered_at = now;
        change = NodeChange::rejoined;
        request_resolve_locked("node " + name + " came back", reasons);
      } else if (reshaped) {
        request_resolve_locked("node " + name + " changed", reasons);
      }
      // A suspect node coming back needs no re-solve: it was only cordoned meanwhile.
    }
    if (health_changed) update_node_metrics_locked();
  }
  if (options_.on_resolve_needed)
    for (const std::string& reason : reasons) options_.on_resolve_needed(reason);
  return change;
}

std::vector<std::string> ClusterState::sweep() {
  std::vector<std::string> lost;
  std::vector<std::string> reasons;
  {
    const std::lock_guard lock(mutex_);
    const TimePoint now = options_.clock();
    for (auto& [name, status] : nodes_) {
      if (status.source != NodeSource::agent) continue;
      const Health health = health_at(status.last_seen, now, options_.liveness);
      // Health only worsens here; a report makes a node alive again.
      if (health <= status.health) continue;
      status.health = health;
      if (health == Health::lost) {
        lost.push_back(name);
        request_resolve_locked("node " + name + " lost", reasons);
      }
    }
    update_node_metrics_locked();
  }
  if (options_.on_resolve_needed)
    for (const std::string& reason : reasons) options_.on_resolve_needed(reason);
  return lost;
}

Result<SolveSummary> ClusterState::plan(std::string_view services_yaml, std::string_view services_name) {
  const std::lock_guard solve_lock(solve_mutex_);
  auto solved = solve(services_yaml, services_name, SolveKind::plan);
  if (!solved) return solved.error();
  return std::move(solved->summary);
}

Result<Target> ClusterState::apply(std::string_view services_yaml, std::string_view services_name) {
  const std::lock_guard solve_lock(solve_mutex_);
  return solve_and_commit(services_yaml, services_name, SolveKind::apply,
                          "apply " + std::string(services_name));
}

Result<Target> ClusterState::resolve(const std::string& reason) {
  const std::lock_guard solve_lock(solve_mutex_);
  std::string yaml;
  std::string name;
  {
    const std::lock_guard lock(mutex_);
    if (!target_) return Error{ErrorCode::invalid_argument, "nothing to re-solve: no services applied"};
    yaml = target_->services_yaml;
    name = target_->services_name;
  }
  return solve_and_commit(yaml, name, SolveKind::resolve, reason);
}

// Called with solve_mutex_ held.
Result<Target> ClusterState::solve_and_commit(std::string_view yaml, std::string_view name, SolveKind kind,
                                              const std::string& reason) {
  auto solved = solve(yaml, name, kind);
  if (!solved) return solved.error();
  Target committed;
  bool nodes_changed_meanwhile = false;
  {
    const std::lock_guard lock(mutex_);
    Target target;
    target.version = (target_ ? target_->version : 0) + 1;
    target.kind = kind;
    target.reason = reason;
    target.solved_at = options_.clock();
    target.services_name = std::string(name);
    target.services_yaml = std::string(yaml);
    target.problem = std::move(solved->problem);
    target.summary = std::move(solved->summary);
    target_ = std::move(target);
    nodes_changed_meanwhile = resolve_requests_ != solved->resolve_requests;
    needs_resolve_ = nodes_changed_meanwhile;
    committed = *target_;
  }
  if (options_.on_commit) options_.on_commit(committed);
  if (nodes_changed_meanwhile && options_.on_resolve_needed)
    options_.on_resolve_needed("nodes changed while solving");
  return committed;
}

// Called with solve_mutex_ held (and not mutex_).
Result<ClusterState::Solved> ClusterState::solve(std::string_view yaml, std::string_view name, SolveKind kind) {
  Input input;
  {
    const std::lock_guard lock(mutex_);
    input = input_locked();
  }
  auto problem = spec::parse_services(input.registered, yaml, name);
  if (!problem) return problem.error();

  optimizer::SolveOptions solve_options = options_.solve_options;
  const TimePoint start = options_.clock();
  const Clock clock = options_.clock;
  solve_options.elapsed_seconds = [clock, start] { return seconds_between(start, clock()); };
  optimizer::Solution solution;
  try {
    solution = options_.solve(*problem, solve_options);
  } catch (const std::exception& e) {
    return Error{ErrorCode::internal, std::string("the solve failed: ") + e.what()};
  }
  const double seconds = seconds_between(start, options_.clock());

  // Checked by the model's own checker before anyone sees it: a placement that breaks a
  // hard rule is never planned, stored or sent to agents.
  const std::vector<model::Violation> violations = model::check(*problem, solution.placement);
  if (!violations.empty())
    return Error{ErrorCode::internal, "the solve's placement breaks hard rules (a bug): " + describe(violations)};

  Solved solved;
  solved.summary = summarize(*problem, solution, seconds, input.before);
  solved.problem = std::move(*problem);
  solved.resolve_requests = input.resolve_requests;
  metrics_.record_solve(SolveFigures{.kind = kind,
                                     .seconds = seconds,
                                     .committed = kind != SolveKind::plan,
                                     .objective = solved.summary.objective,
                                     .lower_bound = solved.summary.lower_bound,
                                     .gap = solved.summary.gap,
                                     .rounds = solved.summary.rounds,
                                     .unplaced_replicas = solved.summary.replicas_unplaced,
                                     .nodes_used = solved.summary.nodes_used});
  return solved;
}

ClusterState::Input ClusterState::input_locked() const {
  Input input;
  input.resolve_requests = resolve_requests_;
  model::Problem& registered = input.registered;

  std::set<std::string> others;
  for (const auto& [name, status] : nodes_)
    for (const auto& [resource, amount] : status.report.capacity)
      if (resource != "cpu" && resource != "memory") others.insert(resource);
  registered.resources = {"cpu", "memory"};
  registered.resources.insert(registered.resources.end(), others.begin(), others.end());

  std::map<std::string, std::uint32_t> service_ids;
  for (const auto& [name, status] : nodes_) {
    if (status.health == Health::lost) continue;  // its replicas are gone, not moved
    model::Node node;
    node.name = name;
    node.labels = status.report.labels;
    node.taints = status.report.taints;
    node.cost = status.report.cost;
    node.state = status.report.cordoned || status.health == Health::suspect ? model::NodeState::cordoned
                                                                            : model::NodeState::ready;
    for (const std::string& resource : registered.resources) {
      const auto it = status.report.capacity.find(resource);
      node.capacity.push_back(it == status.report.capacity.end() ? 0 : it->second);
    }
    if (!status.report.soft_capacity.empty()) {
      node.soft_capacity = node.capacity;
      for (std::size_t r = 0; r < registered.resources.size(); ++r)
        if (const auto it = status.report.soft_capacity.find(registered.resources[r]); it != status.report.soft_capacity.end())
          node.soft_capacity[r] = it->second;
    }
    // What runs there: the current target once it includes this node (agents converge
    // to it), else what the node reports.
    std::map<std::string, int> now = status.report.running;
    if (target_) {
      const auto it = target_->summary.placement.find(name);
      if (it != target_->summary.placement.end()) now = it->second;
    }
    now = without_zeros(now);
    for (const auto& [service, count] : now) {
      const auto [id, inserted] = service_ids.emplace(service, static_cast<std::uint32_t>(service_ids.size()));
      if (inserted) registered.services.emplace_back().name = service;
      node.running.push_back({model::ServiceId{id->second}, count});
    }
    std::sort(node.running.begin(), node.running.end());
    input.before[name] = std::move(now);
    registered.nodes.push_back(std::move(node));
  }
  return input;
}

void ClusterState::request_resolve_locked(const std::string& reason, std::vector<std::string>& reasons) {
  ++resolve_requests_;
  if (!target_) return;  // the next apply sees the node anyway
  needs_resolve_ = true;
  reasons.push_back(reason);
}

void ClusterState::update_node_metrics_locked() {
  int alive = 0;
  int suspect = 0;
  int lost = 0;
  for (const auto& [name, status] : nodes_) {
    switch (status.health) {
      case Health::alive: ++alive; break;
      case Health::suspect: ++suspect; break;
      case Health::lost: ++lost; break;
    }
  }
  metrics_.set_nodes(alive, suspect, lost);
}

bool ClusterState::needs_resolve() const {
  const std::lock_guard lock(mutex_);
  return needs_resolve_;
}

Snapshot ClusterState::snapshot() const {
  const std::lock_guard lock(mutex_);
  Snapshot snapshot;
  for (const auto& [name, status] : nodes_) snapshot.nodes.push_back(status);
  snapshot.target = target_;
  snapshot.needs_resolve = needs_resolve_;
  return snapshot;
}

std::vector<NodeStatus> ClusterState::nodes() const {
  const std::lock_guard lock(mutex_);
  std::vector<NodeStatus> result;
  for (const auto& [name, status] : nodes_) result.push_back(status);
  return result;
}

std::optional<Target> ClusterState::target() const {
  const std::lock_guard lock(mutex_);
  return target_;
}

std::map<std::string, int> ClusterState::target_for(const std::string& node) const {
  const std::lock_guard lock(mutex_);
  if (!target_) return {};
  const auto it = target_->summary.placement.find(node);
  return it == target_->summary.placement.end() ? std::map<std::string, int>{} : it->second;
}

}  // namespace berth::coordinator
