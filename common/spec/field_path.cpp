#include "common/spec/field_path.hpp"

#include <optional>

#include <yaml-cpp/yaml.h>

namespace berth::spec {
namespace {

bool starts_at(const YAML::Node& node, int line, int column) {
  const YAML::Mark mark = node.Mark();
  return !mark.is_null() && mark.line + 1 == line && mark.column + 1 == column;
}

// Depth-first: the path of the key or value starting at (line, column) under `node`.
std::optional<std::string> find(const YAML::Node& node, const std::string& path, int line, int column, int depth) {
  if (depth > 64) return std::nullopt;  // a pathological nesting is not worth walking
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      const std::string here = path.empty() ? key : path + "." + key;
      if (starts_at(entry.first, line, column)) return here;
      if (starts_at(entry.second, line, column) && !entry.second.IsMap() && !entry.second.IsSequence()) return here;
      if (auto found = find(entry.second, here, line, column, depth + 1)) return found;
      if (starts_at(entry.second, line, column)) return here;
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string here = path + "[" + std::to_string(i) + "]";
      if (auto found = find(node[i], here, line, column, depth + 1)) return found;
      if (starts_at(node[i], line, column)) return here;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string field_path_at(std::string_view yaml, int line, int column) {
  if (line <= 0 || column <= 0) return "";
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    return find(root, "", line, column, 0).value_or("");
  } catch (const YAML::Exception&) {
    return "";
  }
}

}  // namespace berth::spec
