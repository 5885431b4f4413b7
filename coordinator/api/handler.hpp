#pragma once
// The operator API's routes as a function from a request to a response, over a
// ClusterState; no sockets, so every route is tested without a server. server.hpp puts
// it behind Boost.Beast. docs/api.md lists the endpoints.
//
//   ApiHandler handler(state);
//   HttpResponse response = handler.handle({.method = "GET", .target = "/v1/status"});
//   // response.status == 200, response.body == "{\"nodes\": ...}"
//
// Errors are JSON {"error": "...", "details": [...]} with the status code saying whose
// fault: 400 bad request or spec, 404 unknown path (or nothing applied yet), 405 wrong
// method (with Allow), 500 a failure of the coordinator itself. The server adds 413 for
// oversized bodies and 400 for requests it cannot parse.
#include <string>

#include "coordinator/state/cluster_state.hpp"

namespace berth::coordinator::api {

struct HttpRequest {
  std::string method;        // "GET", "POST", ...
  std::string target;        // path with an optional query: "/v1/plan?x=y"
  std::string content_type{};
  std::string body{};
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body{};
  std::string allow{};  // the Allow header of a 405
};

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The body of an error response, for the server's own errors (413, unparsable request).
HttpResponse error_response(int status, const std::string& message);

class ApiHandler {
 public:
  explicit ApiHandler(ClusterState& state) : state_(state) {}
  HttpResponse handle(const HttpRequest& request);
  // Whether handling `request` may run a solve (seconds, not microseconds): the server
  // runs those off its network thread.
  static bool may_solve(const HttpRequest& request);

 private:
  HttpResponse solve_route(const HttpRequest& request, SolveKind kind);
  ClusterState& state_;
};

}  // namespace berth::coordinator::api
