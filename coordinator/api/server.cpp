#include "coordinator/api/server.hpp"

#include <future>
#include <optional>
#include <vector>
#include <thread>
#include <utility>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "coordinator/api/handler.hpp"

namespace berth::coordinator::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// How long a connection that must close is drained after its answer, so that the client
// reads the answer instead of a reset from unread request bytes (e.g. after 413).
constexpr std::chrono::seconds kDrainTimeout{2};

class Session;

}  // namespace

struct HttpServer::Impl {
  Impl(ClusterState& state_in, ServerOptions options_in)
      : state(state_in), options(std::move(options_in)), handler(state_in), acceptor(io) {}

  ClusterState& state;
  ServerOptions options;
  ApiHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::optional<asio::thread_pool> solver;
  std::thread network;
  std::uint16_t port = 0;
  bool running = false;
  // Open connections, touched only on the network thread, so stop() can close them.
  std::vector<std::weak_ptr<Session>> sessions;

  void accept();
  void close_all();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void close() {
    beast::error_code ignored;
    if (!stream_.socket().is_open()) return;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      respond(error_response(413, "request body over the limit of " + std::to_string(server_.options.max_body_bytes) +
                                      " bytes"),
              /*keep_alive=*/false, 11);
      return;
    }
    if (ec) {
      // Not HTTP, or broken HTTP: say so once, then hang up.
      respond(error_response(400, "malformed HTTP request: " + ec.message()), /*keep_alive=*/false, 11);
      return;
    }
    http::request<http::string_body> message = parser_->release();
    HttpRequest request{.method = std::string(message.method_string()),
                        .target = std::string(message.target()),
                        .content_type = std::string(message[http::field::content_type]),
                        .body = std::move(message.body())};
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    if (!ApiHandler::may_solve(request)) {
      respond(server_.handler.handle(request), keep_alive, version);
      return;
    }
    // A solve takes long: run it on the solver thread, answer back on this connection's.
    asio::post(*server_.solver, [self = shared_from_this(), request = std::move(request), keep_alive, version] {
      HttpResponse response;
      try {
        response = self->server_.handler.handle(request);
      } catch (const std::exception& e) {
        response = error_response(500, std::string("unexpected error: ") + e.what());
      }
      asio::post(self->stream_.get_executor(), [self, response = std::move(response), keep_alive, version]() mutable {
        self->respond(std::move(response), keep_alive, version);
      });
    });
  }

  void respond(HttpResponse response, bool keep_alive, unsigned version) {
    server_.state.metrics().count_request(response.status);
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version);
    message->set(http::field::server, "berth-coordinator");
    message->set(http::field::content_type, response.content_type);
    if (!response.allow.empty()) message->set(http::field::allow, response.allow);
    message->keep_alive(keep_alive);
    message->body() = std::move(response.body);
    message->prepare_payload();
    stream_.expires_after(server_.options.idle_timeout);
    http::async_write(stream_, *message, [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
      if (ec) {
        self->close();
      } else if (message->keep_alive()) {
        self->read();
      } else {
        self->drain();
      }
    });
  }

  // Half-close, then read and discard what the client still sends until it closes too.
  void drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTimeout);
    stream_.async_read_some(asio::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->close();
      } else {
        self->drain_more();
      }
    });
  }

  void drain_more() {
    stream_.async_read_some(asio::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->close();
      } else {
        self->drain_more();
      }
    });
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 16384> drain_buffer_{};
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      std::erase_if(sessions, [](const std::weak_ptr<Session>& session) { return session.expired(); });
      auto session = std::make_shared<Session>(std::move(socket), *this);
      sessions.push_back(session);
      session->read();
    }
    accept();
  });
}

void HttpServer::Impl::close_all() {
  beast::error_code ignored;
  acceptor.close(ignored);
  for (const auto& weak : sessions)
    if (const auto session = weak.lock()) session->close();
  sessions.clear();
}

HttpServer::HttpServer(ClusterState& state, ServerOptions options)
    : impl_(std::make_unique<Impl>(state, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

Result<std::uint16_t> HttpServer::start() {
  Impl& impl = *impl_;
  if (impl.running) return impl.port;
  const std::string where = impl.options.host + ":" + std::to_string(impl.options.port);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl.options.host, ec);
  if (ec) return Error{ErrorCode::invalid_argument, "bad listen address " + where + ": " + ec.message()};
  const tcp::endpoint endpoint(address, impl.options.port);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    return Error{ErrorCode::io, "cannot listen on " + where + ": " + ec.message()};
  }
  impl.port = impl.acceptor.local_endpoint().port();
  impl.solver.emplace(1);
  impl.accept();
  impl.network = std::thread([&impl] { impl.io.run(); });
  impl.running = true;
  return impl.port;
}

void HttpServer::stop() {
  Impl& impl = *impl_;
  if (!impl.running) return;
  impl.running = false;
  // A solve in progress finishes first; its answer is then dropped with the connection.
  impl.solver->join();
  // Close the listener and every connection on the network thread, and wait for it, so
  // that the port is free and clients see a closed connection when stop() returns.
  std::promise<void> closed;
  asio::post(impl.io, [&impl, &closed] {
    impl.close_all();
    closed.set_value();
  });
  closed.get_future().wait();
  impl.io.stop();
  impl.network.join();
  impl.solver.reset();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace berth::coordinator::api
