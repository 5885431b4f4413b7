#pragma once
// GPU sharing: how whole and fractional GPU requests become one additive resource.
//
//   gpu_request_millis(0.46 GPU = 460) → 500    (half a GPU)
//   gpu_request_millis(2000)           → 2000   (two whole GPUs)
//   gpu_request_millis(1500)           → nullopt (1.5 GPUs cannot be served by one device)
//
// The model counts GPUs in milli-GPUs in one dimension (a node with 8 GPUs has 8000), and
// adds requests like any other resource. That is only honest if every sum that fits the
// node's total also fits its devices: a pod asking part of a GPU must get it on a single
// device, and a pod asking whole GPUs needs whole free devices. So a request below one GPU
// is rounded up to the smallest share that holds it, 1/2, 1/4 or 1/8 of a GPU (500, 250,
// 125 milli-GPUs), and a request of one GPU or more must be whole GPUs. These sizes divide
// each other, and for sizes that divide each other packing the largest first, each on the
// first device with room, fills the devices without gaps: every set of requests whose sum
// is at most the node's GPUs has a device assignment (gpu_layout finds it). The price is
// the rounding: a pod asking 0.3 GPU holds 0.5. docs/spec.md states the rule.
#include <cstdint>
#include <optional>
#include <vector>

namespace berth::model {

inline constexpr std::int64_t kMilliGpusPerGpu = 1000;
inline constexpr std::int64_t kSmallestGpuShareMillis = kMilliGpusPerGpu / 8;

// What a request of `requested_millis` milli-GPUs holds under the sharing rule: 0 for 0,
// the smallest share of 1/2, 1/4, 1/8 GPU that holds a request below one GPU, the request
// itself when it is whole GPUs; nullopt for a negative request or one above a GPU that is
// not whole GPUs.
std::optional<std::int64_t> gpu_request_millis(std::int64_t requested_millis);

// True when `millis` is a request the rule produces (0, a share or whole GPUs).
bool is_gpu_request(std::int64_t millis);

// Milli-GPUs held on each of a node's `gpus` devices once `requests` (each satisfying
// is_gpu_request) are assigned to devices, whole GPUs first, then shares largest first on
// the first device with room; nullopt when they do not fit. With sizes from the rule this
// fails only when the sum exceeds gpus × 1000 (see the header comment).
std::optional<std::vector<std::int64_t>> gpu_layout(int gpus, std::vector<std::int64_t> requests);

}  // namespace berth::model
