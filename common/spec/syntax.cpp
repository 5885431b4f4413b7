#include "common/spec/syntax.hpp"

#include <array>

namespace berth::spec {
namespace {

constexpr std::size_t kMaxNameLength = 253;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_name_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }

std::optional<std::string> check_chars(std::string_view text, bool allow_slash) {
  if (text.empty()) return "is empty";
  if (text.size() > kMaxNameLength) return "is longer than 253 characters";
  if (!is_alnum(text.front())) return "must start with a letter or digit";
  for (const char c : text) {
    if (is_name_char(c) || (allow_slash && c == '/')) continue;
    return std::string("contains '") + c + "' (allowed: letters, digits, '.', '_', '-'" +
           (allow_slash ? ", '/'" : "") + ")";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_name(std::string_view name) { return check_chars(name, false); }

std::optional<std::string> check_resource_name(std::string_view name) { return check_chars(name, true); }

std::optional<std::string> check_taint(std::string_view taint) {
  static constexpr std::array<std::string_view, 3> kEffects = {"NoSchedule", "PreferNoSchedule", "NoExecute"};
  constexpr std::string_view kShape = "expected key[=value]:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute";
  const auto colon = taint.rfind(':');
  if (colon == std::string_view::npos) return std::string("no effect: ") + std::string(kShape);
  const std::string_view effect = taint.substr(colon + 1);
  bool known = false;
  for (const std::string_view candidate : kEffects) known = known || candidate == effect;
  if (!known) return "unknown effect '" + std::string(effect) + "': " + std::string(kShape);
  const std::string_view key_value = taint.substr(0, colon);
  const auto equals = key_value.find('=');
  const std::string_view key = key_value.substr(0, equals);
  if (const auto problem = check_chars(key, true)) return "key " + *problem + ": " + std::string(kShape);
  if (equals != std::string_view::npos) {
    const std::string_view value = key_value.substr(equals + 1);
    for (const char c : value)
      if (!is_name_char(c))
        return std::string("value contains '") + c + "': " + std::string(kShape);
  }
  return std::nullopt;
}

std::optional<std::string> check_env_name(std::string_view name) {
  if (name.empty()) return "is empty";
  const char first = name.front();
  if (!(first == '_' || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')))
    return "must start with a letter or '_'";
  for (const char c : name)
    if (!(is_alnum(c) || c == '_')) return std::string("contains '") + c + "'";
  return std::nullopt;
}

}  // namespace berth::spec
