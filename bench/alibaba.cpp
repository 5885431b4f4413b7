#include "bench/alibaba.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "common/model/gpu.hpp"

namespace berth::bench {
namespace {

// The trace's CSV has no quoting (names and GPU types hold no commas), so a row is its
// fields split at every comma.
std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::string::size_type start = 0;
  while (true) {
    const auto end = line.find(separator, start);
    fields.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return fields;
    start = end + 1;
  }
}

Error bad(const std::string& file, int line, const std::string& what) {
  return Error{ErrorCode::invalid_argument, file + ":" + std::to_string(line) + ": " + what};
}

// A CSV file read row by row: the header names the columns, every row must have as many
// fields, blank lines are skipped and a trailing '\r' (Windows line ends) is dropped.
class CsvRows {
 public:
  CsvRows(std::istream& in, std::string file) : in_(in), file_(std::move(file)) {}

  // Reads the header and finds each of `wanted` in it; an error names the missing column.
  std::optional<Error> read_header(const std::vector<std::string>& wanted) {
    std::string line;
    if (!next_line(line)) return Error{ErrorCode::invalid_argument, file_ + ": empty file, expected a header line"};
    header_ = split(line, ',');
    for (const auto& name : wanted) {
      const auto it = std::find(header_.begin(), header_.end(), name);
      if (it == header_.end()) return bad(file_, line_, "header has no column '" + name + "'");
      columns_[name] = static_cast<std::size_t>(it - header_.begin());
    }
    return std::nullopt;
  }

  // The next row's fields; nullopt at the end of the file. Sets `error` on a short row.
  std::optional<std::vector<std::string>> next_row(std::optional<Error>& error) {
    std::string line;
    if (!next_line(line)) return std::nullopt;
    auto fields = split(line, ',');
    if (fields.size() != header_.size())
      error = bad(file_, line_, "expected " + std::to_string(header_.size()) + " fields as in the header, got " +
                                    std::to_string(fields.size()));
    return fields;
  }

  const std::string& field(const std::vector<std::string>& row, const std::string& name) const {
    return row[columns_.at(name)];
  }

  // A whole number in [0, limit] from column `name`, or an error naming file, line and column.
  std::optional<std::int64_t> number(const std::vector<std::string>& row, const std::string& name, std::int64_t limit,
                                     std::optional<Error>& error) const {
    const std::string& text = field(row, name);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > limit) {
      error = bad(file_, line_, name + ": expected a whole number from 0 to " + std::to_string(limit) + ", got '" +
                                    text + "'");
      return std::nullopt;
    }
    return value;
  }

  Error error_here(const std::string& what) const { return bad(file_, line_, what); }

 private:
  bool next_line(std::string& line) {
    while (std::getline(in_, line)) {
      ++line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) return true;
    }
    return false;
  }

  std::istream& in_;
  std::string file_;
  int line_ = 0;
  std::vector<std::string> header_;
  std::map<std::string, std::size_t> columns_;
};

// Large enough for any real machine, small enough that sums over a cluster stay in 64 bits.
constexpr std::int64_t kMaxCpuMillis = std::int64_t{1} << 32;
constexpr std::int64_t kMaxMemoryMib = std::int64_t{1} << 32;
constexpr std::int64_t kMaxGpus = 1024;

}  // namespace

Result<std::vector<TraceNode>> read_trace_nodes(std::istream& in, const std::string& file) {
  CsvRows rows(in, file);
  if (auto error = rows.read_header({"sn", "cpu_milli", "memory_mib", "gpu", "model"})) return *error;
  std::vector<TraceNode> nodes;
  std::set<std::string> names;
  std::optional<Error> error;
  while (auto row = rows.next_row(error)) {
    if (error) return *error;
    TraceNode node{.name = rows.field(*row, "sn")};
    if (node.name.empty()) return rows.error_here("sn: empty node name");
    if (!names.insert(node.name).second) return rows.error_here("sn: node '" + node.name + "' listed twice");
    const auto cpu = rows.number(*row, "cpu_milli", kMaxCpuMillis, error);
    const auto memory = rows.number(*row, "memory_mib", kMaxMemoryMib, error);
    const auto gpus = rows.number(*row, "gpu", kMaxGpus, error);
    if (error) return *error;
    node.cpu_millis = *cpu;
    node.memory_mib = *memory;
    node.gpus = static_cast<int>(*gpus);
    node.model = rows.field(*row, "model");
    if (node.gpus > 0 && node.model.empty()) return rows.error_here("model: node '" + node.name + "' has GPUs of no model");
    nodes.push_back(std::move(node));
  }
  if (error) return *error;
  return nodes;
}

Result<std::vector<TracePod>> read_trace_pods(std::istream& in, const std::string& file) {
  CsvRows rows(in, file);
  if (auto error = rows.read_header({"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec"}))
    return *error;
  std::vector<TracePod> pods;
  std::set<std::string> names;
  std::optional<Error> error;
  while (auto row = rows.next_row(error)) {
    if (error) return *error;
    TracePod pod{.name = rows.field(*row, "name")};
    if (pod.name.empty()) return rows.error_here("name: empty pod name");
    if (!names.insert(pod.name).second) return rows.error_here("name: pod '" + pod.name + "' listed twice");
    const auto cpu = rows.number(*row, "cpu_milli", kMaxCpuMillis, error);
    const auto memory = rows.number(*row, "memory_mib", kMaxMemoryMib, error);
    const auto gpus = rows.number(*row, "num_gpu", kMaxGpus, error);
    const auto gpu_millis = rows.number(*row, "gpu_milli", model::kMilliGpusPerGpu, error);
    if (error) return *error;
    pod.cpu_millis = *cpu;
    pod.memory_mib = *memory;
    pod.gpus = static_cast<int>(*gpus);
    pod.gpu_millis = *gpu_millis;
    if (pod.gpus == 0 && pod.gpu_millis > 0)
      return rows.error_here("gpu_milli: pod '" + pod.name + "' asks " + std::to_string(pod.gpu_millis) +
                             " milli-GPU of num_gpu 0");
    if (pod.gpus > 0 && pod.gpu_millis == 0)
      return rows.error_here("gpu_milli: pod '" + pod.name + "' asks num_gpu " + std::to_string(pod.gpus) +
                             " with gpu_milli 0");
    if (pod.gpus > 1 && pod.gpu_millis != model::kMilliGpusPerGpu)
      return rows.error_here("gpu_milli: pod '" + pod.name + "' asks " + std::to_string(pod.gpus) + " GPUs of " +
                             std::to_string(pod.gpu_millis) + " milli-GPU each; a share is of one GPU only");
    const std::string& spec = rows.field(*row, "gpu_spec");
    if (!spec.empty()) {
      for (auto& model_name : split(spec, '|')) {
        if (model_name.empty()) return rows.error_here("gpu_spec: empty GPU type in '" + spec + "'");
        pod.gpu_models.push_back(std::move(model_name));
      }
      std::sort(pod.gpu_models.begin(), pod.gpu_models.end());
      pod.gpu_models.erase(std::unique(pod.gpu_models.begin(), pod.gpu_models.end()), pod.gpu_models.end());
    }
    pods.push_back(std::move(pod));
  }
  if (error) return *error;
  return pods;
}

AlibabaProblem build_problem(const std::vector<TraceNode>& nodes, const std::vector<TracePod>& pods,
                             const TraceOptions& options) {
  AlibabaProblem result;
  model::Problem& problem = result.problem;
  problem.resources = {"cpu", "memory", "gpu"};
  for (const TraceNode& trace_node : nodes) {
    model::Node node;
    node.name = trace_node.name;
    node.cost = 1.0 + options.cost_per_gpu * trace_node.gpus;
    node.capacity = {trace_node.cpu_millis, trace_node.memory_mib * model::kMiB,
                     trace_node.gpus * model::kMilliGpusPerGpu};
    if (!trace_node.model.empty()) node.labels[kGpuModelLabel] = trace_node.model;
    result.gpu_capacity_millis += node.capacity[2];
    problem.nodes.push_back(std::move(node));
  }
  // One service per distinct (cpu, memory, held GPU, allowed models), in order of first pod.
  using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::vector<std::string>>;
  std::map<Key, std::size_t> service_of;
  std::vector<std::int64_t> gpu_requests;
  for (const TracePod& pod : pods) {
    const std::int64_t asked = pod.gpus == 1 ? pod.gpu_millis : pod.gpus * model::kMilliGpusPerGpu;
    const std::int64_t held = model::gpu_request_millis(asked).value();  // the reader checked the request
    ++result.pods;
    if (held > 0) {
      ++result.gpu_pods;
      gpu_requests.push_back(held);
    }
    if (!pod.gpu_models.empty()) ++result.constrained_pods;
    result.gpu_requested_millis += asked;
    result.gpu_held_millis += held;
    const Key key{pod.cpu_millis, pod.memory_mib, held, pod.gpu_models};
    const auto [it, inserted] = service_of.try_emplace(key, problem.services.size());
    if (inserted) {
      model::Service service;
      service.name = "pods-like-" + pod.name;
      service.replicas = 0;
      service.request = {pod.cpu_millis, pod.memory_mib * model::kMiB, held};
      if (!pod.gpu_models.empty())
        service.node_affinity.push_back({kGpuModelLabel, model::AffinityOperator::in, pod.gpu_models});
      problem.services.push_back(std::move(service));
    }
    ++problem.services[it->second].replicas;
  }
  if (!gpu_requests.empty()) {
    const auto middle = gpu_requests.begin() + static_cast<std::ptrdiff_t>(gpu_requests.size() / 2);
    std::nth_element(gpu_requests.begin(), middle, gpu_requests.end());
    result.median_gpu_request_millis = *middle;
  }
  return result;
}

GpuFigures gpu_figures(const model::Problem& problem, const model::Placement& placement,
                       std::int64_t median_gpu_request_millis) {
  GpuFigures figures;
  const auto gpu = static_cast<std::size_t>(
      std::find(problem.resources.begin(), problem.resources.end(), "gpu") - problem.resources.begin());
  if (gpu == problem.resources.size()) return figures;
  const std::int64_t m = median_gpu_request_millis;
  for (std::uint32_t n = 0; n < problem.nodes.size(); ++n) {
    const model::Node& node = problem.nodes[n];
    const std::int64_t capacity = node.capacity[gpu];
    if (capacity <= 0) continue;
    std::vector<std::int64_t> requests;
    for (const auto& sc : placement.by_node[n]) {
      const std::int64_t request = problem.service(sc.service).request[gpu];
      if (request > 0) requests.insert(requests.end(), static_cast<std::size_t>(sc.count), request);
    }
    const auto layout = model::gpu_layout(static_cast<int>(capacity / model::kMilliGpusPerGpu), requests);
    if (!layout) {
      figures.unassignable_nodes.push_back(node.name);
      continue;
    }
    std::int64_t free = 0;
    std::int64_t usable = 0;  // by more pods asking m
    int whole_free = 0;
    for (const std::int64_t held : *layout) {
      figures.held_millis += held;
      free += model::kMilliGpusPerGpu - held;
      if (held == 0) ++whole_free;
      if (m > 0 && m < model::kMilliGpusPerGpu) usable += (model::kMilliGpusPerGpu - held) / m * m;
    }
    if (m >= model::kMilliGpusPerGpu) {
      const std::int64_t k = m / model::kMilliGpusPerGpu;
      usable = whole_free / k * m;
    }
    figures.idle_gpus += whole_free;
    figures.capacity_millis += capacity;
    figures.free_millis += free;
    figures.fragmented_millis += m > 0 ? free - usable : 0;
  }
  if (figures.free_millis > 0)
    figures.fragmentation = static_cast<double>(figures.fragmented_millis) / static_cast<double>(figures.free_millis);
  return figures;
}

}  // namespace berth::bench
