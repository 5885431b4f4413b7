#pragma once
// berth::net — the only place that speaks ZeroMQ: the coordinator's ROUTER, the agents'
// DEALERs, and a wakeup that lets another thread interrupt a poll. Payloads are opaque
// bytes here; common/protocol turns them into messages.
//
//   net::Context context;
//   net::Router router(context, {});
//   const auto endpoint = router.bind("tcp://127.0.0.1:*");   // "tcp://127.0.0.1:40123"
//   net::Dealer dealer(context, {.identity = "n1"});
//   dealer.connect(*endpoint);
//   dealer.send(protocol::encode(protocol::Register{...}));
//   while (auto frame = router.receive()) use(frame->peer, frame->payload);
//
// Nothing here throws: zmq errors become Result errors or a false return, because the
// sockets sit in the network loops of long-running processes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "common/result.hpp"

namespace berth::net {

// One ZeroMQ context per process (it owns the I/O threads).
class Context {
 public:
  explicit Context(int max_sockets = 4096);
  zmq::context_t& get() { return context_; }

 private:
  zmq::context_t context_;
};

struct SocketOptions {
  // Larger messages are refused by ZeroMQ itself, before any parsing.
  std::int64_t max_message_bytes = 64 << 20;
  int send_high_water_mark = 10000;
  int receive_high_water_mark = 10000;
};

// A message as the ROUTER receives it. `well_formed` is false when the peer sent other
// than exactly one payload frame; such messages are dropped by the caller with a log line.
struct RouterFrame {
  std::string peer;  // the sender's routing id (the agent's node name)
  std::string payload;
  bool well_formed = true;
};

class Router {
 public:
  Router(Context& context, const SocketOptions& options);
  // Binds and returns the endpoint bound, with the port resolved when it was "*".
  Result<std::string> bind(const std::string& endpoint);
  // Queues one payload frame for `peer`. False when the peer is unknown or its queue is
  // full (the message is dropped, as for a peer that went away).
  bool send(std::string_view peer, std::string_view payload);
  // One message if one is waiting, without blocking.
  std::optional<RouterFrame> receive();
  zmq::socket_t& socket() { return socket_; }

 private:
  zmq::socket_t socket_;
};

struct DealerOptions {
  std::string identity;  // routing id the ROUTER sees: the node name
  SocketOptions socket{};
  std::chrono::milliseconds reconnect_interval{100};
  std::chrono::milliseconds reconnect_interval_max{2000};
};

class Dealer {
 public:
  Dealer(Context& context, const DealerOptions& options);
  Result<bool> connect(const std::string& endpoint);
  // False when the message could not be queued (no connection yet and the queue is full).
  bool send(std::string_view payload);
  // One message's frames joined if one is waiting, without blocking; `well_formed` as for
  // the ROUTER (one frame expected).
  std::optional<RouterFrame> receive();
  zmq::socket_t& socket() { return socket_; }

 private:
  zmq::socket_t socket_;
};

// Another thread's way into a poll: notify() makes fd() readable until drain().
class Wakeup {
 public:
  Wakeup();
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;
  void notify();
  void drain();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Waits up to `timeout` for any of `items` to be ready (zmq::poll without exceptions);
// returns how many are, 0 on timeout or interruption.
int poll(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout);

}  // namespace berth::net
