#pragma once
// berth::coordinator::NetworkedSolvers — the optimizer's LocalSolvers answered by the
// agents: at the start of a solve each asked node gets its class's subproblem, each round
// its prices, and the first valid bid of a class is the class's answer. A class without a
// valid bid when the round's deadline passes (a dead, slow or lying agent, or a node with
// no agent) is solved here with the same code, so a round never waits past its deadline
// and the placement is the one the in-process solve finds.
//
//   NetworkedSolvers solvers(link, state.metrics(), {.round_deadline = 500ms});
//   const auto solution = optimizer::solve(problem, options, solvers);
//   // solvers.stats(): per-round latency, bytes, bids; also recorded in the metrics
//
// One instance per solve; it is the link's round sink while it lives. Which members of a
// class are asked: reachable agents of ready (not cordoned) nodes, at most
// `bidders_per_class` of them (0: every member), so a large class of identical nodes
// does not do the same work a thousand times per round.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/optimizer/local_solvers.hpp"
#include "coordinator/rounds/agent_link.hpp"
#include "coordinator/rounds/round_collector.hpp"
#include "coordinator/state/metrics.hpp"

namespace berth::coordinator {

struct NetworkedSolversOptions {
  std::chrono::milliseconds round_deadline{500};
  int bidders_per_class = 2;
};

class NetworkedSolvers final : public optimizer::LocalSolvers, public RoundSink {
 public:
  NetworkedSolvers(AgentLink& link, Metrics& metrics, NetworkedSolversOptions options);
  ~NetworkedSolvers() override;
  NetworkedSolvers(const NetworkedSolvers&) = delete;
  NetworkedSolvers& operator=(const NetworkedSolvers&) = delete;

  void begin(const optimizer::Instance& instance, const std::vector<optimizer::LocalProblem>& class_problems) override;
  void answer(const std::vector<optimizer::LocalProblem>& problems, const optimizer::LocalOptions& options,
              std::vector<optimizer::LocalAnswer>& answers) override;
  BidOutcome deliver(const std::string& sender, const protocol::Bid& bid, std::size_t bytes) override;

  NetworkRoundStats stats() const;  // a copy: bids may still arrive
  std::uint64_t solve_id() const { return solve_; }

 private:
  AgentLink& link_;
  Metrics& metrics_;
  NetworkedSolversOptions options_;
  std::uint64_t solve_ = 0;
  std::uint64_t round_ = 0;
  std::vector<std::vector<std::string>> bidders_;  // per class

  mutable std::mutex mutex_;  // solve_, round_, open_ and stats_, shared with deliver()
  std::condition_variable round_done_;
  std::optional<RoundCollector> open_;
  NetworkRoundStats stats_;
};

}  // namespace berth::coordinator
