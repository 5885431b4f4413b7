#include "common/spec/taint_list.hpp"

#include "common/spec/syntax.hpp"

namespace berth::spec {

std::vector<std::string> read_taint_list(const Field& field, const std::string& kind, const std::string& preposition,
                                         const std::string& where, YamlReader& reader) {
  std::vector<std::string> taints;
  const std::string list = kind + "s of " + where;
  const auto items = reader.sequence(field, list);
  if (!items) return taints;
  for (const Field& item : *items) {
    const auto taint = reader.string(item, item.name + " of " + list);
    if (!taint) continue;
    if (const auto problem = check_taint(*taint)) {
      reader.error(item, "bad " + kind + " " + quoted(*taint) + " " + preposition + " " + where + ": " + *problem);
      continue;
    }
    taints.push_back(*taint);
  }
  return taints;
}

}  // namespace berth::spec
