#include "coordinator/berthctl/commands.hpp"

#include <algorithm>
#include <ostream>

#include "common/model/evaluate.hpp"
#include "common/optimizer/solve.hpp"
#include "common/spec/spec.hpp"
#include "coordinator/berthctl/solve_report.hpp"

namespace berth::berthctl {
namespace {

int exit_code_for(const Error& error) {
  return error.code == ErrorCode::io || error.code == ErrorCode::invalid_spec ? kExitBadInput : kExitFailure;
}

}  // namespace

int run_solve(const SolveCommand& command, const Clock& clock, std::ostream& out, std::ostream& err) {
  const auto problem = spec::load_problem(command.cluster_path, command.services_path);
  if (!problem) {
    err << problem.error().message << '\n';
    return exit_code_for(problem.error());
  }

  optimizer::SolveOptions options;
  if (command.seed) options.seed = *command.seed;
  if (command.gap_target) options.gap_target = *command.gap_target;
  if (command.max_rounds) options.max_rounds = *command.max_rounds;
  if (command.time_limit_seconds) options.time_limit_seconds = *command.time_limit_seconds;
  const double start = clock();
  options.elapsed_seconds = [&clock, start] { return clock() - start; };
  const optimizer::Solution solution = optimizer::solve(problem.value(), options);
  const double seconds = clock() - start;

  // The optimizer is checked by the model's independent checker before anyone sees
  // its answer: a placement that breaks a hard rule is never reported as a plan.
  SolveReport report{problem.value(), solution, seconds, model::check(problem.value(), solution.placement)};
  const bool malformed = std::any_of(report.violations.begin(), report.violations.end(), [](const model::Violation& v) {
    return v.kind == model::ViolationKind::bad_count;
  });
  if (malformed) {
    // The placement does not even fit the problem's shape; the report would misread it.
    for (const auto& violation : report.violations)
      err << "violation: " << model::to_string(violation.kind) << ": " << violation.detail << '\n';
    return kExitViolation;
  }
  if (command.json) {
    out << to_json(report).dump(2) << '\n';
  } else {
    out << format_report(report);
  }
  if (!report.violations.empty()) {
    err << "error: the placement breaks " << report.violations.size() << " hard rule(s):\n";
    for (const auto& violation : report.violations)
      err << "violation: " << model::to_string(violation.kind) << ": " << violation.detail << '\n';
    return kExitViolation;
  }
  return kExitOk;
}

int run_validate(const ValidateCommand& command, std::ostream& out, std::ostream& err) {
  const auto problem = spec::load_problem(command.cluster_path, command.services_path);
  if (!problem) {
    err << problem.error().message << '\n';
    return exit_code_for(problem.error());
  }
  long long replicas = 0;
  for (const auto& service : problem.value().services) replicas += service.replicas;
  out << "ok: " << problem.value().nodes.size() << " nodes, " << problem.value().services.size() << " services, "
      << replicas << " replicas\n";
  return kExitOk;
}

}  // namespace berth::berthctl
