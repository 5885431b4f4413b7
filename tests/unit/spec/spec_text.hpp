#pragma once
// Helpers for spec tests: parse inline YAML and get the problem or the error text.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "common/spec/spec.hpp"

namespace berth::spec::testing {

// A minimal valid pair of files to vary one thing at a time.
inline constexpr std::string_view kCluster = R"(nodes:
  - name: n1
    capacity: {cpu: 4, memory: 8Gi}
)";
inline constexpr std::string_view kServices = R"(services:
  web:
    image: nginx:1.25
)";

inline model::Problem parsed(std::string_view cluster, std::string_view services) {
  auto result = parse_problem(cluster, "cluster.yaml", services, "services.yaml");
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : model::Problem{};
}

// The error message of a pair that must not parse ("" and a test failure if it parses).
inline std::string errors(std::string_view cluster, std::string_view services) {
  const auto result = parse_problem(cluster, "cluster.yaml", services, "services.yaml");
  EXPECT_FALSE(result.ok()) << "parsed, but should not have";
  return result.ok() ? std::string() : result.error().message;
}

inline std::string services_errors(std::string_view services) { return errors(kCluster, services); }
inline std::string cluster_errors(std::string_view cluster) { return errors(cluster, kServices); }

}  // namespace berth::spec::testing
