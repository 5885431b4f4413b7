#include "agent/probe.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace berth::agent {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * kKiB;
constexpr std::int64_t kGiB = 1024 * kMiB;

// The first lines of a real /proc/meminfo (a 16 GiB machine).
constexpr std::string_view kMeminfo =
    "MemTotal:       16306268 kB\n"
    "MemFree:         8541432 kB\n"
    "MemAvailable:   12803504 kB\n"
    "Buffers:          361660 kB\n"
    "Cached:          4124756 kB\n"
    "SwapCached:            0 kB\n"
    "HugePages_Total:       0\n"
    "Hugepagesize:       2048 kB\n";

template <typename T>
T parsed(const Result<T>& result) {
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : T{};
}

template <typename T>
std::string failure(const Result<T>& result) {
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, ErrorCode::decode) << result.error().message;
  return result.error().message;
}

TEST(Meminfo, ReadsMemTotalInKibibytes) {
  EXPECT_EQ(parsed(parse_meminfo_total_bytes(kMeminfo)), 16306268 * kKiB);
  EXPECT_EQ(parsed(parse_meminfo_total_bytes("MemFree: 1 kB\nMemTotal: 2 kB")), 2 * kKiB) << "no final newline";
}

TEST(Meminfo, RejectsTextWithoutMemTotal) {
  EXPECT_EQ(failure(parse_meminfo_total_bytes("")), "no MemTotal line");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemFree: 8541432 kB\n")), "no MemTotal line");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("\x7f" "ELF\x01\x02")), "no MemTotal line");
}

TEST(Meminfo, RejectsMalformedMemTotal) {
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemTotal: lots kB\n")), "expected MemTotal as 'N kB', got 'lots kB'");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemTotal: 16 MB\n")), "expected MemTotal as 'N kB', got '16 MB'");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemTotal: 16306268\n")), "expected MemTotal as 'N kB', got '16306268'");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemTotal:\n")), "expected MemTotal as 'N kB', got ''");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemTotal: -4 kB\n")), "expected MemTotal as 'N kB', got '-4 kB'");
  EXPECT_EQ(failure(parse_meminfo_total_bytes("MemTotal: 9223372036854775807 kB\n")),
            "MemTotal out of range: '9223372036854775807 kB'");
}

TEST(Cgroup2, ReadsCpuMaxAsMillicores) {
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("max 100000\n")), CgroupLimit{});
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("max\n")), CgroupLimit{});
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("150000 100000\n")), CgroupLimit{1500});
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("50000 100000\n")), CgroupLimit{500});
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("200000 50000")), CgroupLimit{4000});
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("33333 100000\n")), CgroupLimit{333}) << "rounded down";
  EXPECT_EQ(parsed(parse_cgroup2_cpu_max("50 100000\n")), CgroupLimit{0});
}

TEST(Cgroup2, RejectsMalformedCpuMax) {
  constexpr std::string_view kExpected = "expected 'max PERIOD' or 'QUOTA PERIOD', got ";
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("")), std::string(kExpected) + "''");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("150000\n")), std::string(kExpected) + "'150000'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("1.5 100000")), std::string(kExpected) + "'1.5 100000'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("150000 0")), std::string(kExpected) + "'150000 0'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("-1 100000")), std::string(kExpected) + "'-1 100000'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("max 100000 7")), std::string(kExpected) + "'max 100000 7'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("max nope")), std::string(kExpected) + "'max nope'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("\x01\x02 1")), std::string(kExpected) + "'\\x01\\x02 1'");
  EXPECT_EQ(failure(parse_cgroup2_cpu_max("9223372036854775807 1")), "quota out of range");
  EXPECT_FALSE(parse_cgroup2_cpu_max(std::string(5000, '9')).ok()) << "a huge file is an error, not a crash";
}

TEST(Cgroup2, ReadsMemoryMax) {
  EXPECT_EQ(parsed(parse_cgroup2_memory_max("max\n")), CgroupLimit{});
  EXPECT_EQ(parsed(parse_cgroup2_memory_max("536870912\n")), CgroupLimit{512 * kMiB});
  EXPECT_EQ(parsed(parse_cgroup2_memory_max("0")), CgroupLimit{0});
}

TEST(Cgroup2, RejectsMalformedMemoryMax) {
  EXPECT_EQ(failure(parse_cgroup2_memory_max("")), "expected 'max' or a number of bytes, got ''");
  EXPECT_EQ(failure(parse_cgroup2_memory_max("1G\n")), "expected 'max' or a number of bytes, got '1G'");
  EXPECT_EQ(failure(parse_cgroup2_memory_max("-5")), "expected 'max' or a number of bytes, got '-5'");
  EXPECT_EQ(failure(parse_cgroup2_memory_max("max max")), "expected 'max' or a number of bytes, got 'max max'");
}

TEST(Cgroup1, ReadsCfsQuotaOverPeriodAsMillicores) {
  EXPECT_EQ(parsed(parse_cgroup1_cpu_quota("-1\n", "100000\n")), CgroupLimit{});
  EXPECT_EQ(parsed(parse_cgroup1_cpu_quota("-1\n", "")), CgroupLimit{}) << "no quota needs no period";
  EXPECT_EQ(parsed(parse_cgroup1_cpu_quota("150000\n", "100000\n")), CgroupLimit{1500});
  EXPECT_EQ(parsed(parse_cgroup1_cpu_quota("50000\n", "100000\n")), CgroupLimit{500});
  EXPECT_EQ(parsed(parse_cgroup1_cpu_quota("400000\n", "100000\n")), CgroupLimit{4000});
}

TEST(Cgroup1, RejectsMalformedCfsQuotaOrPeriod) {
  EXPECT_EQ(failure(parse_cgroup1_cpu_quota("0\n", "100000\n")),
            "expected quota '-1' or a positive number of microseconds, got '0'");
  EXPECT_EQ(failure(parse_cgroup1_cpu_quota("-2\n", "100000\n")),
            "expected quota '-1' or a positive number of microseconds, got '-2'");
  EXPECT_EQ(failure(parse_cgroup1_cpu_quota("", "100000\n")),
            "expected quota '-1' or a positive number of microseconds, got ''");
  EXPECT_EQ(failure(parse_cgroup1_cpu_quota("150000\n", "")),
            "expected period as a positive number of microseconds, got ''");
  EXPECT_EQ(failure(parse_cgroup1_cpu_quota("150000\n", "0\n")),
            "expected period as a positive number of microseconds, got '0'");
}

TEST(Cgroup1, ReadsMemoryLimitWithHugeValuesAsNoLimit) {
  EXPECT_EQ(parsed(parse_cgroup1_memory_limit("9223372036854771712\n")), CgroupLimit{});
  EXPECT_EQ(parsed(parse_cgroup1_memory_limit("1152921504606846976\n")), CgroupLimit{}) << "2^60";
  EXPECT_EQ(parsed(parse_cgroup1_memory_limit("1152921504606846975\n")), CgroupLimit{1152921504606846975});
  EXPECT_EQ(parsed(parse_cgroup1_memory_limit("-1\n")), CgroupLimit{});
  EXPECT_EQ(parsed(parse_cgroup1_memory_limit("1073741824\n")), CgroupLimit{kGiB});
}

TEST(Cgroup1, RejectsMalformedMemoryLimit) {
  EXPECT_EQ(failure(parse_cgroup1_memory_limit("")), "expected a number of bytes, got ''");
  EXPECT_EQ(failure(parse_cgroup1_memory_limit("unlimited\n")), "expected a number of bytes, got 'unlimited'");
  EXPECT_EQ(failure(parse_cgroup1_memory_limit("-2")), "expected a number of bytes, got '-2'");
  EXPECT_EQ(failure(parse_cgroup1_memory_limit("99999999999999999999")),
            "expected a number of bytes, got '99999999999999999999'");
}

TEST(ProcSelfCgroup, FindsTheUnifiedPathOnCgroup2) {
  const auto membership = parsed(parse_proc_self_cgroup("0::/system.slice/berth-agent.service\n"));
  EXPECT_EQ(membership.unified_path, "/system.slice/berth-agent.service");
  EXPECT_EQ(membership.cpu_path, std::nullopt);
  EXPECT_EQ(membership.memory_path, std::nullopt);
}

TEST(ProcSelfCgroup, FindsCpuAndMemoryHierarchiesOnCgroup1) {
  const auto membership = parsed(parse_proc_self_cgroup(
      "12:pids:/docker/4f1c\n"
      "11:memory:/docker/4f1c\n"
      "10:cpuset:/docker/4f1c\n"
      "4:cpu,cpuacct:/docker/4f1c\n"
      "1:name=systemd:/docker/4f1c\n"));
  EXPECT_EQ(membership.unified_path, std::nullopt);
  EXPECT_EQ(membership.cpu_path, "/docker/4f1c");
  EXPECT_EQ(membership.cpu_controllers, "cpu,cpuacct");
  EXPECT_EQ(membership.memory_path, "/docker/4f1c");
}

TEST(ProcSelfCgroup, ReadsHybridHostsWithSeparateCpuAndCpuacct) {
  const auto membership = parsed(parse_proc_self_cgroup(
      "4:memory:/process_api/6f38\n"
      "2:cpuacct:/\n"
      "1:cpu:/\n"
      "0::/\n"));
  EXPECT_EQ(membership.unified_path, "/");
  EXPECT_EQ(membership.cpu_path, "/");
  EXPECT_EQ(membership.cpu_controllers, "cpu");
  EXPECT_EQ(membership.memory_path, "/process_api/6f38");
}

TEST(ProcSelfCgroup, KeepsColonsInsideThePath) {
  EXPECT_EQ(parsed(parse_proc_self_cgroup("0::/a:b\n")).unified_path, "/a:b");
}

TEST(ProcSelfCgroup, RejectsMalformedLines) {
  EXPECT_EQ(failure(parse_proc_self_cgroup("garbage\n")), "line 1: expected 'ID:CONTROLLERS:/PATH', got 'garbage'");
  EXPECT_EQ(failure(parse_proc_self_cgroup("0::/\nx:cpu:/\n")),
            "line 2: expected 'ID:CONTROLLERS:/PATH', got 'x:cpu:/'");
  EXPECT_EQ(failure(parse_proc_self_cgroup("3:cpu:docker\n")),
            "line 1: expected 'ID:CONTROLLERS:/PATH', got '3:cpu:docker'");
  EXPECT_EQ(failure(parse_proc_self_cgroup("3:cpu:\n")), "line 1: expected 'ID:CONTROLLERS:/PATH', got '3:cpu:'");
  EXPECT_EQ(failure(parse_proc_self_cgroup("0::/a/../../etc\n")), "line 1: path '/a/../../etc' contains '..'");
}

HostFacts facts_of(std::int64_t cpus, std::int64_t memory_total_bytes) {
  HostFacts facts;
  facts.cpus = {cpus, "sched_getaffinity"};
  facts.memory_total_bytes = {memory_total_bytes, "/proc/meminfo MemTotal"};
  return facts;
}

TEST(Combine, UsesHostFiguresWithoutCgroupLimits) {
  const auto resources = combine(facts_of(4, 16 * kGiB), {});
  EXPECT_EQ(resources.cpu_millis, 4000);
  EXPECT_EQ(resources.memory_bytes, 16 * kGiB);
  EXPECT_EQ(resources.cpu_source, "sched_getaffinity");
  EXPECT_EQ(resources.memory_source, "/proc/meminfo MemTotal");
}

TEST(Combine, TakesTheTighterOfHostAndCgroup) {
  auto facts = facts_of(4, 16 * kGiB);
  facts.cgroup_cpu_millis = Figure{1500, "cgroup v2 cpu.max"};
  facts.cgroup_memory_bytes = Figure{32 * kGiB, "cgroup v2 memory.max"};
  const auto resources = combine(facts, {});
  EXPECT_EQ(resources.cpu_millis, 1500);
  EXPECT_EQ(resources.cpu_source, "cgroup v2 cpu.max");
  EXPECT_EQ(resources.memory_bytes, 16 * kGiB) << "a limit above MemTotal does not bind";
  EXPECT_EQ(resources.memory_source, "/proc/meminfo MemTotal");

  facts.cgroup_cpu_millis = Figure{8000, "cgroup v2 cpu.max"};
  facts.cgroup_memory_bytes = Figure{2 * kGiB, "cgroup v2 memory.max"};
  const auto swapped = combine(facts, {});
  EXPECT_EQ(swapped.cpu_millis, 4000);
  EXPECT_EQ(swapped.cpu_source, "sched_getaffinity");
  EXPECT_EQ(swapped.memory_bytes, 2 * kGiB);
  EXPECT_EQ(swapped.memory_source, "cgroup v2 memory.max");
}

TEST(Combine, SubtractsTheReserveAndClampsAtZero) {
  auto facts = facts_of(4, 16 * kGiB);
  facts.cgroup_cpu_millis = Figure{1500, "cgroup v1 cpu.cfs_quota_us"};
  const auto resources = combine(facts, {.cpu_millis = 500, .memory_bytes = kGiB});
  EXPECT_EQ(resources.cpu_millis, 1000);
  EXPECT_EQ(resources.memory_bytes, 15 * kGiB);
  EXPECT_EQ(resources.detected_cpu_millis, 1500);
  EXPECT_EQ(resources.detected_memory_bytes, 16 * kGiB);

  const auto starved = combine(facts, {.cpu_millis = 2000, .memory_bytes = 32 * kGiB});
  EXPECT_EQ(starved.cpu_millis, 0);
  EXPECT_EQ(starved.memory_bytes, 0);
}

// A directory tree of fixture files standing in for "/", removed afterwards.
class FixtureRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) /
            ("berth_probe_" + std::string(test->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  void write(const std::string& host_path, std::string_view text) {
    const auto file = root_ / fs::path(host_path).relative_path();
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

  // Assigned rather than designated: GCC 12 warns about the omitted trailing reserve.
  ProbeOptions at_root(Reserve reserve = {}) const {
    ProbeOptions options;
    options.root = root_.string();
    options.reserve = reserve;
    return options;
  }

  std::int64_t host_cpu_millis() {
    const auto cpus = count_usable_cpus();
    EXPECT_TRUE(cpus.ok());
    return cpus.ok() ? cpus->value * 1000 : -1;
  }

  fs::path root_;
};

TEST_F(FixtureRoot, ReadsCgroup2LimitsFromThePathAndItsAncestors) {
  write("/proc/meminfo", kMeminfo);
  write("/proc/self/cgroup", "0::/kubepods/pod1/agent\n");
  write("/sys/fs/cgroup/kubepods/pod1/agent/cpu.max", "max 100000\n");
  write("/sys/fs/cgroup/kubepods/pod1/cpu.max", "50000 100000\n");  // the pod's limit binds
  write("/sys/fs/cgroup/kubepods/pod1/agent/memory.max", "268435456\n");
  write("/sys/fs/cgroup/kubepods/pod1/memory.max", "max\n");
  const auto resources = parsed(probe_host(at_root({.cpu_millis = 100, .memory_bytes = kMiB})));
  EXPECT_EQ(resources.detected_cpu_millis, 500);
  EXPECT_EQ(resources.cpu_millis, 400);
  EXPECT_EQ(resources.cpu_source, "cgroup v2 cpu.max (/sys/fs/cgroup/kubepods/pod1/cpu.max)");
  EXPECT_EQ(resources.memory_bytes, 255 * kMiB);
  EXPECT_EQ(resources.memory_source, "cgroup v2 memory.max (/sys/fs/cgroup/kubepods/pod1/agent/memory.max)");
}

TEST_F(FixtureRoot, FallsBackToTheMountRootWhenTheCgroup1PathIsNotVisible) {
  write("/proc/meminfo", kMeminfo);
  write("/proc/self/cgroup", "11:memory:/docker/4f1c\n4:cpu,cpuacct:/docker/4f1c\n");
  write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "50000\n");
  write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "1073741824\n");
  const auto resources = parsed(probe_host(at_root()));
  EXPECT_EQ(resources.cpu_millis, 500);
  EXPECT_EQ(resources.cpu_source, "cgroup v1 cpu.cfs_quota_us (/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us)");
  EXPECT_EQ(resources.memory_bytes, kGiB);
  EXPECT_EQ(resources.memory_source, "cgroup v1 memory.limit_in_bytes (/sys/fs/cgroup/memory/memory.limit_in_bytes)");
}

TEST_F(FixtureRoot, FindsTheCgroup1CpuControllerUnderItsCpuLink) {
  write("/proc/meminfo", kMeminfo);
  write("/proc/self/cgroup", "4:memory:/\n1:cpu:/\n0::/\n");
  write("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
  write("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
  write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
  const auto facts = parsed(read_host_facts(root_.string()));
  EXPECT_FALSE(facts.cgroup_cpu_millis.has_value());
  EXPECT_FALSE(facts.cgroup_memory_bytes.has_value());
  const auto resources = combine(facts, {});
  EXPECT_EQ(resources.cpu_millis, host_cpu_millis());
  EXPECT_EQ(resources.memory_bytes, 16306268 * kKiB);
  EXPECT_EQ(resources.memory_source, "/proc/meminfo MemTotal");
}

TEST_F(FixtureRoot, UsesHostFiguresWhenThereAreNoCgroupFiles) {
  write("/proc/meminfo", kMeminfo);
  const auto resources = parsed(probe_host(at_root()));
  EXPECT_EQ(resources.cpu_millis, host_cpu_millis());
  EXPECT_TRUE(resources.cpu_source == "sched_getaffinity" ||
              resources.cpu_source == "std::thread::hardware_concurrency")
      << resources.cpu_source;
  EXPECT_EQ(resources.memory_bytes, 16306268 * kKiB);
}

TEST_F(FixtureRoot, NamesTheMalformedFile) {
  write("/proc/meminfo", kMeminfo);
  write("/proc/self/cgroup", "0::/\n");
  write("/sys/fs/cgroup/memory.max", "lots\n");
  const auto result = probe_host(at_root());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::decode);
  EXPECT_EQ(result.error().message, "/sys/fs/cgroup/memory.max: expected 'max' or a number of bytes, got 'lots'");
}

TEST_F(FixtureRoot, ReportsMissingOrMalformedProcFiles) {
  const auto missing = probe_host(at_root());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::io);
  EXPECT_EQ(missing.error().message, "/proc/meminfo: not found");

  write("/proc/meminfo", "MemFree: 1 kB\n");
  EXPECT_EQ(failure(probe_host(at_root())), "/proc/meminfo: no MemTotal line");

  write("/proc/meminfo", kMeminfo);
  write("/proc/self/cgroup", "nonsense\n");
  EXPECT_EQ(failure(probe_host(at_root())),
            "/proc/self/cgroup: line 1: expected 'ID:CONTROLLERS:/PATH', got 'nonsense'");
}

TEST(Probe, RejectsANegativeReserve) {
  const auto result = probe_host({.reserve = {.cpu_millis = -1}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(result.error().message, "reserve must not be negative: cpu_millis=-1 memory_bytes=0");
}

TEST(Probe, ProbesTheRealHost) {
  const auto resources = parsed(probe_host({}));
  EXPECT_GE(resources.cpu_millis, 1000);
  EXPECT_GT(resources.memory_bytes, 0);
  EXPECT_FALSE(resources.cpu_source.empty());
  EXPECT_FALSE(resources.memory_source.empty());
  std::cout << "[ probe    ] cpu_millis=" << resources.cpu_millis << " cpu_source=\"" << resources.cpu_source
            << "\" memory_bytes=" << resources.memory_bytes << " memory_source=\"" << resources.memory_source
            << "\"\n";
}

}  // namespace
}  // namespace berth::agent
