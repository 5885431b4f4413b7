#include "coordinator/api/handler.hpp"

#include <array>
#include <string_view>

#include "common/spec/field_path.hpp"
#include "coordinator/api/json.hpp"

namespace berth::coordinator::api {
namespace {

constexpr std::string_view kDefaultSpecName = "services.yaml";

struct Route {
  std::string_view path;
  std::string_view method;
};

// Every path with the one method it answers; another method gets 405.
constexpr std::array<Route, 8> kRoutes = {{
    {"/v1/plan", "POST"},
    {"/v1/apply", "POST"},
    {"/v1/placement", "GET"},
    {"/v1/nodes", "GET"},
    {"/v1/services", "GET"},
    {"/v1/status", "GET"},
    {"/metrics", "GET"},
    {"/healthz", "GET"},
}};

std::string_view path_of(std::string_view target) {
  const std::size_t query = target.find('?');
  return query == std::string_view::npos ? target : target.substr(0, query);
}

HttpResponse json_response(int status, const Json& json) {
  return HttpResponse{.status = status, .body = json.dump(2) + "\n"};
}

struct SpecText {
  std::string yaml;
  std::string name;
};

// The services file from a POST body: the YAML itself, or with Content-Type
// application/json an object {"services_yaml": "...", "name": "services.yaml"}.
Result<SpecText> spec_of(const HttpRequest& request) {
  const std::string_view content_type = request.content_type;
  if (content_type.substr(0, 16) != "application/json") {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos)
      return Error{ErrorCode::invalid_argument, "empty body: send the services YAML, or JSON {\"services_yaml\": ...}"};
    return SpecText{request.body, std::string(kDefaultSpecName)};
  }
  const Json json = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Error{ErrorCode::invalid_argument, "the body is not valid JSON"};
  if (!json.is_object()) return Error{ErrorCode::invalid_argument, "the body must be a JSON object"};
  const auto yaml = json.find("services_yaml");
  if (yaml == json.end() || !yaml->is_string())
    return Error{ErrorCode::invalid_argument, "the body needs \"services_yaml\": the services file as a string"};
  SpecText spec{yaml->get<std::string>(), std::string(kDefaultSpecName)};
  const auto name = json.find("name");
  if (name != json.end()) {
    if (!name->is_string() || name->get<std::string>().empty())
      return Error{ErrorCode::invalid_argument, "\"name\" must be a non-empty string (the file name for messages)"};
    spec.name = name->get<std::string>();
  }
  return spec;
}

int status_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::invalid_spec:
    case ErrorCode::decode: return 400;
    case ErrorCode::io:
    case ErrorCode::internal: return 500;
  }
  return 500;
}

HttpResponse spec_error(const Error& error, const SpecText& spec) {
  std::vector<ErrorDetail> details = details_of(error.message, spec.name);
  for (ErrorDetail& detail : details)
    if (detail.line > 0 && detail.column > 0) detail.field = spec::field_path_at(spec.yaml, detail.line, detail.column);
  const std::string summary = details.size() == 1 ? "invalid services spec: " + error.message
                                                  : "invalid services spec: " + std::to_string(details.size()) +
                                                        " problems in " + spec.name;
  return json_response(400, error_json(summary, details));
}

}  // namespace

HttpResponse error_response(int status, const std::string& message) { return json_response(status, error_json(message)); }

bool ApiHandler::may_solve(const HttpRequest& request) { return request.method == "POST"; }

HttpResponse ApiHandler::handle(const HttpRequest& request) {
  const std::string_view path = path_of(request.target);
  const Route* route = nullptr;
  for (const Route& candidate : kRoutes)
    if (candidate.path == path) route = &candidate;
  if (route == nullptr) return error_response(404, "no such endpoint: " + std::string(path));
  if (request.method != route->method) {
    HttpResponse response = error_response(405, "method " + request.method + " not allowed on " +
                                                    std::string(path) + "; use " + std::string(route->method));
    response.allow = std::string(route->method);
    return response;
  }

  if (path == "/v1/plan") return solve_route(request, SolveKind::plan);
  if (path == "/v1/apply") return solve_route(request, SolveKind::apply);
  if (path == "/healthz") return json_response(200, Json{{"status", "ok"}});
  if (path == "/metrics")
    return HttpResponse{.status = 200, .content_type = kMetricsContentType, .body = state_.metrics().render()};

  const Snapshot snapshot = state_.snapshot();
  const TimePoint now = state_.now();
  if (path == "/v1/status") return json_response(200, status_json(snapshot, now));
  if (path == "/v1/nodes") return json_response(200, nodes_json(snapshot, now));
  if (path == "/v1/services") return json_response(200, services_json(snapshot));
  // /v1/placement
  if (!snapshot.target) return error_response(404, "no placement yet: nothing has been applied (POST /v1/apply)");
  return json_response(200, placement_json(*snapshot.target));
}

HttpResponse ApiHandler::solve_route(const HttpRequest& request, SolveKind kind) {
  const auto spec = spec_of(request);
  if (!spec) return error_response(400, spec.error().message);
  if (kind == SolveKind::plan) {
    const auto plan = state_.plan(spec->yaml, spec->name);
    if (!plan) {
      if (plan.error().code == ErrorCode::invalid_spec) return spec_error(plan.error(), *spec);
      return error_response(status_for(plan.error()), plan.error().message);
    }
    return json_response(200, summary_json(*plan));
  }
  const auto applied = state_.apply(spec->yaml, spec->name);
  if (!applied) {
    if (applied.error().code == ErrorCode::invalid_spec) return spec_error(applied.error(), *spec);
    return error_response(status_for(applied.error()), applied.error().message);
  }
  return json_response(200, target_json(*applied));
}

}  // namespace berth::coordinator::api
