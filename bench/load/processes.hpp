#pragma once
// berth::load processes — the load harness's children: one berth-coordinator (exec'd,
// its ready line read from a pipe) and the forked agent swarms. A ProcessGroup stops
// every child it holds (SIGTERM, a grace period, then SIGKILL; always reaped) when it is
// destroyed, so an error or an exception anywhere in a run leaves nothing behind. Every
// child also gets PR_SET_PDEATHSIG (SIGTERM for swarms, SIGKILL for the coordinator): if
// the harness itself dies, so do they.
//
//   ProcessGroup children;
//   auto coordinator = start_coordinator({.program = path, .args = {...}, .log_path = "c.log"}, children);
//   children.add(fork_child([&] { return load::run_swarm(options); }));
//   if (auto ended = children.first_ended()) ...   // a child died early
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace berth::load {

class ProcessGroup {
 public:
  ProcessGroup() = default;
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;
  ~ProcessGroup() { stop_all(); }

  void add(pid_t pid, std::string name);
  // The first child that has already ended, as "NAME exited with N" / "NAME killed by signal N".
  std::optional<std::string> first_ended();
  // Stops the children, last added first: SIGTERM, up to `grace` to exit, then SIGKILL.
  void stop_all(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  struct Child {
    pid_t pid = -1;
    std::string name;
    std::optional<int> status;  // waitpid status once reaped
  };
  std::vector<Child> children_;
};

// User plus system CPU seconds a running process has used so far (/proc/PID/stat), all
// its threads together; nullopt once it is gone.
std::optional<double> cpu_seconds(pid_t pid);

// Forks; the child sets PR_SET_PDEATHSIG, runs `body` and _exits with its result (1 if it
// throws). Throws std::runtime_error when fork fails.
pid_t fork_child(const std::function<int()>& body);

struct CoordinatorLaunch {
  std::string program;
  std::vector<std::string> args;
  std::string log_path;  // the coordinator's stderr
  std::chrono::milliseconds ready_timeout{15000};
};

struct Coordinator {
  pid_t pid = -1;
  std::string agents_endpoint;  // "tcp://127.0.0.1:40123"
  std::string api_url;          // "http://127.0.0.1:40124"
  int stdout_fd = -1;           // kept open: the coordinator's stdout
};

// Starts the coordinator (added to `group` at once) and waits for its ready line.
Result<Coordinator> start_coordinator(const CoordinatorLaunch& launch, ProcessGroup& group);

}  // namespace berth::load
