#include "coordinator/berthctl/http_client.hpp"

#include <charconv>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace berth::berthctl {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Replies are JSON documents of a cluster's state; a very large cluster's placement may
// be tens of megabytes.
constexpr std::uint64_t kMaxReplyBytes = 256ull * 1024 * 1024;

Error bad_url(std::string_view text, const std::string& why) {
  return Error{ErrorCode::invalid_argument,
               "bad coordinator address '" + std::string(text) + "': " + why + " (expected http://HOST:PORT)"};
}

}  // namespace

std::string CoordinatorAddress::url() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<CoordinatorAddress> parse_coordinator_url(std::string_view text) {
  std::string_view rest = text;
  if (rest.substr(0, 7) == "http://") {
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    return bad_url(text, "only http:// is supported");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad_url(text, "no path allowed");
  CoordinatorAddress address;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad_url(text, "unclosed '['");
    address.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (rest.empty() || rest.front() != ':') return bad_url(text, "no port");
    port = rest.substr(1);
  } else {
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) return bad_url(text, "no port");
    address.host = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
  }
  if (address.host.empty()) return bad_url(text, "no host");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
    return bad_url(text, "port must be a number from 1 to 65535");
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

Result<HttpReply> http_request(const CoordinatorAddress& address, const HttpCall& call) {
  const auto failed = [&](const std::string& what, const beast::error_code& ec) {
    return Error{ErrorCode::io, "cannot reach the coordinator at " + address.url() + ": " + what + ec.message()};
  };
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(address.host, std::to_string(address.port), ec);
  if (ec) return failed("cannot resolve " + address.host + ": ", ec);

  // Synchronous calls with a deadline: tcp_stream's timer only covers async operations,
  // so each step runs asynchronously on this thread's own io_context.
  stream.expires_after(call.timeout);
  stream.async_connect(endpoints, [&](beast::error_code error, const tcp::endpoint&) { ec = error; });
  io.run();
  if (ec) return failed("", ec);

  http::request<http::string_body> request{http::string_to_verb(call.method), call.target, 11};
  request.set(http::field::host, address.host + ":" + std::to_string(address.port));
  request.set(http::field::user_agent, "berthctl");
  if (!call.content_type.empty()) request.set(http::field::content_type, call.content_type);
  request.body() = call.body;
  request.prepare_payload();
  request.keep_alive(false);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  stream.expires_after(call.timeout);
  // A failed write shows up as a failed read: the answer is what counts.
  http::async_write(stream, request, [](beast::error_code, std::size_t) {});
  // Read concurrently with the write: a server may answer (413) before it reads it all.
  http::async_read(stream, buffer, parser, [&](beast::error_code error, std::size_t) {
    ec = error;
    beast::error_code ignored;
    stream.socket().cancel(ignored);
  });
  io.restart();
  io.run();
  if (ec) return failed("", ec);
  http::response<http::string_body> response = parser.release();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return HttpReply{static_cast<int>(response.result_int()), std::string(response[http::field::content_type]),
                   std::move(response.body())};
}

}  // namespace berth::berthctl
