// berthctl's commands against a live coordinator: each one request to its HTTP API
// (docs/api.md), its answer printed as tables or, with --json, as the JSON it is.
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "coordinator/berthctl/commands.hpp"
#include "coordinator/berthctl/http_client.hpp"
#include "coordinator/berthctl/live_report.hpp"

namespace berth::berthctl {
namespace {

using nlohmann::json;

struct Answer {
  int exit_code = kExitOk;  // kExitOk when `body` is a 200 answer to print
  json body;
};

// One request; reports unreachable coordinators, non-JSON answers and error answers to
// `err` (and error bodies to `out` with --json) and says which exit code that means.
Answer call(const LiveOptions& options, const HttpCall& request, std::ostream& out, std::ostream& err) {
  const auto address = parse_coordinator_url(options.coordinator);
  if (!address) {
    err << "berthctl: " << address.error().message << " (set --coordinator or BERTH_COORDINATOR)\n";
    return {kExitBadInput, {}};
  }
  const auto reply = http_request(*address, request);
  if (!reply) {
    err << "berthctl: " << reply.error().message
        << "\n  is berth-coordinator running there? set --coordinator or BERTH_COORDINATOR\n";
    return {kExitFailure, {}};
  }
  json body = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    err << "berthctl: the coordinator at " << address->url() << " answered " << reply->status
        << " with a body that is not JSON\n";
    return {kExitFailure, {}};
  }
  if (reply->status == 200) return {kExitOk, std::move(body)};
  if (options.json) out << body.dump(2) << '\n';
  err << format_error(body);
  return {reply->status >= 400 && reply->status < 500 ? kExitBadInput : kExitFailure, std::move(body)};
}

// The services file as the JSON body the API takes: the text, and its path for messages.
std::optional<std::string> spec_body(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    err << "cannot read " << path << "\n";
    return std::nullopt;
  }
  return json{{"services_yaml", text.str()}, {"name", path}}.dump();
}

int send_spec(const LiveOptions& options, const std::string& path, const char* target, std::ostream& out,
              std::ostream& err, std::string (*format)(const json&, const std::string&)) {
  const auto body = spec_body(path, err);
  if (!body) return kExitBadInput;
  const Answer answer =
      call(options, {.method = "POST", .target = target, .body = *body, .content_type = "application/json"}, out, err);
  if (answer.exit_code != kExitOk) return answer.exit_code;
  out << (options.json ? answer.body.dump(2) + "\n" : format(answer.body, path));
  return kExitOk;
}

}  // namespace

int run_apply(const ApplyCommand& command, std::ostream& out, std::ostream& err) {
  return send_spec(command.live, command.services_path, "/v1/apply", out, err, format_apply);
}

int run_plan(const PlanCommand& command, std::ostream& out, std::ostream& err) {
  return send_spec(command.live, command.services_path, "/v1/plan", out, err, format_plan);
}

int run_status(const LiveOptions& options, std::ostream& out, std::ostream& err) {
  const Answer answer = call(options, {.method = "GET", .target = "/v1/status"}, out, err);
  if (answer.exit_code != kExitOk) return answer.exit_code;
  const auto address = parse_coordinator_url(options.coordinator);
  out << (options.json ? answer.body.dump(2) + "\n" : format_status(answer.body, address->url()));
  return kExitOk;
}

int run_nodes(const LiveOptions& options, std::ostream& out, std::ostream& err) {
  const Answer answer = call(options, {.method = "GET", .target = "/v1/nodes"}, out, err);
  if (answer.exit_code != kExitOk) return answer.exit_code;
  out << (options.json ? answer.body.dump(2) + "\n" : format_nodes(answer.body));
  return kExitOk;
}

}  // namespace berth::berthctl
