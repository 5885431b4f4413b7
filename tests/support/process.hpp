#pragma once
// Child processes for integration tests: berth-coordinator and berth-agent run as real
// programs. stdout comes back through a pipe (the coordinator's ready line); stderr goes
// to a file the test prints when it fails. The destructor kills and reaps the child, so a
// failing test leaves nothing running.
//
//   auto coordinator = ChildProcess::spawn({bin("berth-coordinator"), "--api-port", "0"}, "coord.log");
//   const auto line = coordinator.read_line(std::chrono::seconds(10));   // "berth-coordinator ready ..."
//   coordinator.signal(SIGKILL);
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace berth::testing {

class ChildProcess {
 public:
  // Starts argv[0] with the arguments; stderr is appended to `stderr_path`. Throws
  // std::runtime_error when fork or the pipe fail (exec failures show as exit code 127).
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::string& stderr_path);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // The next line of the child's stdout, without the newline; nullopt at the deadline or
  // when stdout closed.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void signal(int signal_number) const;
  // The exit status (as waitpid's WEXITSTATUS, or 128 + signal) once the child ended, or
  // nullopt if it still runs after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  void release();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  std::optional<int> status_;
};

// The contents of a file, or "" when it cannot be read (for failure messages).
std::string read_file(const std::string& path);

}  // namespace berth::testing
