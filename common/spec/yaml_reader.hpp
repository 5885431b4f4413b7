#pragma once
// Internal to berth::spec: typed reading of yaml-cpp nodes that records every problem in
// Diagnostics with the file, line and column it came from, instead of throwing.
// yaml-cpp is a private dependency of berth_spec; only its .cpp files include this.
//
//   YamlReader reader("services.yaml", diagnostics);
//   const auto root = reader.load(text);
//   for (const Field& field : reader.map_fields(*root, "the services file", {"services"}))
//     ...
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/model/problem.hpp"
#include "common/spec/diagnostics.hpp"

namespace berth::spec {

// An amount of one named resource, in the units of common/spec/quantity.hpp.
struct ResourceAmount {
  std::string name;
  std::int64_t amount = 0;
};

// One key: value entry of a YAML map.
struct Field {
  std::string name;
  YAML::Node key;
  YAML::Node value;
};

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diagnostics) : file_(std::move(file)), diagnostics_(diagnostics) {}

  const std::string& file() const { return file_; }

  // Where a node starts. An empty value ("image:") has no useful mark of its own, so a
  // field's location is its value's, or its key's when the value is empty.
  Location at(const YAML::Node& node) const;
  Location at(const Field& field) const;

  void error(const Location& location, std::string message) { diagnostics_.add(location, std::move(message)); }
  void error(const YAML::Node& node, std::string message) { error(at(node), std::move(message)); }
  void error(const Field& field, std::string message) { error(at(field), std::move(message)); }

  // Parses a YAML document; a syntax error is recorded and gives nullopt. An empty
  // document gives a null node.
  std::optional<YAML::Node> load(std::string_view text);

  // The entries of the map `node` (null counts as an empty map), in file order.
  // `where` names the map in messages ("service 'web'"). Keys that are not in `allowed`
  // are reported with the nearest allowed key; repeated keys are reported and dropped.
  // An empty `allowed` accepts any key (labels, env). Not a map: error and nullopt.
  std::optional<std::vector<Field>> map_fields(const YAML::Node& node, const std::string& where,
                                               const std::vector<std::string_view>& allowed);
  // The field with this name, if present.
  static const Field* find(const std::vector<Field>& fields, std::string_view name);

  // Typed values. `what` names the value in messages ("replicas of service 'web'").
  // Each returns nullopt after recording an error.
  std::optional<std::string> string(const Field& field, const std::string& what);
  std::optional<std::int64_t> integer(const Field& field, const std::string& what, std::int64_t min,
                                      std::int64_t max);
  std::optional<int> int32(const Field& field, const std::string& what, int min);
  std::optional<double> number(const Field& field, const std::string& what, double min);
  // A list (null counts as empty), its items as fields named "item N" for messages.
  std::optional<std::vector<Field>> sequence(const Field& field, const std::string& what);
  std::optional<std::vector<std::string>> string_list(const Field& field, const std::string& what);
  std::optional<model::Labels> string_map(const Field& field, const std::string& what);
  // A map of resource name to quantity ({cpu: 500m, memory: 1Gi, gpu: 1}), in file order.
  // GPU amounts follow common/model/gpu.hpp: a node has whole GPUs; a replica asks whole
  // GPUs or a share of one (1/2, 1/4, 1/8).
  enum class Amounts { capacity, request };
  std::optional<std::vector<ResourceAmount>> quantities(const Field& field, const std::string& what, Amounts amounts);

 private:
  std::string file_;
  Diagnostics& diagnostics_;
};

// "a map", "a list", "nothing", or the scalar quoted: for "must be X, got Y" messages.
std::string describe(const YAML::Node& node);
std::string quoted(std::string_view text);  // 'text'

}  // namespace berth::spec
