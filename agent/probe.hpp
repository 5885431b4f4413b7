#pragma once
// The agent's host probe: how much CPU and memory this node offers to the coordinator,
// read from the host itself — the CPUs this process may run on (sched_getaffinity), MemTotal
// from /proc/meminfo and the cgroup v1 or v2 limits the agent runs under — minus a reserve
// kept back for the system and the agent.
//
//   auto probed = probe_host({.reserve = {.cpu_millis = 500, .memory_bytes = 512LL << 20}});
//   if (!probed) return probed.error();  // "/proc/meminfo: no MemTotal line"
//   // log once: cpu_millis=1000 cpu_source="cgroup v2 cpu.max (/sys/fs/cgroup/cpu.max)"
//
// The parsers are pure (file text in, value or Error out) so every format is tested on
// fixture text; their error message is the reason only ("expected ..., got '...'") and
// the shell adds which file. read_host_facts and probe_host are the thin shell that finds
// and reads the files; ProbeOptions::root lets a test point them at a fixture tree.
//
// Why cgroups as well as /proc: inside a container MemTotal and the CPU count describe the
// whole machine, and offering those would overcommit the node. sched_getaffinity already
// honours cpusets; CPU quotas and memory limits are only visible in the cgroup files.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::agent {

// A cgroup limit: std::nullopt when the file says there is none ("max", -1, or v1's huge
// "unlimited" value).
using CgroupLimit = std::optional<std::int64_t>;

// /proc/meminfo → MemTotal in bytes (the file's "kB" means 1024 bytes).
Result<std::int64_t> parse_meminfo_total_bytes(std::string_view meminfo);

// cgroup v2 cpu.max: "max 100000" → none, "150000 100000" → 1500 millicores. A quota that
// is not a whole number of millicores is rounded down, so the agent never offers more.
Result<CgroupLimit> parse_cgroup2_cpu_max(std::string_view cpu_max);
// cgroup v2 memory.max: "max" → none, "536870912" → bytes.
Result<CgroupLimit> parse_cgroup2_memory_max(std::string_view memory_max);
// cgroup v1 cpu.cfs_quota_us ("-1" → none) over cpu.cfs_period_us → millicores. The period
// is only read when there is a quota.
Result<CgroupLimit> parse_cgroup1_cpu_quota(std::string_view cfs_quota_us, std::string_view cfs_period_us);
// cgroup v1 memory.limit_in_bytes: v1 writes "unlimited" as a huge page-aligned value
// (9223372036854771712), so anything >= 2^60 bytes is none.
Result<CgroupLimit> parse_cgroup1_memory_limit(std::string_view limit_in_bytes);

// Where this process sits in each cgroup hierarchy, from /proc/self/cgroup.
struct CgroupMembership {
  std::optional<std::string> unified_path;  // v2 line "0::/path"
  std::optional<std::string> cpu_path;      // v1 line whose controllers include cpu
  std::string cpu_controllers;              // that line's controllers, "cpu,cpuacct": its mount dir
  std::optional<std::string> memory_path;   // v1 line whose controllers include memory
};
Result<CgroupMembership> parse_proc_self_cgroup(std::string_view proc_self_cgroup);

// A figure and where it came from, e.g. {1500, "cgroup v2 cpu.max (/sys/fs/cgroup/cpu.max)"}.
struct Figure {
  std::int64_t value = 0;
  std::string source;
};

struct HostFacts {
  Figure cpus;                                // usable CPUs, a count (not millicores)
  Figure memory_total_bytes;                  // MemTotal
  std::optional<Figure> cgroup_cpu_millis;    // the tightest cgroup CPU quota, if any
  std::optional<Figure> cgroup_memory_bytes;  // the tightest cgroup memory limit, if any
};

// Kept back from what the host has, for the system and the agent itself.
struct Reserve {
  std::int64_t cpu_millis = 0;
  std::int64_t memory_bytes = 0;
};

struct HostResources {
  std::int64_t cpu_millis = 0;    // offered: detected minus the reserve, never below 0
  std::int64_t memory_bytes = 0;  // offered: detected minus the reserve, never below 0
  std::int64_t detected_cpu_millis = 0;
  std::int64_t detected_memory_bytes = 0;
  std::string cpu_source;     // where the binding figure came from: "sched_getaffinity", ...
  std::string memory_source;  // "/proc/meminfo MemTotal", "cgroup v1 memory.limit_in_bytes (...)"
};

// cpu = min(cpus · 1000, cgroup quota), memory = min(MemTotal, cgroup limit), each minus
// the reserve and clamped at 0. Precondition: the reserve is not negative.
HostResources combine(const HostFacts& facts, const Reserve& reserve);

// The CPUs this process may run on: sched_getaffinity, or std::thread::hardware_concurrency
// where that fails. An io error only when neither can tell.
Result<Figure> count_usable_cpus();

struct ProbeOptions {
  std::string root = "/";  // prefix for /proc and /sys/fs/cgroup; a fixture tree in tests
  Reserve reserve;
};

// Reads <root>/proc/meminfo (required), <root>/proc/self/cgroup (absent: no cgroup limits)
// and the cgroup files it points to. Each limit is looked for at this process's cgroup path
// and every ancestor up to the mount root, the tightest one winning: limits nest, and
// inside a container the path often isn't visible, leaving only the mount root. A missing
// cgroup file means no limit there; a malformed one is a decode error naming the file.
Result<HostFacts> read_host_facts(const std::string& root);

// read_host_facts + combine; a negative reserve is an invalid_argument error.
Result<HostResources> probe_host(const ProbeOptions& options = {});

}  // namespace berth::agent
