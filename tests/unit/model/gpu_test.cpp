#include "common/model/gpu.hpp"

#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace berth::model {
namespace {

TEST(GpuRequest, ShareBelowOneGpuIsRoundedUpToHalfQuarterOrEighth) {
  EXPECT_EQ(gpu_request_millis(0), 0);
  EXPECT_EQ(gpu_request_millis(50), 125);
  EXPECT_EQ(gpu_request_millis(125), 125);
  EXPECT_EQ(gpu_request_millis(126), 250);
  EXPECT_EQ(gpu_request_millis(320), 500);
  EXPECT_EQ(gpu_request_millis(500), 500);
  EXPECT_EQ(gpu_request_millis(810), 1000);
}

TEST(GpuRequest, OneGpuOrMoreMustBeWholeGpus) {
  EXPECT_EQ(gpu_request_millis(1000), 1000);
  EXPECT_EQ(gpu_request_millis(8000), 8000);
  EXPECT_EQ(gpu_request_millis(1500), std::nullopt);
  EXPECT_EQ(gpu_request_millis(-1), std::nullopt);
  EXPECT_TRUE(is_gpu_request(250));
  EXPECT_TRUE(is_gpu_request(3000));
  EXPECT_FALSE(is_gpu_request(300));
  EXPECT_FALSE(is_gpu_request(1500));
}

TEST(GpuLayout, WholeGpusTakeFreeDevicesAndSharesFillTheRest) {
  const auto layout = gpu_layout(4, {500, 2000, 250, 250, 1000});
  ASSERT_TRUE(layout);
  EXPECT_EQ(*layout, (std::vector<std::int64_t>{1000, 1000, 1000, 1000}));
  EXPECT_EQ(gpu_layout(2, {2000, 125}), std::nullopt);
}

TEST(GpuLayout, UnroundedSharesCanOverbookADeviceThatTheSumSaysFits) {
  // Why requests are rounded: three 0.6 GPU pods add up to 1.8 of 2 GPUs, yet no device
  // holds two of them. Rounded to whole GPUs they honestly do not fit.
  EXPECT_EQ(gpu_layout(2, {600, 600, 600}), std::nullopt);
  EXPECT_EQ(gpu_layout(2, {*gpu_request_millis(600), *gpu_request_millis(600)}),
            (std::vector<std::int64_t>{1000, 1000}));
}

TEST(GpuLayout, EveryRoundedSetWhoseSumFitsHasADeviceAssignment) {
  std::mt19937_64 rng(20230);
  const std::vector<std::int64_t> sizes = {125, 250, 500, 1000, 2000, 4000};
  for (int trial = 0; trial < 2000; ++trial) {
    const int gpus = static_cast<int>(rng() % 8) + 1;
    std::vector<std::int64_t> requests;
    std::int64_t sum = 0;
    for (int i = 0; i < 40; ++i) {
      const std::int64_t size = sizes[rng() % sizes.size()];
      if (sum + size > gpus * kMilliGpusPerGpu) continue;
      requests.push_back(size);
      sum += size;
    }
    EXPECT_TRUE(gpu_layout(gpus, requests)) << "trial " << trial << ": " << requests.size() << " requests, sum " << sum
                                            << " on " << gpus << " GPUs";
  }
}

}  // namespace
}  // namespace berth::model
