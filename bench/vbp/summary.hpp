#pragma once
// berth-vbp's per-class table: berth's bins against the lower bound, the optimum and the
// best heuristic that a summary file lists for each instance.
//
//   auto known = read_summary("Panigrahy_summary_known.csv");  // Result, "FILE:LINE: what"
//   std::cout << format_classes(results, known->rows);
//
// Summary files (Vectorpack's *_summary_known.csv) are tab-separated with a header row
// naming at least instance_name, LB, OPT (-1: unknown) and best_overall.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::bench::vbp {

struct Known {
  std::int64_t lower_bound = 0;
  std::int64_t optimum = -1;  // -1: unknown
  std::int64_t best_heuristic = 0;
};

struct Summary {
  std::map<std::string, Known> rows;  // by instance name
};

Result<Summary> parse_summary(std::string_view text, const std::string& file);
Result<Summary> read_summary(const std::string& path);

struct RunResult {
  std::string name;
  std::int64_t bins = 0;
  std::int64_t lower_bound = 0;
  double seconds = 0;
};

// "class1_20_3_0" → "class1": the name up to its first '_'.
std::string class_of(const std::string& name);

// A markdown table, one row per class (in name order) and a total row, over the results
// that `known` lists: instances, berth's bins, the sum of the optima (where OPT is
// unknown: the larger of the listed and berth's bound, or that bound where it meets a
// packing), the best listed heuristic's bins, how many instances berth packs in fewer /
// as many / more bins than it, how many optima are known and how many berth reaches, and
// berth's seconds. Every line starts with '|', so a reader of the instance lines can
// skip them.
std::string format_classes(const std::vector<RunResult>& results, const std::map<std::string, Known>& known);

}  // namespace berth::bench::vbp
