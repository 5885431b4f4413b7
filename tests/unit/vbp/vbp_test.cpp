#include "bench/vbp/vbp.hpp"

#include <gtest/gtest.h>

namespace berth::bench::vbp {
namespace {

// 2 dimensions, capacity (10, 8); items (6,2)×2, (4,5)×1, (3,3)×2.
constexpr const char* kTiny =
    "2\n"
    "10 8\n"
    "3\n"
    "6 2 2\n"
    "4 5 1\n"
    "3 3 2\n";

Instance tiny() {
  auto instance = parse_vbp(kTiny, "dir/tiny.vbp");
  EXPECT_TRUE(instance.ok());
  return *instance;
}

std::string error_of(const std::string& text) {
  auto instance = parse_vbp(text, "bad.vbp");
  EXPECT_FALSE(instance.ok()) << text;
  return instance ? "" : instance.error().message;
}

model::Placement placement_of(const model::Problem& problem, const std::vector<std::vector<std::pair<std::uint32_t, int>>>& bins) {
  auto placement = model::Placement::empty_for(problem);
  for (std::size_t b = 0; b < bins.size(); ++b)
    for (const auto& [item, count] : bins[b]) placement.by_node[b].push_back({model::ServiceId{item}, count});
  return placement;
}

TEST(ParseVbp, ReadsDimensionsCapacitiesAndItemTypes) {
  const Instance instance = tiny();
  EXPECT_EQ(instance.name, "tiny");
  EXPECT_EQ(instance.dims(), 2);
  EXPECT_EQ(instance.capacity, (std::vector<std::int64_t>{10, 8}));
  ASSERT_EQ(instance.items.size(), 3u);
  EXPECT_EQ(instance.items[1].size, (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(instance.items[2].multiplicity, 2);
  EXPECT_EQ(instance.item_count(), 5);
  EXPECT_FALSE(instance.has_negative_sizes());
}

TEST(ParseVbp, AcceptsNegativeSizesAsThePublicTripletDataHasThem) {
  auto instance = parse_vbp("1\n10\n2\n4 1\n-2 1\n", "neg.vbp");
  ASSERT_TRUE(instance.ok());
  EXPECT_TRUE(instance->has_negative_sizes());
  // berth's model gets 0 for the negative size.
  const auto problem = to_problem(*instance, 1);
  EXPECT_EQ(problem.services[1].request, (std::vector<std::int64_t>{0}));
}

TEST(ParseVbp, PointsAtTheFileAndLineOfEachError) {
  EXPECT_EQ(error_of(""), "bad.vbp:1: expected the number of dimensions, found the end of the file");
  EXPECT_EQ(error_of("2\n10 x\n"), "bad.vbp:2: expected capacity 2 (an integer), found 'x'");
  EXPECT_EQ(error_of("1\n0\n"), "bad.vbp:2: capacity 1 0 is outside [1, 1000000000000]");
  EXPECT_EQ(error_of("1\n10\n2\n4 1\n"), "bad.vbp:4: expected size 1 of item type 2, found the end of the file");
  EXPECT_EQ(error_of("1\n10\n1\n11 1\n"),
            "bad.vbp:4: item type 1 fits in no bin: size 11 > capacity 10 in dimension 1");
  EXPECT_EQ(error_of("1\n10\n1\n4 1\n5 1\n"), "bad.vbp:5: unexpected '5' after the 1 item types the file declares");
  EXPECT_EQ(error_of("1\n10\n1\n4 1.5\n"),
            "bad.vbp:4: expected the multiplicity of item type 1 (an integer), found '1.5'");
  EXPECT_EQ(error_of("1\n10\n1\n4 -1\n"), "bad.vbp:4: the multiplicity of item type 1 -1 is outside [0, 10000000]");
  EXPECT_EQ(error_of("0\n"), "bad.vbp:1: the number of dimensions 0 is outside [1, 1000]");
  EXPECT_EQ(error_of("1\n99999999999999999999\n"), "bad.vbp:2: capacity 1 '99999999999999999999' is out of range");
}

TEST(ReadVbp, NamesAMissingFile) {
  auto instance = read_vbp("/nonexistent/x.vbp");
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().message, "/nonexistent/x.vbp: cannot open");
}

TEST(VerifyPacking, AcceptsAValidPacking) {
  const Instance instance = tiny();
  const auto problem = to_problem(instance, 3);
  // {6,2}+{3,3} = (9,5); {6,2}+{3,3} = (9,5); {4,5} alone.
  const auto placement = placement_of(problem, {{{0, 1}, {2, 1}}, {{0, 1}, {2, 1}}, {{1, 1}}});
  EXPECT_TRUE(verify_packing(instance, problem, placement).empty());
  EXPECT_EQ(bins_used(placement), 3);
}

TEST(VerifyPacking, ReportsABinOverCapacityInOneDimension) {
  const Instance instance = tiny();
  const auto problem = to_problem(instance, 3);
  // (4,5) with (3,3) twice is (10,11): dimension 2 is over, dimension 1 just full.
  const auto placement = placement_of(problem, {{{0, 1}}, {{1, 1}, {2, 2}}, {{0, 1}}});
  const auto errors = verify_packing(instance, problem, placement);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "bin 2: dimension 2 holds 11 > capacity 8");
}

TEST(VerifyPacking, ReportsMissingAndDuplicatedItems) {
  const Instance instance = tiny();
  const auto problem = to_problem(instance, 3);
  const auto placement = placement_of(problem, {{{0, 1}}, {{1, 1}, {2, 1}}, {{1, 1}}});
  const auto errors = verify_packing(instance, problem, placement);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "item type 1: 1 placed, 2 expected");
  EXPECT_EQ(errors[1], "item type 2: 2 placed, 1 expected");
  EXPECT_EQ(errors[2], "item type 3: 1 placed, 2 expected");
}

TEST(VerifyPacking, CountsNegativeSizesAsTheyAre) {
  auto instance = parse_vbp("1\n10\n3\n6 1\n6 1\n-2 1\n", "neg.vbp");
  ASSERT_TRUE(instance.ok());
  const auto problem = to_problem(*instance, 1);
  // 6 + 6 − 2 = 10: one bin holds all three.
  EXPECT_TRUE(verify_packing(*instance, problem, placement_of(problem, {{{0, 1}, {1, 1}, {2, 1}}})).empty());
}

TEST(LowerBound, VolumeIsTheLargestRoundedUpShareOverDimensions) {
  // Σ = (6+6+4+3+3, 2+2+5+3+3) = (22, 15): ⌈22/10⌉ = 3, ⌈15/8⌉ = 2.
  EXPECT_EQ(volume_lower_bound(tiny()), 3);
}

TEST(LowerBound, MartelloTothL2SeesItemsAboveHalfTheCapacity) {
  // Three items of 6 out of 10: volume says 2, no two of them share a bin.
  auto instance = parse_vbp("1\n10\n1\n6 3\n", "l2.vbp");
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(volume_lower_bound(*instance), 2);
  EXPECT_EQ(dimension_lower_bound(*instance, 0), 3);
  EXPECT_EQ(lower_bound(*instance), 3);
}

TEST(LowerBound, MartelloTothL2CountsWhatFitsBesideTheLargeItems) {
  // Two 7s leave 3 each; four 4s fit beside neither and need ⌈16/10⌉ = 2 bins of their own:
  // 4 in all (volume says ⌈30/10⌉ = 3).
  auto instance = parse_vbp("1\n10\n2\n7 2\n4 4\n", "l2.vbp");
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(volume_lower_bound(*instance), 3);
  EXPECT_EQ(dimension_lower_bound(*instance, 0), 4);
}

TEST(LowerBound, ConflictsAcrossDimensionsKeepItemsApart) {
  // (5,5) conflicts with (6,1) and with (1,6), each in one dimension, but (6,1) and (1,6)
  // share a bin: 2 items at most are pairwise apart. Three (6,6) are pairwise apart.
  auto pair = parse_vbp("2\n10 10\n3\n6 1 1\n1 6 1\n5 5 1\n", "c.vbp");
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(conflict_lower_bound(*pair), 2);
  auto triple = parse_vbp("2\n10 10\n2\n6 6 3\n1 1 1\n", "c.vbp");
  ASSERT_TRUE(triple.ok());
  EXPECT_EQ(conflict_lower_bound(*triple), 3);
  EXPECT_EQ(volume_lower_bound(*triple), 2);
  EXPECT_EQ(lower_bound(*triple), 3);
}

TEST(LowerBound, IgnoresDimensionsWithNegativeSizesForConflicts) {
  // 6 + 6 − 2 = 10 fits: the two 6s do not conflict, L2 must not claim 2 either.
  auto instance = parse_vbp("1\n10\n2\n6 2\n-2 1\n", "neg.vbp");
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(conflict_lower_bound(*instance), 1);
  EXPECT_EQ(dimension_lower_bound(*instance, 0), 0);
  EXPECT_EQ(lower_bound(*instance), 1);
}

TEST(FirstFitDecreasing, GivesAValidNumberOfBins) {
  // By relative size: (4,5) then (6,2) join in bin 1 (10,7); (6,2)+(3,3) in bin 2 (9,5);
  // the last (3,3) fits neither: 3 bins.
  EXPECT_EQ(first_fit_decreasing_bins(tiny()), 3);
}

TEST(ToProblem, MapsBinsToIdenticalNodesAndItemTypesToServices) {
  const auto problem = to_problem(tiny(), 4);
  ASSERT_EQ(problem.nodes.size(), 4u);
  EXPECT_EQ(problem.nodes[3].capacity, (std::vector<std::int64_t>{10, 8}));
  EXPECT_EQ(problem.nodes[3].cost, 1.0);
  ASSERT_EQ(problem.services.size(), 3u);
  EXPECT_EQ(problem.services[2].replicas, 2);
  EXPECT_EQ(problem.services[1].request, (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(problem.objective.strategy, model::Strategy::binpack);
}

}  // namespace
}  // namespace berth::bench::vbp
