#pragma once
// Resource quantities in Kubernetes syntax ("500m", "2", "1.5Gi", "1G") to berth's integer
// units: cpu in millicores, memory in bytes, GPUs in milli-GPUs, every other resource a
// plain count.
//
//   parse_quantity("500m", QuantityKind::cpu)    → 500
//   parse_quantity("1.5Gi", QuantityKind::bytes) → 1610612736
//   parse_quantity("0.5", QuantityKind::gpu)     → 500
//   parse_quantity("2", QuantityKind::count)     → 2
//   parse_quantity("5x", QuantityKind::cpu)      → error "unknown suffix 'x' ..."
//
// Grammar: [+]digits[.digits] or [+].digits, then an optional suffix: m (1/1000),
// k K M G T P E (powers of 1000), Ki Mi Gi Ti Pi Ei (powers of 1024). The value is
// converted exactly (no floating point): a quantity finer than the unit (0.1m cpu, 0.5
// bytes, 1.5 gpus) is rejected rather than rounded, because silently rounding a request
// changes what fits. Negative values and values beyond int64 are rejected.
// The error message is the reason only ("negative"); callers add which file, line and
// resource it was about.
#include <cstdint>
#include <string_view>

#include "common/result.hpp"

namespace berth::spec {

enum class QuantityKind {
  cpu,    // result in millicores: "2" → 2000
  bytes,  // result in bytes: "1Ki" → 1024
  gpu,    // result in milli-GPUs: "1" → 1000, "250m" → 250 (see common/model/gpu.hpp)
  count,  // result in units: "1k" → 1000
};

// cpu → cpu, memory → bytes, gpu and names ending in /gpu (nvidia.com/gpu) → gpu,
// anything else (disk, example.com/fpga) → count.
QuantityKind quantity_kind_for(std::string_view resource);

Result<std::int64_t> parse_quantity(std::string_view text, QuantityKind kind);

}  // namespace berth::spec
