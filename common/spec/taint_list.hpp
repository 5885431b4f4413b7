#pragma once
// Internal to berth::spec: a YAML list of taint strings ("key=value:Effect"), as a node's
// `taints` and a service's `tolerations` both are. Bad entries are reported and skipped.
#include <string>
#include <vector>

#include "common/spec/yaml_reader.hpp"

namespace berth::spec {

// kind: "taint" or "toleration"; where: "node 'n1'"; preposition: how an error joins them
// ("bad taint 'x' on node 'n1'", "bad toleration 'x' in service 'web'").
std::vector<std::string> read_taint_list(const Field& field, const std::string& kind, const std::string& preposition,
                                         const std::string& where, YamlReader& reader);

}  // namespace berth::spec
