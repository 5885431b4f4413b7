#include "coordinator/rounds/agent_link.hpp"

#include <spdlog/spdlog.h>

#include "common/protocol/codec.hpp"

namespace berth::coordinator {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

NodeReport to_node_report(const protocol::NodeReport& report) {
  NodeReport node{.name = report.node,
                  .labels = model::Labels(report.labels.begin(), report.labels.end()),
                  .capacity = report.capacity,
                  .soft_capacity = report.soft_capacity,
                  .taints = report.taints,
                  .cost = report.cost};
  for (const auto& [service, count] : report.running) node.running[service] = count;
  return node;
}

AgentLink::AgentLink(ClusterState& state, net::Context& context, AgentLinkOptions options,
                     std::shared_ptr<spdlog::logger> logger)
    : state_(state), options_(std::move(options)), log_(std::move(logger)), router_(context, {}) {}

AgentLink::~AgentLink() { stop(); }

Result<std::string> AgentLink::start() {
  auto bound = router_.bind(options_.endpoint);
  if (!bound) return bound.error();
  thread_ = std::thread([this] { run(); });
  return bound;
}

void AgentLink::stop() {
  stopping_ = true;
  wakeup_.notify();
  if (thread_.joinable()) thread_.join();
}

void AgentLink::send(const std::string& node, std::shared_ptr<const std::string> payload) {
  {
    const std::lock_guard lock(outbox_mutex_);
    outbox_.emplace_back(node, std::move(payload));
  }
  wakeup_.notify();
}

void AgentLink::send(std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> batch) {
  {
    const std::lock_guard lock(outbox_mutex_);
    if (outbox_.empty()) {
      outbox_ = std::move(batch);
    } else {
      for (auto& entry : batch) outbox_.push_back(std::move(entry));
    }
  }
  wakeup_.notify();
}

bool AgentLink::reachable(const std::string& node) const {
  if (stopping_) return false;
  const std::lock_guard lock(peers_mutex_);
  const auto it = registered_.find(node);
  return it != registered_.end() && SteadyClock::now() - it->second <= 2 * options_.heartbeat;
}

void AgentLink::set_round_sink(RoundSink* sink) {
  const std::lock_guard lock(sink_mutex_);
  sink_ = sink;
}

void AgentLink::run() {
  const auto sweep_every = std::max(options_.heartbeat / 2, std::chrono::milliseconds(1));
  auto next_sweep = SteadyClock::now() + sweep_every;
  std::vector<zmq::pollitem_t> items = {
      {router_.socket().handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, wakeup_.fd(), ZMQ_POLLIN, 0},
  };
  while (!stopping_) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_sweep - SteadyClock::now());
    net::poll(items, std::max(wait, std::chrono::milliseconds(0)));
    if (items[1].revents & ZMQ_POLLIN) wakeup_.drain();
    flush_outbox();
    // A bounded batch per pass, so queued sends and sweeps are never starved by a flood.
    for (int i = 0; i < 10000; ++i) {
      auto frame = router_.receive();
      if (!frame) break;
      try {
        handle(*frame);
      } catch (const std::exception& error) {
        // A bug in handling must not take the coordinator down; the message is lost.
        log_->error("message from {} not handled: {}", frame->peer, error.what());
      }
    }
    if (SteadyClock::now() >= next_sweep) {
      next_sweep = SteadyClock::now() + sweep_every;
      for (const std::string& lost : state_.sweep()) {
        log_->warn("node lost node={}", lost);
        const std::lock_guard lock(peers_mutex_);
        registered_.erase(lost);
      }
    }
  }
}

void AgentLink::flush_outbox() {
  std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> batch;
  {
    const std::lock_guard lock(outbox_mutex_);
    batch.swap(outbox_);
  }
  for (const auto& [node, payload] : batch)
    if (!router_.send(node, *payload)) log_->debug("not sent node={} (not connected or queue full)", node);
}

void AgentLink::drop(const std::string& sender, const std::string& why) {
  state_.metrics().count_dropped();
  log_->warn("dropped message from={} reason=\"{}\"", sender, why);
}

void AgentLink::reply(const std::string& node, const protocol::Message& message) {
  if (!router_.send(node, protocol::encode(message))) log_->debug("reply not sent node={}", node);
}

void AgentLink::handle(const net::RouterFrame& frame) {
  if (!frame.well_formed) return drop(frame.peer, "expected one payload frame");
  auto message = protocol::decode(frame.payload);
  if (!message) return drop(frame.peer, "decode: " + message.error().message);
  if (const auto* bid = std::get_if<protocol::Bid>(&*message)) {
    BidOutcome outcome{BidVerdict::late};  // no solve running: its solve has ended
    {
      const std::lock_guard lock(sink_mutex_);
      if (sink_ != nullptr) outcome = sink_->deliver(frame.peer, *bid, frame.payload.size());
    }
    switch (outcome.verdict) {
      case BidVerdict::accepted:
      case BidVerdict::duplicate:
      case BidVerdict::late: break;  // slow, not hostile
      case BidVerdict::invalid: drop(frame.peer, "invalid bid: " + outcome.reason); break;
      case BidVerdict::other_round:
      case BidVerdict::unknown_sender:
        drop(frame.peer, std::string("bid refused: ") + to_string(outcome.verdict) + " " + outcome.reason);
        break;
    }
    return;
  }
  if (const auto* reg = std::get_if<protocol::Register>(&*message))
    return handle_report(frame.peer, reg->report, true, 0);
  if (const auto* heartbeat = std::get_if<protocol::Heartbeat>(&*message))
    return handle_report(frame.peer, heartbeat->report, false, heartbeat->incarnation);
  drop(frame.peer, std::string("unexpected ") + protocol::type_name(*message) + " from an agent");
}

void AgentLink::handle_report(const std::string& sender, const protocol::NodeReport& report, bool is_register,
                              std::uint64_t incarnation) {
  if (report.node != sender)
    return drop(sender, "report for node '" + report.node + "' from another node's connection");
  if (!is_register) {
    bool known = incarnation == options_.incarnation;
    if (known) {
      const std::lock_guard lock(peers_mutex_);
      known = registered_.count(sender) > 0;
    }
    if (!known) {
      reply(sender, protocol::HeartbeatAck{.incarnation = options_.incarnation, .known = false});
      return;
    }
  }
  const auto change = state_.report_node(to_node_report(report));
  if (!change) return drop(sender, change.error().message);
  {
    const std::lock_guard lock(peers_mutex_);
    registered_[sender] = SteadyClock::now();
  }
  if (is_register) {
    log_->info("node registered node={} change={}", sender, to_string(*change));
    reply(sender, protocol::RegisterAck{.incarnation = options_.incarnation,
                                        .heartbeat_ms = options_.heartbeat.count()});
  } else {
    if (*change != NodeChange::updated) log_->info("node back node={} change={}", sender, to_string(*change));
    reply(sender, protocol::HeartbeatAck{.incarnation = options_.incarnation, .known = true});
  }
}

}  // namespace berth::coordinator
