#include "bench/load/processes.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace berth::load {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string describe_status(const std::string& name, int status) {
  if (WIFEXITED(status)) return name + " exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return name + " killed by signal " + std::to_string(WTERMSIG(status));
  return name + " ended";
}

// In a freshly forked child: die with the parent, and if the parent is already gone, now.
void follow_parent(pid_t parent, int signal_number) {
  prctl(PR_SET_PDEATHSIG, signal_number);
  if (getppid() != parent) _exit(1);
}

// The value after `key` up to the next space, in the ready line.
std::string field(const std::string& line, const std::string& key) {
  const auto at = line.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return line.substr(start, line.find(' ', start) - start);
}

}  // namespace

void ProcessGroup::add(pid_t pid, std::string name) { children_.push_back({pid, std::move(name), std::nullopt}); }

std::optional<std::string> ProcessGroup::first_ended() {
  for (Child& child : children_) {
    if (!child.status) {
      int status = 0;
      if (waitpid(child.pid, &status, WNOHANG) == child.pid) child.status = status;
    }
    if (child.status) return describe_status(child.name, *child.status);
  }
  return std::nullopt;
}

void ProcessGroup::stop_all(std::chrono::milliseconds grace) {
  for (auto it = children_.rbegin(); it != children_.rend(); ++it)
    if (!it->status) kill(it->pid, SIGTERM);
  const auto deadline = SteadyClock::now() + grace;
  while (true) {
    bool running = false;
    for (Child& child : children_) {
      if (child.status) continue;
      int status = 0;
      if (waitpid(child.pid, &status, WNOHANG) == child.pid) {
        child.status = status;
      } else {
        running = true;
      }
    }
    if (!running) break;
    if (SteadyClock::now() >= deadline) {
      for (Child& child : children_) {
        if (child.status) continue;
        kill(child.pid, SIGKILL);
        int status = 0;
        waitpid(child.pid, &status, 0);
        child.status = status;
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  children_.clear();
}

std::optional<double> cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  // Fields after the command name, which is in parentheses and may hold spaces.
  const auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string field_text;
  double ticks = 0;
  // state(3) ... utime(14) stime(15): the 12th and 13th fields after the name.
  for (int i = 3; i <= 15 && fields >> field_text; ++i)
    if (i == 14 || i == 15) ticks += std::strtod(field_text.c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

pid_t fork_child(const std::function<int()>& body) {
  const pid_t parent = getpid();
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid > 0) return pid;
  follow_parent(parent, SIGTERM);
  int code = 1;
  try {
    code = body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "berth-load child: %s\n", e.what());
  }
  std::fflush(nullptr);
  _exit(code);
}

Result<Coordinator> start_coordinator(const CoordinatorLaunch& launch, ProcessGroup& group) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Error{ErrorCode::io, "cannot create a pipe for the coordinator"};
  std::vector<std::string> argv = {launch.program};
  argv.insert(argv.end(), launch.args.begin(), launch.args.end());
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  const pid_t parent = getpid();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return Error{ErrorCode::io, "fork failed"};
  }
  if (pid == 0) {
    // SIGKILL: berth-coordinator finishes a running solve before it honours SIGTERM, which
    // takes a round deadline per remaining round once the agents are gone.
    follow_parent(parent, SIGKILL);
    dup2(pipe_fds[1], STDOUT_FILENO);
    const int log = open(launch.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) dup2(log, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    _exit(127);
  }
  close(pipe_fds[1]);
  group.add(pid, "berth-coordinator");

  Coordinator coordinator;
  coordinator.pid = pid;
  coordinator.stdout_fd = pipe_fds[0];
  const auto fail = [&](std::string message) -> Result<Coordinator> {
    close(coordinator.stdout_fd);
    return Error{ErrorCode::io, std::move(message)};
  };
  const auto deadline = SteadyClock::now() + launch.ready_timeout;
  std::string buffered;
  while (buffered.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0)
      return fail("no ready line from berth-coordinator within " + std::to_string(launch.ready_timeout.count()) +
                  " ms (log: " + launch.log_path + ")");
    pollfd item{coordinator.stdout_fd, POLLIN, 0};
    if (::poll(&item, 1, static_cast<int>(std::min<long long>(left.count(), 100))) <= 0) continue;
    char chunk[1024];
    const ssize_t n = read(coordinator.stdout_fd, chunk, sizeof chunk);
    if (n <= 0) {
      const auto ended = group.first_ended();
      return fail("berth-coordinator closed its stdout before its ready line" +
                  (ended ? " (" + *ended + ")" : std::string()) + " (log: " + launch.log_path + ")");
    }
    buffered.append(chunk, static_cast<std::size_t>(n));
  }
  const std::string line = buffered.substr(0, buffered.find('\n'));
  coordinator.agents_endpoint = field(line, "agents=");
  coordinator.api_url = field(line, "api=");
  if (line.rfind("berth-coordinator ready", 0) != 0 || coordinator.agents_endpoint.empty() ||
      coordinator.api_url.empty())
    return fail("unexpected first line from berth-coordinator: '" + line + "'");
  return coordinator;
}

}  // namespace berth::load
