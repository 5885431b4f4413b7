// berthctl: the operator's command line. Flags in, one command function out; see
// commands.hpp for what each command does and the exit codes.
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

#include "coordinator/berthctl/commands.hpp"

namespace {

using berth::berthctl::kExitBadInput;
using berth::berthctl::kExitFailure;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Where the live commands find the coordinator's API when neither --coordinator nor
// BERTH_COORDINATOR says: berth-coordinator's default --api-listen.
constexpr const char* kDefaultCoordinator = "http://127.0.0.1:7070";

void add_live_options(CLI::App& command, berth::berthctl::LiveOptions& options) {
  options.coordinator = kDefaultCoordinator;
  command.add_option("--coordinator", options.coordinator, "the coordinator's API, http://HOST:PORT")
      ->envname("BERTH_COORDINATOR")
      ->default_str(kDefaultCoordinator);
  command.add_flag("--json", options.json, "print the coordinator's JSON answer instead of tables");
}

void add_spec_files(CLI::App& command, std::string& cluster, std::string& services) {
  command.add_option("--cluster", cluster, "cluster file: nodes, capacity, labels, taints (YAML)")->required();
  command.add_option("--services", services, "services file: services, rules, rollout, objective (YAML)")->required();
}

int run(int argc, char** argv) {
  CLI::App app{"berthctl: place containers on a berth cluster by optimization"};
  app.set_version_flag("--version", "berthctl " BERTH_VERSION);
  app.require_subcommand(1);

  berth::berthctl::SolveCommand solve;
  CLI::App* solve_app = app.add_subcommand("solve", "solve a placement offline from spec files and report it");
  add_spec_files(*solve_app, solve.cluster_path, solve.services_path);
  solve_app->add_flag("--json", solve.json, "print one JSON object instead of tables");
  solve_app->add_option("--seed", solve.seed, "random seed; the same input and seed give the same placement");
  solve_app->add_option("--time-limit", solve.time_limit_seconds, "stop after this many seconds")
      ->check(CLI::NonNegativeNumber);
  solve_app->add_option("--gap", solve.gap_target, "stop once (objective - bound) / objective is this small")
      ->check(CLI::NonNegativeNumber);
  solve_app->add_option("--max-rounds", solve.max_rounds, "most price rounds")->check(CLI::PositiveNumber);

  berth::berthctl::ValidateCommand validate;
  CLI::App* validate_app = app.add_subcommand("validate", "check spec files without solving");
  add_spec_files(*validate_app, validate.cluster_path, validate.services_path);

  berth::berthctl::ApplyCommand apply;
  CLI::App* apply_app = app.add_subcommand("apply", "apply a services file on the coordinator: solve and make it the target");
  apply_app->add_option("-f,--file", apply.services_path, "services file (YAML)")->required();
  add_live_options(*apply_app, apply.live);

  berth::berthctl::PlanCommand plan;
  CLI::App* plan_app =
      app.add_subcommand("plan", "dry run on the coordinator: the moves per node, objective, bound and gap");
  plan_app->add_option("-f,--file", plan.services_path, "services file (YAML)")->required();
  add_live_options(*plan_app, plan.live);

  berth::berthctl::LiveOptions status;
  CLI::App* status_app = app.add_subcommand("status", "the coordinator's nodes by health and its current target");
  add_live_options(*status_app, status);

  berth::berthctl::LiveOptions nodes;
  CLI::App* nodes_app = app.add_subcommand("nodes", "the registered nodes: health, target usage and replicas");
  add_live_options(*nodes_app, nodes);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (solve_app->parsed()) return berth::berthctl::run_solve(solve, steady_seconds, std::cout, std::cerr);
  if (validate_app->parsed()) return berth::berthctl::run_validate(validate, std::cout, std::cerr);
  if (apply_app->parsed()) return berth::berthctl::run_apply(apply, std::cout, std::cerr);
  if (plan_app->parsed()) return berth::berthctl::run_plan(plan, std::cout, std::cerr);
  if (status_app->parsed()) return berth::berthctl::run_status(status, std::cout, std::cerr);
  if (nodes_app->parsed()) return berth::berthctl::run_nodes(nodes, std::cout, std::cerr);
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  // The shell is the one place exceptions may surface; report them instead of aborting.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "berthctl: " << e.what() << '\n';
    return kExitFailure;
  }
}
