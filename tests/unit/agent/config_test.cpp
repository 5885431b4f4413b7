// berth::agent::node_report: flags and the probe's figures into the report the agent
// registers with, every bad entry reported at once.
#include "agent/config.hpp"

#include <gtest/gtest.h>

namespace berth::agent {
namespace {

Result<HostResources> probed_host() {
  HostResources host;
  host.cpu_millis = 8000;
  host.memory_bytes = 16LL << 30;
  return host;
}

TEST(NodeReport, TakesTheProbeUnlessCapacityOverridesIt) {
  AgentConfig config;
  config.name = "n1";
  config.capacity = {"cpu=4"};
  config.labels = {"zone=a"};
  const auto report = node_report(config, probed_host(), "host");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->capacity.at("cpu"), 4000);
  EXPECT_EQ(report->capacity.at("memory"), 16LL << 30);
  EXPECT_EQ(report->labels.at("zone"), "a");
  EXPECT_TRUE(report->soft_capacity.empty());
}

TEST(NodeReport, CarriesASoftCapacityWithinTheCapacity) {
  AgentConfig config;
  config.soft_capacity = {"cpu=6", "memory=12Gi"};
  const auto report = node_report(config, probed_host(), "host");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->node, "host");
  EXPECT_EQ(report->soft_capacity, (std::map<std::string, std::int64_t>{{"cpu", 6000}, {"memory", 12LL << 30}}));
}

TEST(NodeReport, RefusesSoftCapacitiesAboveTheCapacityOrOfResourcesItLacks) {
  AgentConfig config;
  config.soft_capacity = {"cpu=10", "gpu=1", "memory=lots"};
  const auto report = node_report(config, probed_host(), "host");
  ASSERT_FALSE(report.ok());
  const std::string& message = report.error().message;
  EXPECT_NE(message.find("--soft-capacity cpu=10000: more than its capacity 8000"), std::string::npos) << message;
  EXPECT_NE(message.find("--soft-capacity gpu: the node has no gpu capacity"), std::string::npos) << message;
  EXPECT_NE(message.find("--soft-capacity 'memory=lots'"), std::string::npos) << message;
}

}  // namespace
}  // namespace berth::agent
