#include "tests/integration/live_cluster.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <thread>

namespace berth::testing {

std::string bin(const std::string& program) { return std::string(BERTH_BIN_DIR) + "/" + program; }

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

LiveCluster::LiveCluster(const std::string& name) {
  dir_ = ::testing::TempDir() + "berth_" + name + "_" + std::to_string(getpid());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

LiveCluster::~LiveCluster() {
  // Agents first, so none logs a flood of reconnects to a coordinator already gone.
  for (auto& [name, agent] : agents_) agent->signal(SIGTERM);
  for (auto& [name, agent] : agents_) agent->wait(std::chrono::seconds(5));
  if (coordinator_) {
    coordinator_->signal(SIGTERM);
    coordinator_->wait(std::chrono::seconds(5));
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
}

bool LiveCluster::start_coordinator(const std::vector<std::string>& extra, bool fixed_ports) {
  std::vector<std::string> argv = {bin("berth-coordinator"), "--log-level", "debug"};
  if (fixed_ports) {
    argv.insert(argv.end(), {"--agents-listen", agents_endpoint_, "--api-port", std::to_string(api_.port)});
  } else {
    argv.insert(argv.end(), {"--agents-listen", "tcp://127.0.0.1:*", "--api-port", "0"});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  ++coordinator_starts_;
  coordinator_ = std::make_unique<ChildProcess>(ChildProcess::spawn(argv, path("coordinator.log")));
  const auto line = coordinator_->read_line(std::chrono::seconds(15));
  if (!line || line->rfind("berth-coordinator ready ", 0) != 0) {
    ADD_FAILURE() << "no ready line from berth-coordinator\n" << logs();
    return false;
  }
  std::istringstream words(*line);
  std::string word;
  while (words >> word) {
    if (word.rfind("agents=", 0) == 0) agents_endpoint_ = word.substr(7);
    if (word.rfind("api=", 0) == 0) {
      auto address = berthctl::parse_coordinator_url(word.substr(4));
      if (address) api_ = *address;
    }
  }
  return !agents_endpoint_.empty() && api_.port != 0;
}

void LiveCluster::stop_coordinator(int signal_number) {
  coordinator_->signal(signal_number);
  coordinator_->wait(std::chrono::seconds(10));
}

void LiveCluster::start_agent(const std::string& name, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {bin("berth-agent"), "--join", agents_endpoint_, "--name", name, "--log-level",
                                   "debug"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  agents_[name] = std::make_unique<ChildProcess>(ChildProcess::spawn(argv, path("agent-" + name + ".log")));
}

namespace {

ApiReply call(const berthctl::CoordinatorAddress& api, const berthctl::HttpCall& http_call) {
  ApiReply reply;
  const auto answer = berthctl::http_request(api, http_call);
  if (!answer) {
    reply.body = answer.error().message;
    return reply;
  }
  reply.status = answer->status;
  reply.body = answer->body;
  reply.json = nlohmann::json::parse(answer->body, nullptr, false);
  return reply;
}

}  // namespace

ApiReply LiveCluster::get(const std::string& target) const {
  return call(api_, {.method = "GET", .target = target, .timeout = std::chrono::seconds(10)});
}

ApiReply LiveCluster::post(const std::string& target, const std::string& body) const {
  return call(api_, {.method = "POST", .target = target, .body = body, .content_type = "application/yaml",
                     .timeout = std::chrono::seconds(120)});
}

std::map<std::string, std::string> LiveCluster::node_health() const {
  std::map<std::string, std::string> health;
  const ApiReply reply = get("/v1/nodes");
  if (reply.status != 200 || !reply.json.contains("nodes")) return health;
  for (const auto& node : reply.json["nodes"]) health[node["name"]] = node["health"];
  return health;
}

bool LiveCluster::wait_for_nodes(std::size_t alive, std::chrono::milliseconds timeout) const {
  return eventually(
      [&] {
        std::size_t count = 0;
        for (const auto& [name, health] : node_health()) count += health == "alive" ? 1 : 0;
        return count == alive;
      },
      timeout);
}

double LiveCluster::metric(const std::string& series) const {
  const auto answer =
      berthctl::http_request(api_, {.method = "GET", .target = "/metrics", .timeout = std::chrono::seconds(10)});
  if (!answer) return -1;
  std::istringstream lines(answer->body);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

std::string LiveCluster::logs() const {
  std::string text;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".log") continue;
    std::string body = read_file(entry.path().string());
    if (body.size() > 6000) body = "...\n" + body.substr(body.size() - 6000);
    text += "---- " + entry.path().filename().string() + "\n" + body;
  }
  return text;
}

}  // namespace berth::testing
