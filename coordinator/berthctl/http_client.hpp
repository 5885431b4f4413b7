#pragma once
// berthctl's HTTP/1.1 client for the coordinator's API (Boost.Beast, synchronous, one
// connection per request), and the --coordinator address it talks to.
//
//   const auto coordinator = parse_coordinator_url("http://127.0.0.1:7070");
//   const auto reply = http_request(*coordinator, {.method = "GET", .target = "/v1/status"});
//   if (!reply) std::cerr << reply.error().message;  // "cannot reach the coordinator at ..."
//   else if (reply->status == 200) ... reply->body ...
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::berthctl {

struct CoordinatorAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string url() const;  // "http://host:port"
};

// "http://host:port", "host:port" or "http://host:port/"; IPv6 as "[::1]:port". No TLS,
// no path: invalid_argument otherwise, saying what form is expected.
Result<CoordinatorAddress> parse_coordinator_url(std::string_view text);

struct HttpCall {
  std::string method;
  std::string target;
  std::string body{};
  std::string content_type{};
  std::chrono::milliseconds timeout{120000};  // a solve may take a while
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// io error when the coordinator cannot be reached or the exchange fails midway:
// "cannot reach the coordinator at http://h:p: Connection refused".
Result<HttpReply> http_request(const CoordinatorAddress& address, const HttpCall& call);

}  // namespace berth::berthctl
