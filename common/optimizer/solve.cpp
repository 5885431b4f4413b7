#include "common/optimizer/solve.hpp"

// Placeholder until the optimizer lands: places nothing.
namespace berth::optimizer {

const char* to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::optimal: return "optimal";
    case SolveStatus::feasible: return "feasible";
    case SolveStatus::partial: return "partial";
    case SolveStatus::infeasible: return "infeasible";
  }
  return "unknown";
}

Solution solve(const model::Problem& problem, const SolveOptions&) {
  Solution solution;
  solution.placement = model::Placement::empty_for(problem);
  solution.terms = model::evaluate(problem, solution.placement);
  solution.objective = solution.terms.total();
  return solution;
}

}  // namespace berth::optimizer
