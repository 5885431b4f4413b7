#include "bench/roadef/reader.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace berth::roadef {
namespace {

using optimizer::Reassignment;

// Whitespace-separated integers with the line each came from, read one at a time; the
// first error is kept and every later read fails, so the parser stays linear.
class Tokens {
 public:
  Tokens(const std::string& text, std::string name) : text_(text), name_(std::move(name)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  // `what` names the record and field: "machine 2 capacity[1]".
  std::int64_t next(const std::string& what, std::int64_t min_value, std::int64_t max_value) {
    if (failed()) return min_value;
    skip_space();
    if (pos_ >= text_.size()) {
      fail(what + ": unexpected end of file");
      return min_value;
    }
    const auto start = pos_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    const auto word = std::string_view(text_).substr(start, pos_ - start);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (ec != std::errc() || end != word.data() + word.size()) {
      fail(what + ": expected an integer, got '" + std::string(word) + "'");
      return min_value;
    }
    if (value < min_value || value > max_value) {
      fail(what + ": " + std::to_string(value) + " is out of range [" + std::to_string(min_value) + ", " +
           std::to_string(max_value) + "]");
      return min_value;
    }
    return value;
  }

  void expect_end() {
    if (failed()) return;
    skip_space();
    if (pos_ < text_.size()) fail("unexpected data after the last record");
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }
  void fail(const std::string& message) { error_ = name_ + ":" + std::to_string(line_) + ": " + message; }

  const std::string& text_;
  std::string name_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
};

constexpr std::int64_t kMaxCount = 10'000'000;
constexpr std::int64_t kMaxValue = std::int64_t{1} << 40;  // keeps every cost sum far from overflow

std::string field(const std::string& record, std::size_t index, const std::string& name) {
  return record + " " + std::to_string(index) + " " + name;
}

std::string indexed(const std::string& name, std::size_t index) { return name + "[" + std::to_string(index) + "]"; }

}  // namespace

Result<Reassignment> parse_instance(const std::string& model_text, const std::string& assignment_text,
                                    const std::string& model_name, const std::string& assignment_name) {
  Reassignment p;
  Tokens in(model_text, model_name);

  const auto resource_count = static_cast<std::size_t>(in.next("resource count", 1, 1000));
  p.resources.resize(resource_count);
  for (std::size_t r = 0; r < resource_count && !in.failed(); ++r) {
    p.resources[r].transient = in.next(field("resource", r, "transient"), 0, 1) == 1;
    p.resources[r].load_cost_weight = in.next(field("resource", r, "weightLoadCost"), 0, kMaxValue);
  }

  const auto machine_count = static_cast<std::size_t>(in.next("machine count", 1, 10'000));
  if (!in.failed()) {
    p.machines.resize(machine_count);
    p.machine_move_cost.assign(machine_count, std::vector<std::int64_t>(machine_count, 0));
  }
  for (std::size_t m = 0; m < machine_count && !in.failed(); ++m) {
    auto& machine = p.machines[m];
    machine.neighborhood = static_cast<int>(in.next(field("machine", m, "neighborhood"), 0, kMaxCount));
    machine.location = static_cast<int>(in.next(field("machine", m, "location"), 0, kMaxCount));
    machine.capacity.resize(resource_count);
    machine.safety_capacity.resize(resource_count);
    for (std::size_t r = 0; r < resource_count; ++r)
      machine.capacity[r] = in.next(field("machine", m, indexed("capacity", r)), 0, kMaxValue);
    for (std::size_t r = 0; r < resource_count; ++r)
      machine.safety_capacity[r] = in.next(field("machine", m, indexed("safety_capacity", r)), 0, kMaxValue);
    for (std::size_t to = 0; to < machine_count; ++to)
      p.machine_move_cost[m][to] = in.next(field("machine", m, indexed("move_cost", to)), 0, kMaxValue);
  }

  const auto service_count = static_cast<std::size_t>(in.next("service count", 0, kMaxCount));
  if (!in.failed()) p.services.resize(service_count);
  for (std::size_t s = 0; s < service_count && !in.failed(); ++s) {
    auto& service = p.services[s];
    service.spread_min = static_cast<int>(in.next(field("service", s, "spreadMin"), 0, kMaxCount));
    const auto deps = static_cast<std::size_t>(in.next(field("service", s, "dependency count"), 0,
                                                       static_cast<std::int64_t>(service_count)));
    for (std::size_t d = 0; d < deps && !in.failed(); ++d)
      service.dependencies.push_back(static_cast<int>(
          in.next(field("service", s, indexed("dependency", d)), 0, static_cast<std::int64_t>(service_count) - 1)));
  }

  const auto process_count = static_cast<std::size_t>(in.next("process count", 0, kMaxCount));
  if (!in.failed()) p.processes.resize(process_count);
  for (std::size_t i = 0; i < process_count && !in.failed(); ++i) {
    auto& process = p.processes[i];
    process.service = static_cast<int>(
        in.next(field("process", i, "service"), 0, static_cast<std::int64_t>(service_count) - 1));
    process.requirement.resize(resource_count);
    for (std::size_t r = 0; r < resource_count; ++r)
      process.requirement[r] = in.next(field("process", i, indexed("requirement", r)), 0, kMaxValue);
    process.move_cost = in.next(field("process", i, "move_cost"), 0, kMaxValue);
  }

  const auto balance_count = static_cast<std::size_t>(in.next("balance count", 0, kMaxCount));
  if (!in.failed()) p.balances.resize(balance_count);
  const auto last_resource = static_cast<std::int64_t>(resource_count) - 1;
  for (std::size_t b = 0; b < balance_count && !in.failed(); ++b) {
    auto& balance = p.balances[b];
    balance.resource1 = static_cast<int>(in.next(field("balance", b, "resource1"), 0, last_resource));
    balance.resource2 = static_cast<int>(in.next(field("balance", b, "resource2"), 0, last_resource));
    balance.target = in.next(field("balance", b, "target"), 0, kMaxValue);
    balance.weight = in.next(field("balance", b, "weight"), 0, kMaxValue);
  }
  p.process_move_weight = in.next("weightProcessMoveCost", 0, kMaxValue);
  p.service_move_weight = in.next("weightServiceMoveCost", 0, kMaxValue);
  p.machine_move_weight = in.next("weightMachineMoveCost", 0, kMaxValue);
  in.expect_end();
  if (in.failed()) return Error{ErrorCode::invalid_spec, in.error()};

  Tokens assignment(assignment_text, assignment_name);
  p.initial.resize(process_count);
  for (std::size_t i = 0; i < process_count && !assignment.failed(); ++i)
    p.initial[i] = static_cast<int>(
        assignment.next("process " + std::to_string(i) + " machine", 0, static_cast<std::int64_t>(machine_count) - 1));
  assignment.expect_end();
  if (assignment.failed()) return Error{ErrorCode::invalid_spec, assignment.error()};
  return p;
}

namespace {

Result<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::io, path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{ErrorCode::io, path + ": read failed"};
  return text.str();
}

}  // namespace

Result<Reassignment> read_instance(const std::string& model_path, const std::string& assignment_path) {
  auto model = slurp(model_path);
  if (!model) return model.error();
  auto assignment = slurp(assignment_path);
  if (!assignment) return assignment.error();
  return parse_instance(*model, *assignment, model_path, assignment_path);
}

std::string format_solution(const std::vector<int>& assignment) {
  std::string text;
  for (std::size_t i = 0; i < assignment.size(); ++i) {
    if (i > 0) text += ' ';
    text += std::to_string(assignment[i]);
  }
  text += '\n';
  return text;
}

Result<bool> write_solution(const std::string& path, const std::vector<int>& assignment) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{ErrorCode::io, path + ": cannot open for writing"};
  out << format_solution(assignment);
  out.flush();
  if (!out) return Error{ErrorCode::io, path + ": write failed"};
  return true;
}

}  // namespace berth::roadef
