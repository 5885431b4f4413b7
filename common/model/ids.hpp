#pragma once
// Strong ids: indices into Problem::nodes and Problem::services that can't be swapped.
#include <compare>
#include <cstdint>

namespace berth::model {

struct NodeId {
  std::uint32_t value = 0;
  auto operator<=>(const NodeId&) const = default;
};

struct ServiceId {
  std::uint32_t value = 0;
  auto operator<=>(const ServiceId&) const = default;
};

}  // namespace berth::model
