#include "bench/roadef/command_line.hpp"

#include <charconv>
#include <cmath>

namespace berth::roadef {
namespace {

Error usage(const std::string& problem) {
  return Error{ErrorCode::invalid_argument,
               problem + "\nusage: berth-roadef -t SECONDS -p MODEL -i ASSIGNMENT -o SOLUTION [-s SEED] [-b BOUND_SECONDS] | -name"};
}

}  // namespace

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  bool has_time = false;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& flag = args[k];
    if (flag == "-name") {
      line.print_name = true;
      continue;
    }
    if (flag != "-t" && flag != "-p" && flag != "-i" && flag != "-o" && flag != "-s" && flag != "-b")
      return usage("unknown argument '" + flag + "'");
    if (k + 1 >= args.size()) return usage(flag + " needs a value");
    const std::string& value = args[++k];
    if (flag == "-t" || flag == "-b") {
      // from_chars for double is in GCC 12's library; strtod would accept "1e2x" silently.
      double seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      const bool zero_allowed = flag == "-b";
      if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds) || seconds < 0 ||
          (seconds == 0 && !zero_allowed))
        return usage(flag + ": expected a " + (zero_allowed ? "non-negative" : "positive") +
                     " number of seconds, got '" + value + "'");
      if (flag == "-t") {
        line.time_limit_seconds = seconds;
        has_time = true;
      } else {
        line.bound_seconds = seconds;
      }
    } else if (flag == "-s") {
      std::uint64_t seed = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seed);
      if (ec != std::errc() || end != value.data() + value.size())
        return usage("-s: expected a non-negative integer seed, got '" + value + "'");
      line.seed = seed;
    } else {
      (flag == "-p" ? line.model_path : flag == "-i" ? line.assignment_path : line.solution_path) = value;
    }
  }
  if (line.print_name) return line;
  if (!has_time) return usage("-t is required");
  if (line.model_path.empty()) return usage("-p is required");
  if (line.assignment_path.empty()) return usage("-i is required");
  if (line.solution_path.empty()) return usage("-o is required");
  return line;
}

}  // namespace berth::roadef
