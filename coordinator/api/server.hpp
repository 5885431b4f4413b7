#pragma once
// The operator API over HTTP/1.1 (Boost.Beast over Asio), on its own thread, in front of
// ApiHandler. Requests that may solve (POST) run on a second, solver thread so that GET
// /v1/status and /metrics answer while a solve runs.
//
//   HttpServer server(state, {.host = "127.0.0.1", .port = 0});  // 0: an ephemeral port
//   const auto port = server.start();   // Result<std::uint16_t>: the port bound
//   ...
//   server.stop();                      // also done by the destructor
//
// Bodies over `max_body_bytes` get 413; requests that do not parse as HTTP get 400; both
// close the connection. Keep-alive is honoured otherwise. Each answer is counted in the
// state's metrics by status code.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "coordinator/state/cluster_state.hpp"

namespace berth::coordinator::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                          // 0: any free port
  std::size_t max_body_bytes = 4 * 1024 * 1024;    // a services file, with room to spare
  std::chrono::seconds idle_timeout{30};           // a connection silent this long is closed
};

class HttpServer {
 public:
  HttpServer(ClusterState& state, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Bind, listen and start the threads. io error when the address cannot be bound.
  Result<std::uint16_t> start();
  // Stop accepting, close connections, wait for a running solve to end. Idempotent.
  void stop();
  std::uint16_t port() const;

  struct Impl;  // in server.cpp: Beast stays out of this header

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth::coordinator::api
