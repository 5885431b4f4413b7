// ClusterState: the registry, plan, apply, re-solves after nodes change, the injected
// solve and clock. Time is a fake clock the tests advance; no threads, no sleeps.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "coordinator/state/cluster_state.hpp"

namespace berth::coordinator {
namespace {

using std::chrono::seconds;

struct FakeClock {
  TimePoint now{};
  Clock clock() {
    return [this] { return now; };
  }
};

NodeReport a_node(const std::string& name, std::int64_t cpu_millis = 4000) {
  return NodeReport{.name = name,
                    .labels = {{"zone", "z-" + name}},
                    .capacity = {{"cpu", cpu_millis}, {"memory", 8 * model::kGiB}}};
}

const char* const kWeb = R"(services:
  web:
    image: nginx
    replicas: 2
    resources: {cpu: 1, memory: 1Gi}
)";

const char* const kWebAndDb = R"(services:
  web:
    image: nginx
    replicas: 2
    resources: {cpu: 1, memory: 1Gi}
  db:
    image: postgres
    resources: {cpu: 1, memory: 1Gi}
)";

int total(const NamedPlacement& placement, const std::string& service) {
  int sum = 0;
  for (const auto& [node, services] : placement) {
    const auto it = services.find(service);
    if (it != services.end()) sum += it->second;
  }
  return sum;
}

class ClusterStateTest : public ::testing::Test {
 protected:
  ClusterStateOptions options() {
    return ClusterStateOptions{
        .solve_options = {.seed = 3},
        .liveness = {.heartbeat_interval = std::chrono::milliseconds(1000), .suspect_after_missed = 3},
        .clock = fake.clock(),
        .on_resolve_needed = [this](const std::string& reason) { resolve_reasons.push_back(reason); },
        .on_commit = [this](const Target& target) { commits.push_back(target.version); },
    };
  }
  FakeClock fake;
  std::vector<std::string> resolve_reasons;
  std::vector<std::uint64_t> commits;
};

TEST_F(ClusterStateTest, PlanReportsMovesWithoutChangingAnything) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  ASSERT_TRUE(state.report_node(a_node("n2")).ok());

  const auto plan = state.plan(kWeb, "services.yaml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(total(plan->placement, "web"), 2);
  EXPECT_EQ(plan->replicas_started, 2);
  EXPECT_EQ(plan->replicas_stopped, 0);
  EXPECT_EQ(plan->nodes_total, 2);
  EXPECT_GE(plan->objective, plan->lower_bound);
  EXPECT_FALSE(state.target().has_value()) << "a plan is a dry run";
  EXPECT_TRUE(commits.empty());
  EXPECT_EQ(state.metrics().solves_total(), 1u);
}

TEST_F(ClusterStateTest, ApplyStoresTheTargetAndLaterPlansCountFromIt) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  ASSERT_TRUE(state.report_node(a_node("n2")).ok());

  const auto applied = state.apply(kWeb, "services.yaml");
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->version, 1u);
  EXPECT_EQ(applied->kind, SolveKind::apply);
  EXPECT_EQ(applied->reason, "apply services.yaml");
  EXPECT_EQ(commits, (std::vector<std::uint64_t>{1}));
  ASSERT_TRUE(state.target().has_value());
  EXPECT_EQ(total(state.target()->summary.placement, "web"), 2);

  // The same file again moves nothing: the target is what runs now.
  const auto again = state.plan(kWeb, "services.yaml");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->moves.empty());
  EXPECT_EQ(again->placement, applied->summary.placement);

  // target_for gives one node's part, for the agent that runs it.
  int sum = 0;
  for (const std::string node : {"n1", "n2"}) {
    const auto part = state.target_for(node);
    EXPECT_EQ(part, applied->summary.placement.at(node));
    for (const auto& [service, count] : part) sum += count;
  }
  EXPECT_EQ(sum, 2);
  EXPECT_TRUE(state.target_for("nowhere").empty());
}

TEST_F(ClusterStateTest, ABadSpecIsRefusedAndTheTargetStays) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  ASSERT_TRUE(state.apply(kWeb, "services.yaml").ok());

  const auto bad = state.apply("services:\n  web:\n    image: x\n    replica: 3\n", "bad.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_spec);
  EXPECT_EQ(bad.error().message, "bad.yaml:4:5: unknown key 'replica' in service 'web' (did you mean 'replicas'?)");
  ASSERT_TRUE(state.target().has_value());
  EXPECT_EQ(state.target()->version, 1u);
  EXPECT_EQ(state.target()->services_name, "services.yaml");
}

TEST_F(ClusterStateTest, AServiceDroppedFromTheFileIsStopped) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  const auto first = state.apply(kWebAndDb, "services.yaml");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(total(first->summary.placement, "db"), 1);

  const auto plan = state.plan(kWeb, "services.yaml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->moves.size(), 1u);
  EXPECT_EQ(plan->moves[0].node, "n1");
  EXPECT_TRUE(plan->moves[0].start.empty());
  EXPECT_EQ(plan->moves[0].stop, (std::vector<ServiceDelta>{{"db", 1}}));
}

TEST_F(ClusterStateTest, ReportedRunningReplicasAreTheStartingPoint) {
  ClusterState state(options());
  NodeReport n1 = a_node("n1");
  n1.running = {{"web", 2}, {"old", 1}};
  ASSERT_TRUE(state.report_node(n1).ok());
  ASSERT_TRUE(state.report_node(a_node("n2")).ok());

  const auto plan = state.plan(kWeb, "services.yaml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  // Moving costs migration, so web stays where it runs; "old" is not in the file.
  EXPECT_EQ(plan->placement.at("n1").at("web"), 2);
  ASSERT_EQ(plan->moves.size(), 1u);
  EXPECT_EQ(plan->moves[0].stop, (std::vector<ServiceDelta>{{"old", 1}}));
}

TEST_F(ClusterStateTest, ALostNodeAsksForAResolveThatReplacesItsReplicas) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  ASSERT_TRUE(state.report_node(a_node("n2")).ok());
  const auto applied = state.apply(kWeb, "services.yaml");
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  // Which node hosts web is the optimizer's choice; make the other one die.
  const std::string host = applied->summary.placement.at("n1").empty() ? "n2" : "n1";
  const std::string survivor = host == "n1" ? "n2" : "n1";

  fake.now += seconds(2);
  ASSERT_TRUE(state.report_node(a_node(survivor)).ok());  // heartbeat
  fake.now += seconds(2);                                  // host silent 4 s > 3 × 1 s
  EXPECT_TRUE(state.sweep().empty());
  EXPECT_EQ(state.snapshot().nodes[host == "n1" ? 0 : 1].health, Health::suspect);
  EXPECT_FALSE(state.needs_resolve()) << "a suspect node keeps its replicas";

  ASSERT_TRUE(state.report_node(a_node(survivor)).ok());
  fake.now += seconds(3);  // host silent 7 s > 6 s
  EXPECT_EQ(state.sweep(), (std::vector<std::string>{host}));
  EXPECT_TRUE(state.needs_resolve());
  EXPECT_EQ(resolve_reasons, (std::vector<std::string>{"node " + host + " lost"}));

  const auto resolved = state.resolve("node " + host + " lost");
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->version, 2u);
  EXPECT_EQ(resolved->kind, SolveKind::resolve);
  EXPECT_FALSE(state.needs_resolve());
  EXPECT_EQ(resolved->summary.placement.count(host), 0u) << "a lost node is not in the solve";
  EXPECT_EQ(resolved->summary.placement.at(survivor).at("web"), 2);
  EXPECT_EQ(resolved->summary.replicas_started, 2) << "re-placed on the survivor";
}

TEST_F(ClusterStateTest, ANodeJoiningAsksForAResolveOnlyOnceServicesAreApplied) {
  ClusterState state(options());
  ASSERT_EQ(*state.report_node(a_node("n1", 500)), NodeChange::joined);
  EXPECT_TRUE(resolve_reasons.empty());
  const auto applied = state.apply(kWeb, "services.yaml");
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->summary.replicas_unplaced, 2) << "half a core hosts no 1-core replica";

  ASSERT_EQ(*state.report_node(a_node("n2")), NodeChange::joined);
  EXPECT_EQ(resolve_reasons, (std::vector<std::string>{"node n2 joined"}));
  EXPECT_EQ(*state.report_node(a_node("n2")), NodeChange::updated);
  EXPECT_EQ(resolve_reasons.size(), 1u) << "a heartbeat with the same report asks for nothing";

  const auto resolved = state.resolve("node n2 joined");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->summary.replicas_unplaced, 0);
}

TEST_F(ClusterStateTest, ResolveWithNothingAppliedIsAnError) {
  ClusterState state(options());
  const auto resolved = state.resolve("why not");
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code, ErrorCode::invalid_argument);
}

TEST_F(ClusterStateTest, StaticNodesNeverExpire) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("s1"), NodeSource::static_file).ok());
  ASSERT_TRUE(state.report_node(a_node("a1")).ok());
  fake.now += std::chrono::hours(1);
  EXPECT_EQ(state.sweep(), (std::vector<std::string>{"a1"}));
  const auto nodes = state.nodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].report.name, "a1");
  EXPECT_EQ(nodes[0].health, Health::lost);
  EXPECT_EQ(nodes[1].health, Health::alive);
  EXPECT_NE(state.metrics().render().find("berth_nodes{health=\"lost\"} 1\n"), std::string::npos);
}

TEST_F(ClusterStateTest, InvalidReportsAreRefused) {
  ClusterState state(options());
  NodeReport negative = a_node("n1");
  negative.capacity["cpu"] = -1;
  const auto refused = state.report_node(negative);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "node 'n1': negative cpu capacity -1");
  EXPECT_FALSE(state.report_node(NodeReport{}).ok());
  NodeReport soft_above = a_node("n3");
  soft_above.soft_capacity = {{"cpu", 5000}};
  EXPECT_EQ(state.report_node(soft_above).error().message, "node 'n3': soft cpu capacity 5000 outside 0..4000");
  NodeReport soft_unknown = a_node("n4");
  soft_unknown.soft_capacity = {{"gpu", 1}};
  EXPECT_EQ(state.report_node(soft_unknown).error().message, "node 'n4': soft capacity of gpu, which it has no capacity of");
  NodeReport bad_running = a_node("n2");
  bad_running.running = {{"web", -2}};
  EXPECT_FALSE(state.report_node(bad_running).ok());
  EXPECT_TRUE(state.nodes().empty());
}

// Nodes report a soft capacity of 2 of their 4 cpus; at overload_cost 10 four 1-cpu
// replicas are cheaper split over both nodes than packed on one (1 + 10 · 2/4 > 2).
TEST_F(ClusterStateTest, ReportedSoftCapacitiesReachTheSolve) {
  ClusterState state(options());
  for (const char* name : {"n1", "n2"}) {
    NodeReport node = a_node(name);
    node.soft_capacity = {{"cpu", 2000}};
    ASSERT_TRUE(state.report_node(node).ok());
  }
  const auto plan = state.plan(R"(services:
  web:
    image: nginx
    replicas: 4
    resources: {cpu: 1, memory: 1Gi}
objective: {overload_cost: 10}
)", "services.yaml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->placement.size(), 2u);
  for (const auto& [node, services] : plan->placement) EXPECT_EQ(services.at("web"), 2) << node;
}

TEST_F(ClusterStateTest, UsesTheInjectedSolveWithTheClockAsItsTimer) {
  ClusterStateOptions with_fake = options();
  int calls = 0;
  double elapsed_seen = -1;
  with_fake.solve_options.time_limit_seconds = 5;
  with_fake.solve = [&](const model::Problem& problem, const optimizer::SolveOptions& solve_options) {
    ++calls;
    fake.now += std::chrono::milliseconds(250);  // the solve "takes" 0.25 s
    elapsed_seen = solve_options.elapsed_seconds();
    EXPECT_EQ(solve_options.time_limit_seconds, 5);
    EXPECT_EQ(solve_options.seed, 3u);
    optimizer::Solution solution;  // everything unplaced: valid, if poor
    solution.status = optimizer::SolveStatus::infeasible;
    solution.placement = model::Placement::empty_for(problem);
    solution.objective = 2000;
    solution.lower_bound = 1000;
    solution.gap = 0.5;
    solution.rounds = 7;
    return solution;
  };
  ClusterState state(with_fake);
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  const auto applied = state.apply(kWeb, "services.yaml");
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(elapsed_seen, 0.25);
  EXPECT_DOUBLE_EQ(applied->summary.seconds, 0.25);
  EXPECT_EQ(applied->summary.rounds, 7);
  EXPECT_EQ(applied->summary.replicas_unplaced, 2);
  EXPECT_EQ(state.metrics().rounds_total(), 7u);
  const std::string metrics = state.metrics().render();
  EXPECT_NE(metrics.find("\nberth_gap 0.5\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nberth_unplaced_replicas 2\n"), std::string::npos) << metrics;
}

TEST_F(ClusterStateTest, APlacementBreakingAHardRuleIsNeverStored) {
  ClusterStateOptions broken = options();
  broken.solve = [](const model::Problem& problem, const optimizer::SolveOptions&) {
    optimizer::Solution solution;
    solution.placement = model::Placement::empty_for(problem);
    solution.placement.set(model::NodeId{0}, model::ServiceId{0}, 9);  // 9 cores on a 4-core node
    return solution;
  };
  ClusterState state(broken);
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  const auto applied = state.apply(kWeb, "services.yaml");
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::internal);
  EXPECT_NE(applied.error().message.find("capacity"), std::string::npos) << applied.error().message;
  EXPECT_FALSE(state.target().has_value());
  EXPECT_TRUE(commits.empty());
}

TEST_F(ClusterStateTest, ASolveThatThrowsIsAnErrorNotACrash) {
  ClusterStateOptions throwing = options();
  throwing.solve = [](const model::Problem&, const optimizer::SolveOptions&) -> optimizer::Solution {
    throw std::runtime_error("no agent answered");
  };
  ClusterState state(throwing);
  const auto plan = state.plan(kWeb, "services.yaml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message, "the solve failed: no agent answered");
}

TEST_F(ClusterStateTest, ASuspectNodeIsCordonedInSolves) {
  ClusterState state(options());
  ASSERT_TRUE(state.report_node(a_node("n1")).ok());
  fake.now += seconds(4);
  ASSERT_TRUE(state.report_node(a_node("n2")).ok());
  state.sweep();  // n1 suspect
  const auto plan = state.plan(kWeb, "services.yaml");
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->placement.at("n1").empty());
  EXPECT_EQ(plan->placement.at("n2").at("web"), 2);
}

}  // namespace
}  // namespace berth::coordinator
