#include "common/spec/quantity.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace berth::spec {
namespace {

std::int64_t parsed(std::string_view text, QuantityKind kind) {
  const auto result = parse_quantity(text, kind);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : -1;
}

std::string failure(std::string_view text, QuantityKind kind) {
  const auto result = parse_quantity(text, kind);
  EXPECT_FALSE(result.ok()) << text << " parsed as " << (result.ok() ? result.value() : 0);
  return result.ok() ? "" : result.error().message;
}

TEST(Quantity, ConvertsCpuToMillicores) {
  EXPECT_EQ(parsed("2", QuantityKind::cpu), 2000);
  EXPECT_EQ(parsed("500m", QuantityKind::cpu), 500);
  EXPECT_EQ(parsed("0.5", QuantityKind::cpu), 500);
  EXPECT_EQ(parsed(".25", QuantityKind::cpu), 250);
  EXPECT_EQ(parsed("1.001", QuantityKind::cpu), 1001);
  EXPECT_EQ(parsed("1m", QuantityKind::cpu), 1);
  EXPECT_EQ(parsed("0", QuantityKind::cpu), 0);
  EXPECT_EQ(parsed("+3", QuantityKind::cpu), 3000);
  EXPECT_EQ(parsed("1k", QuantityKind::cpu), 1000000);
}

TEST(Quantity, RejectsCpuFinerThanOneMillicore) {
  EXPECT_EQ(failure("0.0001", QuantityKind::cpu), "finer than 1m");
  EXPECT_EQ(failure("1.5m", QuantityKind::cpu), "finer than 1m");
}

TEST(Quantity, ConvertsMemoryWithBinaryAndDecimalSuffixes) {
  EXPECT_EQ(parsed("512Mi", QuantityKind::bytes), 512LL * 1024 * 1024);
  EXPECT_EQ(parsed("1Ki", QuantityKind::bytes), 1024);
  EXPECT_EQ(parsed("64Gi", QuantityKind::bytes), 64LL * 1024 * 1024 * 1024);
  EXPECT_EQ(parsed("1.5Gi", QuantityKind::bytes), 1610612736);
  EXPECT_EQ(parsed("2Ti", QuantityKind::bytes), 2LL << 40);
  EXPECT_EQ(parsed("1Pi", QuantityKind::bytes), 1LL << 50);
  EXPECT_EQ(parsed("1G", QuantityKind::bytes), 1000000000);
  EXPECT_EQ(parsed("1k", QuantityKind::bytes), 1000);
  EXPECT_EQ(parsed("1K", QuantityKind::bytes), 1000);
  EXPECT_EQ(parsed("3M", QuantityKind::bytes), 3000000);
  EXPECT_EQ(parsed("2T", QuantityKind::bytes), 2000000000000);
  EXPECT_EQ(parsed("1P", QuantityKind::bytes), 1000000000000000);
  EXPECT_EQ(parsed("9E", QuantityKind::bytes), 9000000000000000000);
  EXPECT_EQ(parsed("4096", QuantityKind::bytes), 4096);
  EXPECT_EQ(parsed("2.00000000000000000000000", QuantityKind::bytes), 2) << "trailing zeros are exact";
  EXPECT_EQ(parsed("2000m", QuantityKind::bytes), 2);
}

TEST(Quantity, RejectsFractionalBytesAndCounts) {
  EXPECT_EQ(failure("1.5", QuantityKind::bytes), "not a whole number of bytes");
  EXPECT_EQ(failure("1500m", QuantityKind::bytes), "not a whole number of bytes");
  EXPECT_EQ(failure("0.5", QuantityKind::count), "not a whole number of units");
}

TEST(Quantity, CountsUseTheSameSuffixes) {
  EXPECT_EQ(parsed("2", QuantityKind::count), 2);
  EXPECT_EQ(parsed("1k", QuantityKind::count), 1000);
  EXPECT_EQ(parsed("2000m", QuantityKind::count), 2);
  EXPECT_EQ(parsed("1Ki", QuantityKind::count), 1024);
}

TEST(Quantity, RejectsMalformedText) {
  EXPECT_EQ(failure("5x", QuantityKind::cpu), "unknown suffix 'x' (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti or Pi)");
  EXPECT_EQ(failure("", QuantityKind::cpu), "empty");
  EXPECT_EQ(failure("-1", QuantityKind::cpu), "negative");
  EXPECT_EQ(failure("-512Mi", QuantityKind::bytes), "negative");
  EXPECT_EQ(failure(".", QuantityKind::cpu), "no digits");
  EXPECT_NE(failure("Gi", QuantityKind::bytes).find("not a number"), std::string::npos);
  EXPECT_NE(failure("1 Gi", QuantityKind::bytes).find("unknown suffix ' Gi'"), std::string::npos);
  EXPECT_NE(failure("1e3", QuantityKind::count).find("unknown suffix 'e3'"), std::string::npos);
  EXPECT_NE(failure("1gi", QuantityKind::bytes).find("unknown suffix 'gi'"), std::string::npos);
}

TEST(Quantity, RejectsValuesBeyondInt64) {
  EXPECT_EQ(parsed("9223372036854775807", QuantityKind::bytes), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(failure("9223372036854775808", QuantityKind::bytes), "too large");
  EXPECT_EQ(failure("10E", QuantityKind::bytes), "too large");
  EXPECT_EQ(failure("9223372036854775807", QuantityKind::cpu), "too large");
  EXPECT_EQ(failure("8192Pi", QuantityKind::bytes), "too large");
}

TEST(Quantity, KindFollowsTheResourceName) {
  EXPECT_EQ(quantity_kind_for("cpu"), QuantityKind::cpu);
  EXPECT_EQ(quantity_kind_for("memory"), QuantityKind::bytes);
  EXPECT_EQ(quantity_kind_for("gpu"), QuantityKind::gpu);
  EXPECT_EQ(quantity_kind_for("nvidia.com/gpu"), QuantityKind::gpu);
  EXPECT_EQ(quantity_kind_for("gpus"), QuantityKind::count);
  EXPECT_EQ(quantity_kind_for("disk"), QuantityKind::count);
}

TEST(Quantity, GpusAreMilliGpus) {
  EXPECT_EQ(parsed("1", QuantityKind::gpu), 1000);
  EXPECT_EQ(parsed("0.5", QuantityKind::gpu), 500);
  EXPECT_EQ(parsed("250m", QuantityKind::gpu), 250);
  EXPECT_EQ(failure("0.0001", QuantityKind::gpu), "finer than 1m");
}

}  // namespace
}  // namespace berth::spec
