#include "agent/probe.hpp"

#include <sched.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace berth::agent {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMillisPerCpu = 1000;
constexpr std::int64_t kBytesPerKb = 1024;
// cgroup v1 reports "unlimited" as LONG_MAX rounded down to a page (9223372036854771712);
// no host has 2^60 bytes (1 EiB), so anything from there up is "no limit".
constexpr std::int64_t kV1NoMemoryLimit = std::int64_t{1} << 60;

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// `text` quoted for a one-line message: control characters escaped and cut short, so a
// binary or huge file cannot flood the log.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxChars = 40;
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxChars; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxChars) out += "...";
  out += "'";
  return out;
}

Error malformed(std::string_view expected, std::string_view got) {
  return Error{ErrorCode::decode, "expected " + std::string(expected) + ", got " + quoted(got)};
}

// The whole of `text` as a decimal int64, or nothing (no '+', no spaces, no overflow).
std::optional<std::int64_t> to_int64(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

// Whitespace-separated words of one line.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// The lines of `text`, without their '\n'.
std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    out.push_back(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  }
  return out;
}

// quota / period CPUs in millicores, rounded down.
Result<CgroupLimit> quota_millis(std::int64_t quota, std::int64_t period) {
  if (period > kInt64Max / kMillisPerCpu) return Error{ErrorCode::decode, "period out of range"};
  const std::int64_t whole = quota / period;
  if (whole > kInt64Max / kMillisPerCpu - 1) return Error{ErrorCode::decode, "quota out of range"};
  return CgroupLimit{whole * kMillisPerCpu + (quota % period) * kMillisPerCpu / period};
}

std::optional<std::int64_t> positive(std::string_view text) {
  const auto value = to_int64(text);
  if (!value || *value <= 0) return std::nullopt;
  return value;
}

}  // namespace

Result<std::int64_t> parse_meminfo_total_bytes(std::string_view meminfo) {
  constexpr std::string_view kKey = "MemTotal:";
  for (const auto line : lines(meminfo)) {
    if (line.substr(0, kKey.size()) != kKey) continue;
    const auto rest = trim(line.substr(kKey.size()));
    const auto parts = words(rest);
    const auto kb = parts.size() == 2 && parts[1] == "kB" ? to_int64(parts[0]) : std::nullopt;
    if (!kb || *kb < 0) return malformed("MemTotal as 'N kB'", rest);
    if (*kb > kInt64Max / kBytesPerKb) return Error{ErrorCode::decode, "MemTotal out of range: " + quoted(rest)};
    return *kb * kBytesPerKb;
  }
  return Error{ErrorCode::decode, "no MemTotal line"};
}

Result<CgroupLimit> parse_cgroup2_cpu_max(std::string_view cpu_max) {
  const auto text = trim(cpu_max);
  const auto parts = words(text);
  constexpr std::string_view kExpected = "'max PERIOD' or 'QUOTA PERIOD'";
  // The kernel always prints the period; a bare "max" is accepted as what was written.
  if (parts.size() == 1 && parts[0] == "max") return CgroupLimit{};
  if (parts.size() != 2) return malformed(kExpected, text);
  const auto period = positive(parts[1]);
  if (!period) return malformed(kExpected, text);
  if (parts[0] == "max") return CgroupLimit{};
  const auto quota = positive(parts[0]);
  if (!quota) return malformed(kExpected, text);
  return quota_millis(*quota, *period);
}

Result<CgroupLimit> parse_cgroup2_memory_max(std::string_view memory_max) {
  const auto text = trim(memory_max);
  if (text == "max") return CgroupLimit{};
  const auto bytes = to_int64(text);
  if (!bytes || *bytes < 0) return malformed("'max' or a number of bytes", text);
  return CgroupLimit{*bytes};
}

Result<CgroupLimit> parse_cgroup1_cpu_quota(std::string_view cfs_quota_us, std::string_view cfs_period_us) {
  const auto quota_text = trim(cfs_quota_us);
  const auto quota = to_int64(quota_text);
  if (quota && *quota == -1) return CgroupLimit{};
  if (!quota || *quota <= 0) return malformed("quota '-1' or a positive number of microseconds", quota_text);
  const auto period_text = trim(cfs_period_us);
  const auto period = positive(period_text);
  if (!period) return malformed("period as a positive number of microseconds", period_text);
  return quota_millis(*quota, *period);
}

Result<CgroupLimit> parse_cgroup1_memory_limit(std::string_view limit_in_bytes) {
  const auto text = trim(limit_in_bytes);
  const auto bytes = to_int64(text);
  if (!bytes || *bytes < -1) return malformed("a number of bytes", text);
  if (*bytes == -1 || *bytes >= kV1NoMemoryLimit) return CgroupLimit{};
  return CgroupLimit{*bytes};
}

Result<CgroupMembership> parse_proc_self_cgroup(std::string_view proc_self_cgroup) {
  CgroupMembership membership;
  int number = 0;
  for (const auto raw : lines(proc_self_cgroup)) {
    ++number;
    const auto line = trim(raw);
    if (line.empty()) continue;
    const auto where = "line " + std::to_string(number) + ": ";
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    // The path is everything after the second colon: it may itself contain colons.
    const auto id = to_int64(line.substr(0, first));
    const auto path = second == std::string_view::npos ? std::string_view{} : line.substr(second + 1);
    if (second == std::string_view::npos || !id || *id < 0 || path.empty() || path[0] != '/') {
      auto bad = malformed("'ID:CONTROLLERS:/PATH'", line);
      bad.message = where + bad.message;
      return bad;
    }
    // The path is joined under /sys/fs/cgroup; a ".." must not walk out of it.
    if (("/" + std::string(path) + "/").find("/../") != std::string::npos) {
      return Error{ErrorCode::decode, where + "path " + quoted(path) + " contains '..'"};
    }
    const auto controllers = line.substr(first + 1, second - first - 1);
    if (controllers.empty()) {
      if (*id == 0) membership.unified_path = std::string(path);
      continue;
    }
    std::string_view rest = controllers;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto controller = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (controller == "cpu") {
        membership.cpu_path = std::string(path);
        membership.cpu_controllers = std::string(controllers);
      } else if (controller == "memory") {
        membership.memory_path = std::string(path);
      }
    }
  }
  return membership;
}

HostResources combine(const HostFacts& facts, const Reserve& reserve) {
  assert(reserve.cpu_millis >= 0 && reserve.memory_bytes >= 0);
  HostResources resources;
  resources.detected_cpu_millis = std::min(facts.cpus.value, kInt64Max / kMillisPerCpu) * kMillisPerCpu;
  resources.cpu_source = facts.cpus.source;
  // On a tie the cgroup is named: it is the limit that would bind if CPUs were added.
  if (facts.cgroup_cpu_millis && facts.cgroup_cpu_millis->value <= resources.detected_cpu_millis) {
    resources.detected_cpu_millis = facts.cgroup_cpu_millis->value;
    resources.cpu_source = facts.cgroup_cpu_millis->source;
  }
  resources.detected_memory_bytes = facts.memory_total_bytes.value;
  resources.memory_source = facts.memory_total_bytes.source;
  if (facts.cgroup_memory_bytes && facts.cgroup_memory_bytes->value <= resources.detected_memory_bytes) {
    resources.detected_memory_bytes = facts.cgroup_memory_bytes->value;
    resources.memory_source = facts.cgroup_memory_bytes->source;
  }
  resources.cpu_millis = std::max<std::int64_t>(0, resources.detected_cpu_millis - reserve.cpu_millis);
  resources.memory_bytes = std::max<std::int64_t>(0, resources.detected_memory_bytes - reserve.memory_bytes);
  return resources;
}

Result<Figure> count_usable_cpus() {
  // A cpu_set_t holds 1024 CPUs; bigger hosts make sched_getaffinity fail with EINVAL,
  // so the mask grows until it fits.
  for (std::size_t sets = 1; sets <= 64; sets *= 2) {
    std::vector<cpu_set_t> mask(sets);
    const std::size_t bytes = sets * sizeof(cpu_set_t);
    if (sched_getaffinity(0, bytes, mask.data()) == 0) {
      const int count = CPU_COUNT_S(bytes, mask.data());
      if (count > 0) return Figure{count, "sched_getaffinity"};
      break;
    }
    if (errno != EINVAL) break;
  }
  const unsigned count = std::thread::hardware_concurrency();
  if (count == 0) return Error{ErrorCode::io, "cannot count CPUs: sched_getaffinity and hardware_concurrency both failed"};
  return Figure{count, "std::thread::hardware_concurrency"};
}

namespace {

// The file's text; nullopt when it does not exist; an io error when it exists but cannot
// be read. `shown` is the path as the host sees it, for messages.
Result<std::optional<std::string>> read_if_exists(const fs::path& file, const std::string& shown) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (status.type() == fs::file_type::not_found) return std::optional<std::string>{};
  if (ec) return Error{ErrorCode::io, shown + ": " + ec.message()};
  if (status.type() != fs::file_type::regular) return Error{ErrorCode::io, shown + ": not a regular file"};
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::io, shown + ": cannot open"};
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return Error{ErrorCode::io, shown + ": read failed"};
  return std::optional<std::string>{std::move(text)};
}

bool directory_exists(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec);
}

// "/a/b" → "/a/b", "/a", "": the cgroup and its ancestors as suffixes for a mount dir,
// innermost first; "" is the mount root.
std::vector<std::string> levels(std::string_view cgroup_path) {
  std::vector<std::string> out;
  std::string path(cgroup_path);
  while (!path.empty() && path.back() == '/') path.pop_back();
  while (!path.empty()) {
    out.push_back(path);
    const auto slash = path.rfind('/');
    path.erase(slash == std::string::npos ? 0 : slash);
  }
  out.emplace_back();
  return out;
}

// Keeps the tighter of `best` and `value`; on a tie the innermost (first found) stays.
void keep_tighter(std::optional<Figure>& best, std::int64_t value, std::string source) {
  if (!best || value < best->value) best = Figure{value, std::move(source)};
}

class CgroupReader {
 public:
  explicit CgroupReader(fs::path root) : root_(std::move(root)) {}

  fs::path on_disk(const std::string& host_path) const { return root_ / fs::path(host_path).relative_path(); }

  Result<std::optional<std::string>> read(const std::string& host_path) const {
    return read_if_exists(on_disk(host_path), host_path);
  }

  // Walks `cgroup_path` and its ancestors under `mount`, parsing `file` where it exists.
  template <typename Parse>
  std::optional<Error> walk(const std::string& mount, std::string_view cgroup_path, const std::string& file,
                            std::string_view label, std::optional<Figure>& best, Parse parse) const {
    for (const auto& level : levels(cgroup_path)) {
      const auto host_path = mount + level + "/" + file;
      auto text = read(host_path);
      if (!text) return text.error();
      if (!text->has_value()) continue;
      auto limit = parse(**text, mount + level);
      if (!limit) return Error{limit.error().code, host_path + ": " + limit.error().message};
      if (limit->has_value()) keep_tighter(best, **limit, std::string(label) + " (" + host_path + ")");
    }
    return std::nullopt;
  }

  // The first of `mounts` that exists, or "".
  std::string first_mount(const std::vector<std::string>& mounts) const {
    for (const auto& mount : mounts) {
      if (directory_exists(on_disk(mount))) return mount;
    }
    return {};
  }

 private:
  fs::path root_;
};

}  // namespace

Result<HostFacts> read_host_facts(const std::string& root) {
  HostFacts facts;
  auto cpus = count_usable_cpus();
  if (!cpus) return cpus.error();
  facts.cpus = std::move(*cpus);

  const CgroupReader reader{fs::path(root)};
  auto meminfo = reader.read("/proc/meminfo");
  if (!meminfo) return meminfo.error();
  if (!meminfo->has_value()) return Error{ErrorCode::io, "/proc/meminfo: not found"};
  const auto total = parse_meminfo_total_bytes(**meminfo);
  if (!total) return Error{total.error().code, "/proc/meminfo: " + total.error().message};
  facts.memory_total_bytes = Figure{*total, "/proc/meminfo MemTotal"};

  auto self_cgroup = reader.read("/proc/self/cgroup");
  if (!self_cgroup) return self_cgroup.error();
  if (!self_cgroup->has_value()) return facts;  // no cgroups: the host figures stand
  auto membership = parse_proc_self_cgroup(**self_cgroup);
  if (!membership) return Error{membership.error().code, "/proc/self/cgroup: " + membership.error().message};

  const auto just = [](auto parse) {
    return [parse](std::string_view text, const std::string&) { return parse(text); };
  };
  // Both hierarchies are read and the tightest limit kept: on a real host only one of
  // them carries each controller (hybrid hosts keep cpu and memory on v1), so the
  // minimum is simply the one that exists.
  if (membership->unified_path) {
    const auto& path = *membership->unified_path;
    if (auto error = reader.walk("/sys/fs/cgroup", path, "cpu.max", "cgroup v2 cpu.max", facts.cgroup_cpu_millis,
                                 just(parse_cgroup2_cpu_max))) {
      return *error;
    }
    if (auto error = reader.walk("/sys/fs/cgroup", path, "memory.max", "cgroup v2 memory.max",
                                 facts.cgroup_memory_bytes, just(parse_cgroup2_memory_max))) {
      return *error;
    }
  }
  if (membership->cpu_path) {
    // Mounted under its controller list ("cpu,cpuacct"), usually with a "cpu" link to it.
    const auto mount = reader.first_mount({"/sys/fs/cgroup/" + membership->cpu_controllers,
                                           "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"});
    const auto read_v1_cpu = [&reader](std::string_view quota, const std::string& dir) -> Result<CgroupLimit> {
      if (trim(quota) == "-1") return CgroupLimit{};  // no quota: the period is not needed
      auto period = reader.read(dir + "/cpu.cfs_period_us");
      if (!period) return period.error();
      return parse_cgroup1_cpu_quota(quota, period->value_or(""));
    };
    if (!mount.empty()) {
      if (auto error = reader.walk(mount, *membership->cpu_path, "cpu.cfs_quota_us", "cgroup v1 cpu.cfs_quota_us",
                                   facts.cgroup_cpu_millis, read_v1_cpu)) {
        return *error;
      }
    }
  }
  if (membership->memory_path) {
    const auto mount = reader.first_mount({"/sys/fs/cgroup/memory"});
    if (!mount.empty()) {
      if (auto error = reader.walk(mount, *membership->memory_path, "memory.limit_in_bytes",
                                   "cgroup v1 memory.limit_in_bytes", facts.cgroup_memory_bytes,
                                   just(parse_cgroup1_memory_limit))) {
        return *error;
      }
    }
  }
  return facts;
}

Result<HostResources> probe_host(const ProbeOptions& options) {
  if (options.reserve.cpu_millis < 0 || options.reserve.memory_bytes < 0) {
    return Error{ErrorCode::invalid_argument,
                 "reserve must not be negative: cpu_millis=" + std::to_string(options.reserve.cpu_millis) +
                     " memory_bytes=" + std::to_string(options.reserve.memory_bytes)};
  }
  auto facts = read_host_facts(options.root);
  if (!facts) return facts.error();
  return combine(*facts, options.reserve);
}

}  // namespace berth::agent
