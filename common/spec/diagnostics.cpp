#include "common/spec/diagnostics.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace berth::spec {

std::string to_string(const Diagnostic& diagnostic) {
  const Location& at = diagnostic.location;
  std::string text = at.file;
  if (at.line > 0) {
    text += ":" + std::to_string(at.line);
    if (at.column > 0) text += ":" + std::to_string(at.column);
  }
  if (!text.empty()) text += ": ";
  return text + diagnostic.message;
}

void Diagnostics::add(Location location, std::string message) {
  // One diagnostic per line, whatever text a message quotes.
  items_.push_back({std::move(location), printable(message, std::string::npos)});
}

std::string printable(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

Error Diagnostics::to_error() const {
  // Checks run in passes (fields, then cross references), so sort for the reader: by
  // file in the order files first appear, then by position.
  std::vector<std::string> files;
  for (const Diagnostic& item : items_)
    if (std::find(files.begin(), files.end(), item.location.file) == files.end()) files.push_back(item.location.file);
  const auto rank = [&](const Diagnostic& item) {
    const auto file = std::find(files.begin(), files.end(), item.location.file) - files.begin();
    return std::tuple(file, item.location.line, item.location.column);
  };
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
  std::string text;
  const std::size_t listed = std::min(sorted.size(), kMaxListed);
  for (std::size_t i = 0; i < listed; ++i) {
    if (i > 0) text += '\n';
    text += to_string(sorted[i]);
  }
  if (items_.size() > listed) text += "\n... and " + std::to_string(items_.size() - listed) + " more errors";
  return Error{ErrorCode::invalid_spec, text};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string_view>& candidates) {
  // A key that is part of a valid key, or the other way round, is the likeliest meaning
  // ("skew" → "max_skew", "imagename" → "image") even when other keys are fewer edits away.
  std::optional<std::string> best;
  std::size_t best_distance = std::string::npos;
  for (const std::string_view candidate : candidates) {
    const bool contains = std::min(word.size(), candidate.size()) >= 3 &&
                          (candidate.find(word) != std::string_view::npos || word.find(candidate) != std::string_view::npos);
    const std::size_t distance = edit_distance(word, candidate);
    if (contains && distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  if (best) return best;
  // Otherwise a third of the word's length (at least 2) catches typos and singular/plural
  // slips ("replica", "tolerration") without suggesting unrelated keys for short words.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  best_distance = limit + 1;
  for (const std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace berth::spec
