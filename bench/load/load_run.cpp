#include "bench/load/load_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/generator.hpp"
#include "bench/load/agent_swarm.hpp"
#include "bench/load/processes.hpp"
#include "bench/load/services_yaml.hpp"
#include "common/optimizer/instance.hpp"
#include "common/optimizer/solve.hpp"
#include "common/spec/spec.hpp"
#include "coordinator/berthctl/http_client.hpp"

namespace berth::load {
namespace {

using SteadyClock = std::chrono::steady_clock;
using Json = nlohmann::json;
using NamedPlacement = std::map<std::string, std::map<std::string, int>>;

constexpr const char* kServicesName = "services.yaml";  // the name the API gives a YAML body

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

Result<Json> get_json(const berthctl::CoordinatorAddress& address, const std::string& target) {
  auto reply = berthctl::http_request(address, {.method = "GET", .target = target, .timeout = std::chrono::seconds(30)});
  if (!reply) return reply.error();
  if (reply->status != 200)
    return Error{ErrorCode::io, "GET " + target + " answered " + std::to_string(reply->status) + ": " + reply->body};
  Json json = Json::parse(reply->body, nullptr, false);
  if (json.is_discarded()) return Error{ErrorCode::decode, "GET " + target + " did not answer JSON"};
  return json;
}

int alive_agents(const Json& nodes) {
  int alive = 0;
  if (!nodes.contains("nodes") || !nodes["nodes"].is_array()) return 0;
  for (const Json& node : nodes["nodes"])
    if (node.value("health", "") == "alive" && node.value("source", "") == "agent") ++alive;
  return alive;
}

NamedPlacement named_placement(const model::Problem& problem, const model::Placement& placement) {
  NamedPlacement named;
  for (std::size_t n = 0; n < placement.by_node.size(); ++n)
    for (const model::ServiceCount& entry : placement.by_node[n])
      if (entry.count > 0) named[problem.nodes[n].name][problem.service(entry.service).name] = entry.count;
  return named;
}

NamedPlacement named_placement(const Json& json) {
  NamedPlacement named;
  if (!json.is_object()) return named;
  for (const auto& [node, services] : json.items()) {
    if (!services.is_object()) continue;
    for (const auto& [service, count] : services.items())
      if (count.is_number_integer() && count.get<int>() > 0) named[node][service] = count.get<int>();
  }
  return named;
}

// Where the parsed services differ from the generated ones (empty: nowhere), so that a
// mistake in the YAML emitter cannot pass as a benchmark of another problem.
std::string round_trip_difference(const model::Problem& generated, const model::Problem& parsed) {
  if (generated.services.size() != parsed.services.size()) return "service count";
  const auto request_of = [](const model::Problem& problem, const model::Service& service) {
    std::map<std::string, std::int64_t> request;
    for (std::size_t r = 0; r < problem.resources.size(); ++r)
      if (service.request[r] != 0) request[problem.resources[r]] = service.request[r];
    return request;
  };
  for (std::size_t s = 0; s < generated.services.size(); ++s) {
    const model::Service& a = generated.services[s];
    const model::Service& b = parsed.services[s];
    const bool same_spread = a.spread.has_value() == b.spread.has_value() &&
                             (!a.spread || (a.spread->key == b.spread->key && a.spread->max_skew == b.spread->max_skew));
    if (a.name != b.name || a.replicas != b.replicas || request_of(generated, a) != request_of(parsed, b) ||
        a.node_selector != b.node_selector || a.node_affinity != b.node_affinity || a.tolerations != b.tolerations ||
        a.max_per_node != b.max_per_node || a.avoid != b.avoid || a.prefer != b.prefer || !same_spread ||
        a.priority != b.priority || a.min_available != b.min_available)
      return "service " + a.name;
  }
  const model::Weights& w = generated.objective.weights;
  const model::Weights& v = parsed.objective.weights;
  if (generated.objective.strategy != parsed.objective.strategy || w.node_cost != v.node_cost ||
      w.load_spread != v.load_spread || w.balance != v.balance || w.migration != v.migration ||
      w.colocation != v.colocation || w.unplaced != v.unplaced)
    return "objective";
  return "";
}

// Every digit a double needs to read back the same (std::to_string keeps six decimals).
std::string exact_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// Closes a file descriptor when the scope ends, however it ends.
struct ClosesFd {
  explicit ClosesFd(int owned) : fd(owned) {}
  ClosesFd(const ClosesFd&) = delete;
  ClosesFd& operator=(const ClosesFd&) = delete;
  ~ClosesFd() {
    if (fd >= 0) close(fd);
  }
  int fd = -1;
};

std::vector<std::string> coordinator_args(const SizeOptions& options) {
  return {"--agents-listen",     "tcp://127.0.0.1:*",
          "--api-host",          "127.0.0.1",
          "--api-port",          "0",
          "--heartbeat-ms",      std::to_string(options.heartbeat_ms),
          "--round-deadline-ms", std::to_string(options.round_deadline_ms),
          "--bidders-per-class", std::to_string(options.bidders_per_class),
          "--max-rounds",        std::to_string(options.max_rounds),
          "--time-limit",        "0",
          "--gap",               exact_text(options.gap),
          "--seed",              std::to_string(options.seed),
          "--log-level",         "warn"};
}

// The networked part: coordinator, swarms, join, apply, metrics. Fills `result` and the
// applied placement, or sets result.error; the ProcessGroup stops every child on the way
// out, whatever happened.
void run_networked(const SizeOptions& options, const std::vector<protocol::NodeReport>& reports,
                   const std::string& yaml, SizeResult& result, NamedPlacement& networked) {
  ProcessGroup children;
  const auto coordinator = start_coordinator(
      {.program = options.coordinator, .args = coordinator_args(options), .log_path = result.coordinator_log},
      children);
  if (!coordinator) {
    result.error = coordinator.error().message;
    return;
  }
  const ClosesFd coordinator_stdout{coordinator->stdout_fd};
  const auto address = berthctl::parse_coordinator_url(coordinator->api_url);
  if (!address) {
    result.error = "bad API address in the ready line: " + address.error().message;
    return;
  }

  const auto join_started = SteadyClock::now();
  std::vector<pid_t> swarms;
  const auto processes = static_cast<std::size_t>(std::max(1, options.processes));
  for (std::size_t p = 0; p < processes; ++p) {
    SwarmOptions swarm{.endpoint = coordinator->agents_endpoint, .reports = {}};
    for (std::size_t i = p; i < reports.size(); i += processes) swarm.reports.push_back(reports[i]);
    if (swarm.reports.empty()) continue;
    swarms.push_back(fork_child([&swarm] { return run_swarm(swarm); }));
    children.add(swarms.back(), "agent swarm " + std::to_string(p));
  }

  // Every agent alive, with a deadline; a child that dies meanwhile ends the size.
  const auto join_deadline = join_started + std::chrono::seconds(30) + options.agents * std::chrono::milliseconds(20);
  int alive = 0;
  while (true) {
    if (const auto ended = children.first_ended()) {
      result.error = *ended + " while the agents joined (log: " + result.coordinator_log + ")";
      break;
    }
    if (const auto nodes = get_json(*address, "/v1/nodes")) alive = alive_agents(*nodes);
    if (alive >= options.agents) break;
    if (SteadyClock::now() >= join_deadline) {
      result.error = "only " + std::to_string(alive) + " of " + std::to_string(options.agents) +
                     " agents alive by the join deadline (log: " + result.coordinator_log + ")";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  result.join_seconds = seconds_since(join_started);

  const auto agents_cpu = [&] {
    double total = 0;
    for (const pid_t pid : swarms) total += cpu_seconds(pid).value_or(0);
    return total;
  };
  if (result.error.empty()) {
    const double coordinator_cpu_before = cpu_seconds(coordinator->pid).value_or(0);
    const double agents_cpu_before = agents_cpu();
    const auto apply_started = SteadyClock::now();
    const auto reply = berthctl::http_request(*address, {.method = "POST",
                                                         .target = "/v1/apply",
                                                         .body = yaml,
                                                         .content_type = "application/yaml",
                                                         .timeout = std::chrono::seconds(600)});
    result.converge_seconds = seconds_since(apply_started);
    result.coordinator_cpu_seconds = cpu_seconds(coordinator->pid).value_or(0) - coordinator_cpu_before;
    result.agents_cpu_seconds = agents_cpu() - agents_cpu_before;
    if (!reply) {
      result.error = "POST /v1/apply: " + reply.error().message;
    } else if (reply->status != 200) {
      result.error = "POST /v1/apply answered " + std::to_string(reply->status) + ": " + reply->body.substr(0, 2000);
    } else {
      const Json applied = Json::parse(reply->body, nullptr, false);
      if (applied.is_discarded() || !applied.is_object()) {
        result.error = "POST /v1/apply did not answer a JSON object";
      } else {
        result.objective_networked = applied.value("objective", 0.0);
        result.rounds = applied.value("rounds", 0);
        result.solve_seconds = applied.value("seconds", 0.0);
        networked = named_placement(applied.value("placement", Json::object()));
      }
    }
  }

  if (result.error.empty()) {
    auto reply = berthctl::http_request(*address, {.method = "GET", .target = "/metrics"});
    if (!reply || reply->status != 200) {
      result.error = "GET /metrics failed";
    } else {
      const std::string& text = reply->body;
      result.network_rounds = static_cast<int>(prometheus_sample(text, "berth_last_solve_network_rounds").value_or(0));
      result.round_p50_seconds = prometheus_sample(text, "berth_last_solve_round_seconds{quantile=\"0.5\"}").value_or(0);
      result.round_p99_seconds = prometheus_sample(text, "berth_last_solve_round_seconds{quantile=\"0.99\"}").value_or(0);
      result.bytes_per_round = prometheus_sample(text, "berth_last_solve_round_bytes").value_or(0);
      result.bytes_sent = prometheus_sample(text, "berth_round_bytes_total{direction=\"sent\"}").value_or(0);
      result.bytes_received = prometheus_sample(text, "berth_round_bytes_total{direction=\"received\"}").value_or(0);
      result.bid_answers = prometheus_sample(text, "berth_class_answers_total{source=\"bid\"}").value_or(0);
      result.local_answers = prometheus_sample(text, "berth_class_answers_total{source=\"local\"}").value_or(0);
      result.late_bids = prometheus_sample(text, "berth_late_bids_total").value_or(0);
    }
  }
  if (const auto ended = children.first_ended(); ended && result.error.empty())
    result.error = *ended + " during the run (log: " + result.coordinator_log + ")";
  children.stop_all();
}

}  // namespace

model::Problem registered_cluster(const std::vector<protocol::NodeReport>& reports) {
  std::vector<const protocol::NodeReport*> sorted;
  for (const protocol::NodeReport& report : reports) sorted.push_back(&report);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->node < b->node; });
  std::set<std::string> others;
  for (const protocol::NodeReport* report : sorted)
    for (const auto& [resource, amount] : report->capacity)
      if (resource != "cpu" && resource != "memory") others.insert(resource);
  model::Problem registered;
  registered.resources = {"cpu", "memory"};
  registered.resources.insert(registered.resources.end(), others.begin(), others.end());
  for (const protocol::NodeReport* report : sorted) {
    model::Node node;
    node.name = report->node;
    node.labels = model::Labels(report->labels.begin(), report->labels.end());
    node.taints = report->taints;
    node.cost = report->cost;
    for (const std::string& resource : registered.resources) {
      const auto it = report->capacity.find(resource);
      node.capacity.push_back(it == report->capacity.end() ? 0 : it->second);
    }
    registered.nodes.push_back(std::move(node));
  }
  return registered;
}

std::optional<double> prometheus_sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    if (text.compare(at, series.size(), series) == 0 && at + series.size() < end && text[at + series.size()] == ' ') {
      const std::string value = text.substr(at + series.size() + 1, end - at - series.size() - 1);
      char* parsed_end = nullptr;
      const double parsed = std::strtod(value.c_str(), &parsed_end);
      if (parsed_end == value.c_str()) return std::nullopt;
      return parsed;
    }
    at = end + 1;
  }
  return std::nullopt;
}

SizeResult run_size(const SizeOptions& options) {
  SizeResult result;
  result.agents = options.agents;
  result.coordinator_log = options.work_dir + "/coordinator-" + std::to_string(options.agents) + ".log";

  const model::Problem generated = bench::generate_cluster(
      {.nodes = options.agents,
       .replicas = options.replicas > 0 ? options.replicas : options.agents * options.replicas_per_node,
       .seed = options.seed});
  std::vector<protocol::NodeReport> reports;
  for (const model::Node& node : generated.nodes) reports.push_back(node_report(generated, node));
  const std::string yaml = services_yaml(generated);
  result.services = static_cast<int>(generated.services.size());
  for (const model::Service& service : generated.services) result.replicas += service.replicas;

  const model::Problem registered = registered_cluster(reports);
  auto problem = spec::parse_services(registered, yaml, kServicesName);
  if (!problem) {
    result.error = "the generated services file does not parse (a bug in berth-load): " +
                   problem.error().message.substr(0, 2000);
    return result;
  }
  if (const std::string differs = round_trip_difference(generated, *problem); !differs.empty()) {
    result.error = "the generated services file reads back differently (a bug in berth-load): " + differs;
    return result;
  }
  result.classes = static_cast<int>(optimizer::make_instance(*problem).class_members.size());

  NamedPlacement networked;
  run_networked(options, reports, yaml, result, networked);
  if (!result.error.empty()) return result;

  const auto started = SteadyClock::now();
  const optimizer::Solution solution =
      optimizer::solve(*problem, {.seed = options.seed,
                                  .gap_target = options.gap,
                                  .max_rounds = options.max_rounds,
                                  .elapsed_seconds = [started] { return seconds_since(started); },
                                  .time_limit_seconds = 0});
  result.in_process_seconds = seconds_since(started);
  result.in_process_rounds = solution.rounds;
  result.objective_in_process = solution.objective;
  result.objectives_equal = solution.objective == result.objective_networked;
  result.placements_equal = named_placement(*problem, solution.placement) == networked;
  return result;
}

}  // namespace berth::load
