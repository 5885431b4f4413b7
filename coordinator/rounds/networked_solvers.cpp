#include "coordinator/rounds/networked_solvers.hpp"

#include <memory>

#include "common/optimizer/instance.hpp"
#include "common/protocol/codec.hpp"

namespace berth::coordinator {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The options the agents solve with: the defaults, or the defaults without an answer.
// Anything else the protocol cannot say, so such a round is solved here.
bool agents_can_answer(const optimizer::LocalOptions& options) {
  const optimizer::LocalOptions defaults;
  return options.want_bound && options.enumeration_limit == defaults.enumeration_limit;
}

}  // namespace

NetworkedSolvers::NetworkedSolvers(AgentLink& link, Metrics& metrics, NetworkedSolversOptions options)
    : link_(link), metrics_(metrics), options_(options) {
  link_.set_round_sink(this);
}

NetworkedSolvers::~NetworkedSolvers() {
  link_.set_round_sink(nullptr);  // no delivery runs after this returns
  if (!stats_.round_seconds.empty() || stats_.bytes_sent > 0) metrics_.record_network_solve(stats_);
}

NetworkRoundStats NetworkedSolvers::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

void NetworkedSolvers::begin(const optimizer::Instance& instance,
                             const std::vector<optimizer::LocalProblem>& class_problems) {
  {
    const std::lock_guard lock(mutex_);  // deliver() reads them on the network thread
    solve_ = link_.next_solve_id();
    round_ = 0;
  }
  const model::Problem& problem = *instance.problem;
  bidders_.assign(class_problems.size(), {});
  std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> batch;
  std::uint64_t sent = 0;
  for (std::size_t c = 0; c < class_problems.size(); ++c) {
    for (const std::uint32_t n : instance.class_members[c]) {
      const model::Node& node = problem.nodes[n];
      if (node.state != model::NodeState::ready || !link_.reachable(node.name)) continue;
      bidders_[c].push_back(node.name);
      if (options_.bidders_per_class > 0 && bidders_[c].size() >= static_cast<std::size_t>(options_.bidders_per_class))
        break;
    }
    if (bidders_[c].empty()) continue;
    protocol::Subproblem message{.solve = solve_, .services = {}, .problem = class_problems[c]};
    for (const optimizer::LocalItem& item : class_problems[c].items)
      message.services.push_back(problem.services[item.service].name);
    const auto payload = std::make_shared<const std::string>(protocol::encode(message));
    for (const std::string& node : bidders_[c]) {
      sent += payload->size();
      batch.emplace_back(node, payload);
    }
  }
  {
    const std::lock_guard lock(mutex_);
    stats_.bytes_sent += sent;
  }
  link_.send(std::move(batch));
}

void NetworkedSolvers::answer(const std::vector<optimizer::LocalProblem>& problems,
                              const optimizer::LocalOptions& options, std::vector<optimizer::LocalAnswer>& answers) {
  const auto started = SteadyClock::now();
  const bool networked = agents_can_answer(options) && !bidders_.empty() && link_.running();
  if (networked) {
    std::uint64_t round = 0;
    {
      const std::lock_guard lock(mutex_);
      round = ++round_;
    }
    std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> batch;
    std::uint64_t sent = 0;
    for (std::size_t c = 0; c < problems.size(); ++c) {
      if (bidders_[c].empty()) continue;
      protocol::Prices message{.solve = solve_,
                               .round = round,
                               .deadline_ms = options_.round_deadline.count(),
                               .bound_only = !options.want_answer,
                               .direction = problems[c].bound_direction,
                               .prices = {}};
      for (const optimizer::LocalItem& item : problems[c].items) message.prices.push_back(item.price);
      const auto payload = std::make_shared<const std::string>(protocol::encode(message));
      for (const std::string& node : bidders_[c]) {
        sent += payload->size();
        batch.emplace_back(node, payload);
      }
    }
    std::unique_lock lock(mutex_);
    stats_.bytes_sent += sent;
    open_.emplace(solve_, round, problems, bidders_, RoundKind{.bound_only = !options.want_answer});
    lock.unlock();
    link_.send(std::move(batch));
    lock.lock();
    round_done_.wait_until(lock, started + options_.round_deadline, [&] { return open_->complete(); });
    auto collected = std::move(open_->answers());
    open_.reset();
    lock.unlock();
    // Classes without a bid are solved here, with the network thread free to go on.
    std::uint64_t accepted = 0;
    std::uint64_t local = 0;
    for (std::size_t c = 0; c < problems.size(); ++c) {
      if (collected[c]) {
        answers[c] = std::move(*collected[c]);
        ++accepted;
      } else {
        answers[c] = optimizer::solve_local(problems[c], options);
        if (!bidders_[c].empty()) ++local;
      }
    }
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    lock.lock();
    stats_.bids_accepted += accepted;
    stats_.answers_local += local;
    stats_.round_seconds.push_back(seconds);
    return;
  }
  for (std::size_t c = 0; c < problems.size(); ++c) answers[c] = optimizer::solve_local(problems[c], options);
}

BidOutcome NetworkedSolvers::deliver(const std::string& sender, const protocol::Bid& bid, std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  stats_.bytes_received += bytes;
  BidOutcome outcome{BidVerdict::late};
  if (open_) {
    outcome = open_->offer(sender, bid);
  } else if (bid.solve != solve_ || bid.round > round_) {
    outcome = {BidVerdict::other_round, "no such round is open"};
  }
  switch (outcome.verdict) {
    case BidVerdict::accepted:
      if (open_->complete()) round_done_.notify_one();
      break;
    case BidVerdict::duplicate:
    case BidVerdict::late: ++stats_.bids_late; break;
    default: ++stats_.bids_refused; break;
  }
  return outcome;
}

}  // namespace berth::coordinator
