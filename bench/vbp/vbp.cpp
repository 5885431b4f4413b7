#include "bench/vbp/vbp.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <numeric>
#include <optional>
#include <sstream>

namespace berth::bench::vbp {
namespace {

// Whitespace-separated integers with the line each one starts on.
class Tokens {
 public:
  Tokens(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  // The next integer in [min, max], or an error naming `what` and the line.
  Result<std::int64_t> next(const std::string& what, std::int64_t min, std::int64_t max) {
    if (at_end()) return fail_at(last_line_, "expected " + what + ", found the end of the file");
    const std::string_view word = this->word();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (ec == std::errc::result_out_of_range) return fail(what + " '" + std::string(word) + "' is out of range");
    if (ec != std::errc{} || end != word.data() + word.size())
      return fail("expected " + what + " (an integer), found '" + std::string(word.substr(0, 40)) + "'");
    if (value < min || value > max)
      return fail(what + " " + std::to_string(value) + " is outside [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
    return value;
  }

  // The next whitespace-separated word, whatever it is.
  std::string_view word() {
    skip_space();
    const std::size_t start = pos_;
    last_line_ = line_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }

  // An error on the line of the word read last.
  Error fail(const std::string& message) const { return fail_at(last_line_, message); }

 private:
  Error fail_at(int line, const std::string& message) const {
    return Error{ErrorCode::invalid_spec, file_ + ":" + std::to_string(line) + ": " + message};
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int last_line_ = 1;
};

std::string stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (const auto dot = name.rfind(".vbp"); dot != std::string::npos && dot + 4 == name.size()) name.resize(dot);
  return name;
}

constexpr int kMaxDims = 1000;

// An item's request in berth's model: its sizes with negatives raised to 0.
std::vector<std::int64_t> model_sizes(const ItemType& item) {
  std::vector<std::int64_t> sizes;
  for (const auto size : item.size) sizes.push_back(std::max<std::int64_t>(size, 0));
  return sizes;
}

}  // namespace

std::int64_t Instance::item_count() const {
  std::int64_t count = 0;
  for (const auto& item : items) count += item.multiplicity;
  return count;
}

bool Instance::has_negative_sizes() const {
  for (const auto& item : items)
    for (const auto size : item.size)
      if (size < 0) return true;
  return false;
}

Result<Instance> parse_vbp(std::string_view text, const std::string& file) {
  Tokens tokens(text, file);
  Instance instance;
  instance.name = stem(file);
  auto dims = tokens.next("the number of dimensions", 1, kMaxDims);
  if (!dims) return dims.error();
  for (std::int64_t r = 0; r < *dims; ++r) {
    auto capacity = tokens.next("capacity " + std::to_string(r + 1), 1, kMaxValue);
    if (!capacity) return capacity.error();
    instance.capacity.push_back(*capacity);
  }
  auto types = tokens.next("the number of item types", 0, kMaxItems);
  if (!types) return types.error();
  std::int64_t total = 0;
  for (std::int64_t i = 0; i < *types; ++i) {
    const std::string label = "item type " + std::to_string(i + 1);
    ItemType item;
    for (std::int64_t r = 0; r < *dims; ++r) {
      // Negative sizes occur in the public Triplet data (-1, -2: the generator's rounding);
      // they are read as they are and the verifier counts them, see to_problem.
      auto size = tokens.next("size " + std::to_string(r + 1) + " of " + label, -kMaxValue, kMaxValue);
      if (!size) return size.error();
      if (*size > instance.capacity[r])
        return tokens.fail(label + " fits in no bin: size " + std::to_string(*size) + " > capacity " +
                           std::to_string(instance.capacity[r]) + " in dimension " + std::to_string(r + 1));
      item.size.push_back(*size);
    }
    auto multiplicity = tokens.next("the multiplicity of " + label, 0, kMaxItems);
    if (!multiplicity) return multiplicity.error();
    item.multiplicity = *multiplicity;
    total += item.multiplicity;
    if (total > kMaxItems) return tokens.fail("more than " + std::to_string(kMaxItems) + " items in all");
    instance.items.push_back(std::move(item));
  }
  if (!tokens.at_end())
    return tokens.fail("unexpected '" + std::string(tokens.word().substr(0, 40)) + "' after the " +
                       std::to_string(*types) + " item types the file declares");
  return instance;
}

Result<Instance> read_vbp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::io, path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{ErrorCode::io, path + ": read error"};
  return parse_vbp(text.str(), path);
}

std::int64_t volume_lower_bound(const Instance& instance) {
  std::int64_t bound = 0;
  for (int r = 0; r < instance.dims(); ++r) {
    std::int64_t sum = 0;  // ≤ kMaxItems · kMaxValue < 2^63
    for (const auto& item : instance.items) sum += item.size[r] * item.multiplicity;
    bound = std::max(bound, (sum + instance.capacity[r] - 1) / instance.capacity[r]);
  }
  return bound;
}

std::int64_t dimension_lower_bound(const Instance& instance, int dim) {
  const std::int64_t capacity = instance.capacity[dim];
  std::vector<std::int64_t> sizes;  // every item, largest first
  for (const auto& item : instance.items) {
    if (item.size[dim] < 0) return 0;  // a negative size lets two large items share a bin
    sizes.insert(sizes.end(), static_cast<std::size_t>(item.multiplicity), item.size[dim]);
  }
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  std::vector<std::int64_t> prefix(sizes.size() + 1, 0);  // prefix[i]: Σ of the i largest
  for (std::size_t i = 0; i < sizes.size(); ++i) prefix[i + 1] = prefix[i] + sizes[i];
  // Items above `limit` (largest first) number count_above(limit).
  auto count_above = [&](std::int64_t limit) {
    return static_cast<std::size_t>(std::upper_bound(sizes.begin(), sizes.end(), limit, std::greater<>()) - sizes.begin());
  };
  const std::size_t half = count_above(capacity / 2);  // items > C/2: pairwise apart
  std::int64_t best = static_cast<std::int64_t>(half);
  std::vector<std::int64_t> thresholds{0};
  for (std::size_t i = half; i < sizes.size(); ++i)
    if (sizes[i] != thresholds.back()) thresholds.push_back(sizes[i]);
  for (const std::int64_t k : thresholds) {
    // Martello–Toth L2: items > C−k (J1) take a bin alone; items in (C/2, C−k] (J2) one
    // each with free room Σ(C − w); items in [k, C/2] (J3) fit only into that room or new bins.
    const std::size_t j1 = count_above(capacity - k);
    const std::size_t j3_end = k == 0 ? sizes.size() : count_above(k - 1);
    const std::int64_t j2_count = static_cast<std::int64_t>(half - std::min(half, j1));
    const std::int64_t j2_room = j2_count * capacity - (prefix[half] - prefix[std::min(half, j1)]);
    const std::int64_t j3_sum = prefix[j3_end] - prefix[half];
    const std::int64_t extra = std::max<std::int64_t>(0, (j3_sum - j2_room + capacity - 1) / capacity);
    best = std::max(best, static_cast<std::int64_t>(half) + extra);
  }
  return best;
}

std::int64_t conflict_lower_bound(const Instance& instance) {
  // Two items conflict when their sizes add up beyond capacity in a dimension without
  // negative sizes (a negative third item could otherwise make room).
  std::vector<bool> reliable(static_cast<std::size_t>(instance.dims()), true);
  for (const auto& item : instance.items)
    for (int r = 0; r < instance.dims(); ++r)
      if (item.size[r] < 0) reliable[r] = false;
  auto conflict = [&](const ItemType& a, const ItemType& b) {
    for (int r = 0; r < instance.dims(); ++r)
      if (reliable[r] && a.size[r] + b.size[r] > instance.capacity[r]) return true;
    return false;
  };
  auto largest_share = [&](const ItemType& item) {
    double share = 0;
    for (int r = 0; r < instance.dims(); ++r)
      share = std::max(share, static_cast<double>(item.size[r]) / static_cast<double>(instance.capacity[r]));
    return share;
  };
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < instance.items.size(); ++i)
    if (instance.items[i].multiplicity > 0) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return largest_share(instance.items[a]) > largest_share(instance.items[b]); });
  // A greedy clique of the conflict graph, largest items first; an item type joins with
  // all its copies when it conflicts with itself, else with one.
  std::vector<std::size_t> clique;
  std::int64_t size = 0;
  for (const auto i : order) {
    const auto& item = instance.items[i];
    if (!std::all_of(clique.begin(), clique.end(), [&](auto j) { return conflict(item, instance.items[j]); })) continue;
    clique.push_back(i);
    size += conflict(item, item) ? item.multiplicity : 1;
  }
  return size;
}

std::int64_t lower_bound(const Instance& instance) {
  std::int64_t bound = std::max(volume_lower_bound(instance), conflict_lower_bound(instance));
  for (int r = 0; r < instance.dims(); ++r) bound = std::max(bound, dimension_lower_bound(instance, r));
  return bound;
}

int first_fit_decreasing_bins(const Instance& instance) {
  const int dims = instance.dims();
  std::vector<double> weight(instance.items.size(), 0.0);
  for (std::size_t i = 0; i < instance.items.size(); ++i)
    for (int r = 0; r < dims; ++r)
      weight[i] += static_cast<double>(instance.items[i].size[r]) / static_cast<double>(instance.capacity[r]);
  std::vector<std::size_t> order(instance.items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return weight[a] > weight[b]; });
  std::vector<std::int64_t> free;  // bins × dims
  int bins = 0;
  for (const auto i : order) {
    const auto size = model_sizes(instance.items[i]);
    for (std::int64_t k = 0; k < instance.items[i].multiplicity; ++k) {
      int bin = 0;
      for (; bin < bins; ++bin) {
        bool fits = true;
        for (int r = 0; r < dims && fits; ++r) fits = size[r] <= free[static_cast<std::size_t>(bin * dims + r)];
        if (fits) break;
      }
      if (bin == bins) {
        free.insert(free.end(), instance.capacity.begin(), instance.capacity.end());
        ++bins;
      }
      for (int r = 0; r < dims; ++r) free[static_cast<std::size_t>(bin * dims + r)] -= size[r];
    }
  }
  return bins;
}

model::Problem to_problem(const Instance& instance, int bins) {
  model::Problem problem;
  problem.resources.clear();
  for (int r = 0; r < instance.dims(); ++r) problem.resources.push_back("d" + std::to_string(r + 1));
  for (int b = 0; b < bins; ++b) {
    model::Node node;
    node.name = "bin-" + std::to_string(b + 1);
    node.capacity = instance.capacity;
    node.cost = 1.0;
    problem.nodes.push_back(std::move(node));
  }
  for (std::size_t i = 0; i < instance.items.size(); ++i) {
    model::Service service;
    service.name = "item-" + std::to_string(i + 1);
    service.replicas = static_cast<int>(instance.items[i].multiplicity);
    // berth's requests are non-negative; 0 for a negative size only makes the packing
    // harder, so whatever fits here fits the instance.
    service.request = model_sizes(instance.items[i]);
    problem.services.push_back(std::move(service));
  }
  problem.objective = {.strategy = model::Strategy::binpack, .weights = model::default_weights(model::Strategy::binpack)};
  return problem;
}

std::vector<std::string> verify_packing(const Instance& instance, const model::Problem& problem,
                                        const model::Placement& placement) {
  std::vector<std::string> errors;
  if (placement.by_node.size() != problem.nodes.size()) {
    errors.push_back("the placement has " + std::to_string(placement.by_node.size()) + " bins, the problem " +
                     std::to_string(problem.nodes.size()));
    return errors;
  }
  std::vector<std::int64_t> placed(instance.items.size(), 0);
  for (std::size_t b = 0; b < placement.by_node.size(); ++b) {
    std::vector<std::int64_t> load(instance.capacity.size(), 0);
    for (const auto& sc : placement.by_node[b]) {
      if (sc.service.value >= instance.items.size() || sc.count < 0) {
        errors.push_back("bin " + std::to_string(b + 1) + ": unknown item type or negative count");
        continue;
      }
      placed[sc.service.value] += sc.count;
      for (int r = 0; r < instance.dims(); ++r) load[r] += instance.items[sc.service.value].size[r] * sc.count;
    }
    for (int r = 0; r < instance.dims(); ++r)
      if (load[r] > instance.capacity[r])
        errors.push_back("bin " + std::to_string(b + 1) + ": dimension " + std::to_string(r + 1) + " holds " +
                         std::to_string(load[r]) + " > capacity " + std::to_string(instance.capacity[r]));
  }
  for (std::size_t i = 0; i < instance.items.size(); ++i)
    if (placed[i] != instance.items[i].multiplicity)
      errors.push_back("item type " + std::to_string(i + 1) + ": " + std::to_string(placed[i]) + " placed, " +
                       std::to_string(instance.items[i].multiplicity) + " expected");
  return errors;
}

int bins_used(const model::Placement& placement) {
  int used = 0;
  for (const auto& bin : placement.by_node)
    for (const auto& sc : bin)
      if (sc.count > 0) {
        ++used;
        break;
      }
  return used;
}

}  // namespace berth::bench::vbp
