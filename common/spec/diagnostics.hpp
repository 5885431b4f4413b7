#pragma once
// Errors found while reading spec files, collected rather than thrown so that one run of
// `berthctl validate` reports every mistake in a file, each as "FILE:LINE:COLUMN: what".
//
//   Diagnostics diagnostics;
//   diagnostics.add({"services.yaml", 3, 5}, "unknown key 'replica' in service 'web'");
//   if (!diagnostics.empty()) return diagnostics.to_error();
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::spec {

// A place in a file; line and column are 1-based, 0 when unknown (then left out).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  Location location;
  std::string message;
};

std::string to_string(const Diagnostic& diagnostic);  // "services.yaml:3:5: unknown key ..."

class Diagnostics {
 public:
  // A pathological file could produce an error per line; past this many the rest are
  // counted, not listed.
  static constexpr std::size_t kMaxListed = 100;

  void add(Location location, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // One diagnostic per line, by file (in order of first mention) and position, as an
  // invalid_spec error.
  Error to_error() const;

 private:
  std::vector<Diagnostic> items_;
};

// `text` made safe for a one-line message: control characters escaped ("\n"), and cut
// to `max_chars` with "..." so a quoted multi-line scalar cannot flood the report.
std::string printable(std::string_view text, std::size_t max_chars = 60);

// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace berth::spec
