#pragma once
// The challenge's command line, as the organisers ran every entry:
//   berth-roadef -t 300 -p model_a1_1.txt -i assignment_a1_1.txt -o solution.txt -s 42
//   berth-roadef -name          # prints the team name and exits
// -t, -p, -i and -o are required unless -name is given; -s defaults to 1. berth's own
// -b SECONDS limits the linear relaxation bound, computed after the solution is written
// and outside -t (default 0: skipped; on 1000-process instances it takes seconds to
// minutes, and CLP may overrun the limit by half).
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace berth::roadef {

inline constexpr const char* kTeamName = "berth";

struct CommandLine {
  bool print_name = false;
  double time_limit_seconds = 0;
  std::string model_path;
  std::string assignment_path;
  std::string solution_path;
  std::uint64_t seed = 1;
  double bound_seconds = 0;
};

// `args` without the program name.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

}  // namespace berth::roadef
