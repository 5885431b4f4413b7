#pragma once
// berthctl's commands as functions of their options, a clock and two streams, so they
// run in tests without a process. main.cpp maps flags onto these structs.
//
// Exit codes: 0 done (whatever the solve status: the report says what was placed),
// 1 unexpected failure, 2 bad input (unreadable or invalid spec files, bad flags),
// 3 the optimizer's placement breaks a hard rule (a bug; never expected).
// Later subcommands against a live coordinator (apply, plan, status, nodes) will sit
// beside these.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

namespace berth::berthctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitViolation = 3;

// Monotonic seconds since any fixed point; the optimizer core has no clock of its own.
using Clock = std::function<double()>;

struct SolveCommand {
  std::string cluster_path;
  std::string services_path;
  bool json = false;
  // Unset: the optimizer's own defaults (optimizer::SolveOptions).
  std::optional<std::uint64_t> seed{};
  std::optional<double> time_limit_seconds{};
  std::optional<double> gap_target{};
  std::optional<int> max_rounds{};
};

struct ValidateCommand {
  std::string cluster_path;
  std::string services_path;
};

// Parse, solve, check the placement with model::check, report to `out`; errors to `err`.
int run_solve(const SolveCommand& command, const Clock& clock, std::ostream& out, std::ostream& err);

// Parse only: "ok: N nodes, M services, R replicas".
int run_validate(const ValidateCommand& command, std::ostream& out, std::ostream& err);

}  // namespace berth::berthctl
