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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (solve_app->parsed()) return berth::berthctl::run_solve(solve, steady_seconds, std::cout, std::cerr);
  if (validate_app->parsed()) return berth::berthctl::run_validate(validate, std::cout, std::cerr);
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
