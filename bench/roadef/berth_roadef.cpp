// berth-roadef: the ROADEF/EURO 2012 machine reassignment challenge with the challenge's
// own command line. Reads the model and the initial assignment, improves it with berth's
// reassignment search (common/optimizer/reassignment.hpp) within the time limit, writes the
// solution file, and prints key: value lines for scripts/roadef-results.sh:
//
//   berth-roadef -t 10 -p model_a1_1.txt -i assignment_a1_1.txt -o sol.txt -s 1
//   instance: a1_1
//   initial_cost: 49528750
//   objective: 44306501
//   ...
//
// Exit status: 0 on a valid solution, 1 when the checker finds a broken hard rule in the
// solution written, 2 on unreadable or invalid input (an initial assignment that already
// breaks a rule included), 64 on a bad command line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench/roadef/checker.hpp"
#include "bench/roadef/command_line.hpp"
#include "bench/roadef/lp_bound.hpp"
#include "bench/roadef/reader.hpp"
#include "common/optimizer/reassignment.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Enough for the ascent to level off on set A (about a millisecond each there); on the
// largest B instances an iteration takes a tenth of a second, so time caps it there.
constexpr int kLagrangianIterations = 1000;
constexpr double kLagrangianSeconds = 10;

// "model_a1_1.txt" → "a1_1", the name the challenge's results use.
std::string instance_name(const std::string& model_path) {
  std::string name = std::filesystem::path(model_path).stem().string();
  if (name.rfind("model_", 0) == 0) name.erase(0, 6);
  return name;
}

int run(const berth::roadef::CommandLine& line, Clock::time_point started) {
  const auto elapsed = [started] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  auto problem = berth::roadef::read_instance(line.model_path, line.assignment_path);
  if (!problem) {
    std::cerr << "berth-roadef: " << problem.error().message << "\n";
    return 2;
  }
  const auto initial_violations = berth::roadef::check(*problem, problem->initial, 5);
  if (!initial_violations.empty()) {
    std::cerr << "berth-roadef: the initial assignment " << line.assignment_path << " breaks hard rules:\n";
    for (const auto& v : initial_violations) std::cerr << "  " << v << "\n";
    return 2;
  }

  const double simple_bound = berth::optimizer::reassignment_simple_bound(*problem);

  // Keep a margin for writing and checking the solution: the challenge's limit is wall
  // time for the whole run.
  const double margin = std::min(1.0, 0.02 * line.time_limit_seconds + 0.05);
  const auto result = berth::optimizer::improve_reassignment(
      *problem, problem->initial,
      {.seed = line.seed, .elapsed_seconds = elapsed, .time_limit_seconds = line.time_limit_seconds - margin});

  if (auto written = berth::roadef::write_solution(line.solution_path, result.assignment); !written) {
    std::cerr << "berth-roadef: " << written.error().message << "\n";
    return 2;
  }
  // The official figures come from the independent checker, not from the search's own
  // bookkeeping; a disagreement is a bug and is reported as one.
  const auto violations = berth::roadef::check(*problem, result.assignment);
  const auto cost = berth::roadef::evaluate(*problem, result.assignment);
  const auto initial = berth::roadef::evaluate(*problem, problem->initial);
  const double seconds = elapsed();
  // After the solution is written: the relaxation is a report, not part of the run the
  // challenge times.
  const double lagrangian_bound = berth::optimizer::reassignment_lagrangian_bound(
      *problem, {.upper_bound = static_cast<double>(cost.total()),
                 .max_iterations = kLagrangianIterations,
                 .elapsed_seconds = elapsed,
                 .time_limit_seconds = seconds + kLagrangianSeconds});
  berth::roadef::LpBound lp;
  if (line.bound_seconds > 0) lp = berth::roadef::lp_bound(*problem, {.time_limit_seconds = line.bound_seconds});
  const double lower_bound = std::max({simple_bound, lagrangian_bound, lp.solved ? lp.value : 0.0});

  std::cout << "instance: " << instance_name(line.model_path) << "\n"
            << "initial_cost: " << initial.total() << "\n"
            << "objective: " << cost.total() << "\n"
            << "load_cost: " << cost.load << "\n"
            << "balance_cost: " << cost.balance << "\n"
            << "process_move_cost: " << cost.process_move << "\n"
            << "service_move_cost: " << cost.service_move << "\n"
            << "machine_move_cost: " << cost.machine_move << "\n"
            << "lagrangian_bound: " << static_cast<long long>(lagrangian_bound) << "\n"
            << "simple_bound: " << static_cast<long long>(simple_bound) << "\n"
            << "lp_bound: " << (lp.solved ? std::to_string(static_cast<long long>(lp.value)) : std::string("-")) << "\n"
            << "lp_bound_seconds: " << lp.seconds << "\n"
            << "lower_bound: " << static_cast<long long>(lower_bound) << "\n"
            << "iterations: " << result.iterations << "\n"
            << "moves_applied: " << result.moves_applied << "\n"
            << "repacks: " << result.repacks << " (" << result.repacks_improving << " improving)\n"
            << "seconds: " << seconds << "\n"
            << "valid: " << (violations.empty() ? "yes" : "no") << "\n";
  int status = 0;
  for (const auto& v : violations) {
    std::cerr << "berth-roadef: violation: " << v << "\n";
    status = 1;
  }
  if (cost.total() != result.cost.total()) {
    std::cerr << "berth-roadef: the search's cost " << result.cost.total() << " differs from the checker's "
              << cost.total() << "\n";
    status = 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const auto started = Clock::now();
  const auto line = berth::roadef::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!line) {
    std::cerr << "berth-roadef: " << line.error().message << "\n";
    return 64;
  }
  if (line.value().print_name) {
    std::cout << berth::roadef::kTeamName << "\n";
    return 0;
  }
  return run(line.value(), started);
}
