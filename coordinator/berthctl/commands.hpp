#pragma once
// berthctl's commands as functions of their options, a clock and two streams, so they
// run in tests without a process. main.cpp maps flags onto these structs.
//
// Exit codes: 0 done (whatever the solve status: the report says what was placed),
// 1 unexpected failure (also: the coordinator cannot be reached, or answers 5xx),
// 2 bad input (unreadable or invalid spec files, bad flags, a 4xx answer),
// 3 the optimizer's placement breaks a hard rule (a bug; never expected).
// solve and validate work offline on files; apply, plan, status and nodes talk to a live
// coordinator's HTTP API (live_commands.cpp).
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

// The live commands: `coordinator` is the --coordinator flag or BERTH_COORDINATOR
// ("http://host:port"); with `json` the coordinator's JSON answer is printed as is.
struct LiveOptions {
  std::string coordinator;
  bool json = false;
};

struct ApplyCommand {
  LiveOptions live;
  std::string services_path;
};

struct PlanCommand {
  LiveOptions live;
  std::string services_path;
};

// Send the services file (its path names it in error messages), print what changes.
int run_apply(const ApplyCommand& command, std::ostream& out, std::ostream& err);
int run_plan(const PlanCommand& command, std::ostream& out, std::ostream& err);
int run_status(const LiveOptions& options, std::ostream& out, std::ostream& err);
int run_nodes(const LiveOptions& options, std::ostream& out, std::ostream& err);

// Parse, solve, check the placement with model::check, report to `out`; errors to `err`.
int run_solve(const SolveCommand& command, const Clock& clock, std::ostream& out, std::ostream& err);

// Parse only: "ok: N nodes, M services, R replicas".
int run_validate(const ValidateCommand& command, std::ostream& out, std::ostream& err);

}  // namespace berth::berthctl
