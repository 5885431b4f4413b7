#include "bench/vbp/summary.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace berth::bench::vbp {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

bool parse_int(std::string_view text, std::int64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

struct Totals {
  int instances = 0;
  std::int64_t bins = 0, optimum_or_bound = 0, best_heuristic = 0;
  int below_best = 0, at_best = 0, above_best = 0, with_optimum = 0, optimum_reached = 0;
  double seconds = 0;
};

}  // namespace

Result<Summary> parse_summary(std::string_view text, const std::string& file) {
  Summary summary;
  int line_number = 0;
  std::size_t columns = 0;
  std::size_t name_at = 0, lb_at = 0, opt_at = 0, best_at = 0;
  auto fail = [&](const std::string& message) {
    return Error{ErrorCode::invalid_spec, file + ":" + std::to_string(line_number) + ": " + message};
  };
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto fields = split_tabs(line);
    if (columns == 0) {
      auto find = [&](std::string_view name, std::size_t& at) {
        const auto it = std::find(fields.begin(), fields.end(), name);
        at = static_cast<std::size_t>(it - fields.begin());
        return it != fields.end();
      };
      for (const char* name : {"instance_name", "LB", "OPT", "best_overall"}) {
        std::size_t at = 0;
        if (!find(name, at)) return fail(std::string("the header names no column '") + name + "' (tab-separated)");
      }
      find("instance_name", name_at);
      find("LB", lb_at);
      find("OPT", opt_at);
      find("best_overall", best_at);
      columns = fields.size();
      continue;
    }
    if (fields.size() != columns)
      return fail(std::to_string(fields.size()) + " fields, the header has " + std::to_string(columns));
    Known known;
    if (!parse_int(fields[lb_at], known.lower_bound)) return fail("LB is not an integer");
    if (!parse_int(fields[opt_at], known.optimum)) return fail("OPT is not an integer");
    if (!parse_int(fields[best_at], known.best_heuristic)) return fail("best_overall is not an integer");
    if (!summary.rows.emplace(std::string(fields[name_at]), known).second)
      return fail("instance '" + std::string(fields[name_at]) + "' is listed twice");
  }
  if (columns == 0) return fail("empty file, expected a header row");
  return summary;
}

Result<Summary> read_summary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::io, path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_summary(text.str(), path);
}

std::string class_of(const std::string& name) { return name.substr(0, name.find('_')); }

std::string format_classes(const std::vector<RunResult>& results, const std::map<std::string, Known>& known) {
  std::map<std::string, Totals> classes;
  for (const auto& r : results) {
    const auto it = known.find(r.name);
    if (it == known.end()) continue;
    const Known& k = it->second;
    Totals& t = classes[class_of(r.name)];
    ++t.instances;
    t.bins += r.bins;
    t.best_heuristic += k.best_heuristic;
    t.seconds += r.seconds;
    (r.bins < k.best_heuristic ? t.below_best : r.bins == k.best_heuristic ? t.at_best : t.above_best) += 1;
    // The optimum is known where OPT is listed, or where a bound meets a packing.
    std::int64_t optimum = k.optimum;
    const std::int64_t bound = std::max(k.lower_bound, r.lower_bound);
    if (optimum < 0 && bound == std::min(r.bins, k.best_heuristic)) optimum = bound;
    if (optimum >= 0) {
      ++t.with_optimum;
      if (r.bins == optimum) ++t.optimum_reached;
    }
    t.optimum_or_bound += optimum >= 0 ? optimum : bound;
  }
  std::string out =
      "| class | instances | berth bins | optimum (or best bound) | best heuristic | berth − best | "
      "berth < / = / > best | optimum known / reached | seconds |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  Totals all;
  auto row = [&out](const std::string& name, const Totals& t) {
    char line[512];
    std::snprintf(line, sizeof line, "| %s | %d | %lld | %lld | %lld | %+lld | %d / %d / %d | %d / %d | %.1f |\n",
                  name.c_str(), t.instances, static_cast<long long>(t.bins),
                  static_cast<long long>(t.optimum_or_bound), static_cast<long long>(t.best_heuristic),
                  static_cast<long long>(t.bins - t.best_heuristic), t.below_best, t.at_best, t.above_best,
                  t.with_optimum, t.optimum_reached, t.seconds);
    out += line;
  };
  for (const auto& [name, t] : classes) {
    row(name, t);
    all.instances += t.instances;
    all.bins += t.bins;
    all.optimum_or_bound += t.optimum_or_bound;
    all.best_heuristic += t.best_heuristic;
    all.below_best += t.below_best;
    all.at_best += t.at_best;
    all.above_best += t.above_best;
    all.with_optimum += t.with_optimum;
    all.optimum_reached += t.optimum_reached;
    all.seconds += t.seconds;
  }
  if (classes.size() > 1) row("all", all);
  return out;
}

}  // namespace berth::bench::vbp
