#include "common/net/zmq_sockets.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace berth::net {
namespace {

void apply(zmq::socket_t& socket, const SocketOptions& options) {
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
  socket.set(zmq::sockopt::sndhwm, options.send_high_water_mark);
  socket.set(zmq::sockopt::rcvhwm, options.receive_high_water_mark);
}

// Reads every frame of one message; nullopt when none is waiting.
std::optional<std::vector<std::string>> receive_frames(zmq::socket_t& socket) {
  std::vector<std::string> frames;
  try {
    zmq::message_t frame;
    if (!socket.recv(frame, zmq::recv_flags::dontwait)) return std::nullopt;
    frames.emplace_back(frame.to_string());
    while (frame.more()) {
      if (!socket.recv(frame, zmq::recv_flags::none)) break;
      frames.emplace_back(frame.to_string());
    }
  } catch (const zmq::error_t&) {
    if (frames.empty()) return std::nullopt;
  }
  return frames;
}

}  // namespace

Context::Context(int max_sockets) { context_.set(zmq::ctxopt::max_sockets, max_sockets); }

Router::Router(Context& context, const SocketOptions& options) : socket_(context.get(), zmq::socket_type::router) {
  apply(socket_, options);
  // An agent that reconnects under the same name takes its routing id over at once
  // (a restarted agent would otherwise be unreachable until the old pipe times out), and
  // a message to a name that is not connected fails instead of vanishing.
  socket_.set(zmq::sockopt::router_handover, 1);
  socket_.set(zmq::sockopt::router_mandatory, 1);
  // A thousand agents connect at once when a cluster starts; ZeroMQ's default listen
  // backlog of 100 sends most of them into the kernel's 1 s and 3 s SYN retries.
  socket_.set(zmq::sockopt::backlog, 4096);
}

Result<std::string> Router::bind(const std::string& endpoint) {
  try {
    socket_.bind(endpoint);
    return socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& error) {
    return Error{ErrorCode::io, "cannot bind " + endpoint + ": " + error.what()};
  }
}

bool Router::send(std::string_view peer, std::string_view payload) {
  try {
    if (!socket_.send(zmq::buffer(peer.data(), peer.size()), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
      return false;
    return socket_.send(zmq::buffer(payload.data(), payload.size()), zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;  // EHOSTUNREACH: not connected (router_mandatory)
  }
}

std::optional<RouterFrame> Router::receive() {
  auto frames = receive_frames(socket_);
  if (!frames) return std::nullopt;
  RouterFrame result;
  result.peer = std::move(frames->front());
  result.well_formed = frames->size() == 2;
  if (frames->size() >= 2) result.payload = std::move((*frames)[1]);
  return result;
}

Dealer::Dealer(Context& context, const DealerOptions& options) : socket_(context.get(), zmq::socket_type::dealer) {
  apply(socket_, options.socket);
  socket_.set(zmq::sockopt::routing_id, options.identity);
  socket_.set(zmq::sockopt::reconnect_ivl, static_cast<int>(options.reconnect_interval.count()));
  socket_.set(zmq::sockopt::reconnect_ivl_max, static_cast<int>(options.reconnect_interval_max.count()));
  // Queue only for a live connection: messages for a coordinator that is down are not
  // worth delivering late (a register is resent, bids are for rounds long over).
  socket_.set(zmq::sockopt::immediate, 1);
}

Result<bool> Dealer::connect(const std::string& endpoint) {
  try {
    socket_.connect(endpoint);
    return true;
  } catch (const zmq::error_t& error) {
    return Error{ErrorCode::io, "cannot connect to " + endpoint + ": " + error.what()};
  }
}

bool Dealer::send(std::string_view payload) {
  try {
    return socket_.send(zmq::buffer(payload.data(), payload.size()), zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;
  }
}

std::optional<RouterFrame> Dealer::receive() {
  auto frames = receive_frames(socket_);
  if (!frames) return std::nullopt;
  RouterFrame result;
  result.well_formed = frames->size() == 1;
  result.payload = std::move(frames->front());
  return result;
}

Wakeup::Wakeup() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

Wakeup::~Wakeup() {
  if (fd_ >= 0) close(fd_);
}

void Wakeup::notify() {
  const std::uint64_t one = 1;
  // A full counter (never in practice) still leaves the fd readable, which is all we need.
  [[maybe_unused]] const auto written = write(fd_, &one, sizeof one);
}

void Wakeup::drain() {
  std::uint64_t value = 0;
  [[maybe_unused]] const auto read_bytes = read(fd_, &value, sizeof value);
}

int poll(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items, timeout);
  } catch (const zmq::error_t&) {
    return 0;  // EINTR: a signal; the caller's loop checks whether to stop
  }
}

}  // namespace berth::net
