#pragma once
// berth::coordinator::RoundCollector — the bids of one price round, checked as they
// arrive: which node classes have an answer, and why a bid was refused. No sockets and no
// clock; NetworkedSolvers feeds it from the network thread and reads it when the round
// is complete or its deadline has passed.
//
//   RoundCollector round(solve, 7, problems, bidders, {.bound_only = false});
//   switch (round.offer("n3", bid).verdict) { case BidVerdict::accepted: ... }
//   if (round.complete()) ... round.answers()[c] ...   // nullopt: solve class c here
//
// A bid is accepted only from a node asked in this round, for this solve and round, and
// only if it is a possible answer: one count per item within the item's limit, a local
// cost that is finite (the answer fits the node's capacity and rules) and a value that
// matches that cost at the round's prices. Its lower bound cannot be checked this cheaply;
// an agent speaks only for its own node (the routing id is its name), so a node's bound
// is that node's word. The first accepted bid of a class is its answer: members of a
// class have identical subproblems and run the same code.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/optimizer/local.hpp"
#include "common/protocol/messages.hpp"

namespace berth::coordinator {

enum class BidVerdict {
  accepted,
  duplicate,       // its class already has an answer (another member was faster)
  late,            // an earlier round of this solve: a slower member, or past the deadline
  other_round,     // another solve, or a round not yet opened: replayed or forged
  unknown_sender,  // not asked in this round
  invalid,         // not a possible answer (see the reason)
};
const char* to_string(BidVerdict verdict);

struct BidOutcome {
  BidVerdict verdict = BidVerdict::invalid;
  std::string reason{};  // for other_round and invalid: what did not match
};

struct RoundKind {
  bool bound_only = false;  // price search: only the lower bound is wanted
};

class RoundCollector {
 public:
  // problems[c] holds class c's subproblem at this round's prices; bidders[c] the nodes
  // asked to answer for it (empty: the coordinator solves the class itself).
  RoundCollector(std::uint64_t solve, std::uint64_t round, const std::vector<optimizer::LocalProblem>& problems,
                 const std::vector<std::vector<std::string>>& bidders, RoundKind kind);

  BidOutcome offer(const std::string& sender, const protocol::Bid& bid);

  // Every class that has bidders has an answer.
  bool complete() const { return answered_ == expected_; }
  std::size_t expected() const { return expected_; }
  std::size_t answered() const { return answered_; }
  std::vector<std::optional<optimizer::LocalAnswer>>& answers() { return answers_; }

 private:
  std::string check(const optimizer::LocalProblem& problem, const protocol::Bid& bid) const;

  std::uint64_t solve_;
  std::uint64_t round_;
  const std::vector<optimizer::LocalProblem>& problems_;
  RoundKind kind_;
  std::unordered_map<std::string, std::size_t> class_of_sender_;
  std::vector<std::optional<optimizer::LocalAnswer>> answers_;
  std::size_t expected_ = 0;
  std::size_t answered_ = 0;
};

}  // namespace berth::coordinator
