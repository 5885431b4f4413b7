#pragma once
// Who answers a round's prices. The round loop in solve.cpp hands every node
// class's subproblem, prices set, to a LocalSolvers and reads back one answer
// per class; it does not know whether they were solved here or by the agents
// over the network.
//
//   InProcessSolvers here;                        // berthctl solve, the
//   benchmarks solve(problem, options, here);                // ==
//   solve(problem, options)
//
//   class Networked : public LocalSolvers {...};  // berth-coordinator: asks
//   the agents, solve(problem, options, networked);           // solves itself
//   what arrives late
//
// Contract: answers[c] must be what solve_local(problems[c], options) returns.
// Members of a class have identical subproblems, so any member's answer is the
// class's; an implementation that keeps to this gives the same placement as the
// in-process one.
#include <vector>

#include "common/optimizer/instance.hpp"
#include "common/optimizer/local.hpp"

namespace berth::optimizer {

class LocalSolvers {
public:
  virtual ~LocalSolvers() = default;

  // Once per solve, before its first round: the instance and each class's
  // subproblem structure (prices zero).
  virtual void begin(const Instance &instance,
                     const std::vector<LocalProblem> &class_problems) = 0;

  // answers[c] = solve_local(problems[c], options) for every class c; `answers`
  // has one entry per class already. Prices and bound_direction are set in
  // `problems`.
  virtual void answer(const std::vector<LocalProblem> &problems,
                      const LocalOptions &options,
                      std::vector<LocalAnswer> &answers) = 0;
};

// Solves every class in this process, one after the other.
class InProcessSolvers final : public LocalSolvers {
public:
  void begin(const Instance &, const std::vector<LocalProblem> &) override {}
  void answer(const std::vector<LocalProblem> &problems,
              const LocalOptions &options,
              std::vector<LocalAnswer> &answers) override {
    for (std::size_t c = 0; c < problems.size(); ++c)
      answers[c] = solve_local(problems[c], options);
  }
};

} // namespace berth::optimizer
