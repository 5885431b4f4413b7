#pragma once
// The shape of names and strings in spec files. Each check returns what is wrong, or
// nullopt when the text is fine, so callers can put the reason into a located message.
#include <optional>
#include <string>
#include <string_view>

namespace berth::spec {

// Node and service names: they become container names and network routing ids, so
// letters, digits, '.', '_' and '-', starting with a letter or digit, at most 253 chars.
std::optional<std::string> check_name(std::string_view name);

// Resource names: "cpu", "memory", "gpu", "nvidia.com/gpu" — as names plus '/'.
std::optional<std::string> check_resource_name(std::string_view name);

// Taints and tolerations: key[=value]:Effect with Effect one of NoSchedule,
// PreferNoSchedule, NoExecute. The key may carry a DNS prefix ("example.com/gpu").
std::optional<std::string> check_taint(std::string_view taint);

// Environment variable names: a letter or '_', then letters, digits, '_'.
std::optional<std::string> check_env_name(std::string_view name);

}  // namespace berth::spec
