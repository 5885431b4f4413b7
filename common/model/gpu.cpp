#include "common/model/gpu.hpp"

#include <algorithm>
#include <functional>

namespace berth::model {

std::optional<std::int64_t> gpu_request_millis(std::int64_t requested_millis) {
  if (requested_millis < 0) return std::nullopt;
  if (requested_millis == 0) return 0;
  if (requested_millis >= kMilliGpusPerGpu) {
    if (requested_millis % kMilliGpusPerGpu != 0) return std::nullopt;
    return requested_millis;
  }
  std::int64_t share = kSmallestGpuShareMillis;
  while (share < requested_millis) share *= 2;
  return share;
}

bool is_gpu_request(std::int64_t millis) {
  const auto held = gpu_request_millis(millis);
  return held && *held == millis;
}

std::optional<std::vector<std::int64_t>> gpu_layout(int gpus, std::vector<std::int64_t> requests) {
  std::vector<std::int64_t> held(static_cast<std::size_t>(std::max(gpus, 0)), 0);
  std::sort(requests.begin(), requests.end(), std::greater<>());
  std::size_t next_free = 0;  // whole requests come first and take devices in order
  for (const std::int64_t request : requests) {
    if (request <= 0) continue;
    if (request >= kMilliGpusPerGpu) {
      const auto devices = static_cast<std::size_t>(request / kMilliGpusPerGpu);
      if (next_free + devices > held.size()) return std::nullopt;
      for (std::size_t d = 0; d < devices; ++d) held[next_free++] = kMilliGpusPerGpu;
      continue;
    }
    const auto device = std::find_if(held.begin() + static_cast<std::ptrdiff_t>(next_free), held.end(),
                                     [&](std::int64_t used) { return used + request <= kMilliGpusPerGpu; });
    if (device == held.end()) return std::nullopt;
    *device += request;
  }
  return held;
}

}  // namespace berth::model
