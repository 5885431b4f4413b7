#pragma once
// A lower bound on a machine reassignment from the linear relaxation of its assignment
// model, solved by COIN-OR CLP (so it lives with the benchmark, not in the optimizer):
// processes may be split across machines; load, balance, process move and machine move
// costs and every capacity (transient ones counted on the initial machine, as the
// challenge does) are kept exactly; conflict, spread, dependency and the service move
// cost are dropped. Dropping rows only lowers the optimum, so it is a valid bound. It is
// also the Lagrangian dual bound obtained by pricing each machine's load, balance and
// capacity rows: those per-process subproblems are linear, so the Lagrangian dual and
// the linear relaxation meet (Geoffrion, 1974).
//
//   auto bound = berth::roadef::lp_bound(problem, {.time_limit_seconds = 60});
//   if (bound.solved) std::cout << bound.value;
#include "common/optimizer/reassignment.hpp"

namespace berth::roadef {

struct LpBoundOptions {
  double time_limit_seconds = 60;
};

struct LpBound {
  bool solved = false;  // false: no proof within the time limit, value is 0
  double value = 0;     // rounded down past CLP's tolerances
  double seconds = 0;
  long columns = 0;
  long rows = 0;
};

LpBound lp_bound(const optimizer::Reassignment& problem, const LpBoundOptions& options);

}  // namespace berth::roadef
