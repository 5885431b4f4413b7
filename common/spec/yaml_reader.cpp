#include "common/spec/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/model/gpu.hpp"
#include "common/spec/quantity.hpp"
#include "common/spec/syntax.hpp"

namespace berth::spec {
namespace {

std::string below_minimum(const std::string& what, const std::string& minimum, bool zero, const std::string& text) {
  if (zero) return what + " must not be negative, got " + text;
  return what + " must be at least " + minimum + ", got " + text;
}

// yaml-cpp reports 0-based marks, and -1 where it has none.
Location location_of(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return Location{file, 0, 0};
  return Location{file, mark.line + 1, mark.column + 1};
}

}  // namespace

std::string quoted(std::string_view text) { return "'" + printable(text) + "'"; }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

Location YamlReader::at(const YAML::Node& node) const { return location_of(file_, node.Mark()); }

Location YamlReader::at(const Field& field) const {
  if (field.value.IsNull() && !field.key.Mark().is_null()) return at(field.key);
  return at(field.value);
}

std::optional<YAML::Node> YamlReader::load(std::string_view text) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    error(location_of(file_, e.mark), "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    error(location_of(file_, e.mark), std::string("cannot parse YAML: ") + e.what());
  }
  return std::nullopt;
}

std::optional<std::vector<Field>> YamlReader::map_fields(const YAML::Node& node, const std::string& where,
                                                         const std::vector<std::string_view>& allowed) {
  std::vector<Field> fields;
  if (node.IsNull()) return fields;
  if (!node.IsMap()) {
    error(node, where + " must be a map, got " + describe(node));
    return std::nullopt;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      error(key, "keys in " + where + " must be strings, got " + describe(key));
      continue;
    }
    const std::string name = key.Scalar();
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = "unknown key " + quoted(name) + " in " + where;
      if (const auto suggestion = nearest(name, allowed)) message += " (did you mean " + quoted(*suggestion) + "?)";
      error(key, message);
      continue;
    }
    // yaml-cpp keeps repeated keys, and a lookup would silently see only the first one.
    if (const Field* first = find(fields, name)) {
      const Location first_at = at(first->key);
      error(key, "duplicate key " + quoted(name) + " in " + where + " (first at line " +
                     std::to_string(first_at.line) + ")");
      continue;
    }
    fields.push_back(Field{name, key, it->second});
  }
  return fields;
}

const Field* YamlReader::find(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& field : fields)
    if (field.name == name) return &field;
  return nullptr;
}

std::optional<std::string> YamlReader::string(const Field& field, const std::string& what) {
  if (!field.value.IsScalar()) {
    error(field, what + " must be a string, got " + describe(field.value));
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<std::int64_t> YamlReader::integer(const Field& field, const std::string& what, std::int64_t min,
                                                std::int64_t max) {
  if (!field.value.IsScalar()) {
    error(field, what + " must be an integer, got " + describe(field.value));
    return std::nullopt;
  }
  const std::string& text = field.value.Scalar();
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text[0] == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc::result_out_of_range) {
    error(field, what + " is out of range: " + quoted(text));
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != end || begin == end) {
    error(field, what + " must be an integer, got " + quoted(text));
    return std::nullopt;
  }
  if (value < min) {
    error(field, below_minimum(what, std::to_string(min), min == 0, text));
    return std::nullopt;
  }
  if (value > max) {
    error(field, what + " must be at most " + std::to_string(max) + ", got " + text);
    return std::nullopt;
  }
  return value;
}

std::optional<int> YamlReader::int32(const Field& field, const std::string& what, int min) {
  const auto value = integer(field, what, min, std::numeric_limits<int>::max());
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

std::optional<double> YamlReader::number(const Field& field, const std::string& what, double min) {
  if (!field.value.IsScalar()) {
    error(field, what + " must be a number, got " + describe(field.value));
    return std::nullopt;
  }
  const std::string& text = field.value.Scalar();
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text[0] == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end || !std::isfinite(value)) {
    error(field, what + " must be a number, got " + quoted(text));
    return std::nullopt;
  }
  if (value < min) {
    error(field, below_minimum(what, std::to_string(min), min == 0, text));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<Field>> YamlReader::sequence(const Field& field, const std::string& what) {
  std::vector<Field> items;
  if (field.value.IsNull()) return items;
  if (!field.value.IsSequence()) {
    error(field, what + " must be a list, got " + describe(field.value));
    return std::nullopt;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : field.value) {
    ++index;
    items.push_back(Field{"item " + std::to_string(index), YAML::Node(), item});
  }
  return items;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const Field& field, const std::string& what) {
  const auto items = sequence(field, what);
  if (!items) return std::nullopt;
  std::vector<std::string> values;
  bool ok = true;
  for (const Field& item : *items) {
    if (const auto value = string(item, item.name + " of " + what)) {
      values.push_back(*value);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return values;
}

std::optional<model::Labels> YamlReader::string_map(const Field& field, const std::string& what) {
  const auto entries = map_fields(field.value, what, {});
  if (!entries) return std::nullopt;
  model::Labels labels;
  bool ok = true;
  for (const Field& entry : *entries) {
    if (const auto value = string(entry, quoted(entry.name) + " in " + what)) {
      labels[entry.name] = *value;
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return labels;
}

std::optional<std::vector<ResourceAmount>> YamlReader::quantities(const Field& field, const std::string& what,
                                                                  Amounts amounts_are) {
  const auto entries = map_fields(field.value, what, {});
  if (!entries) return std::nullopt;
  std::vector<ResourceAmount> amounts;
  bool ok = true;
  for (const Field& entry : *entries) {
    if (const auto problem = check_resource_name(entry.name)) {
      error(entry.key, "bad resource name " + quoted(entry.name) + " in " + what + ": " + *problem);
      ok = false;
      continue;
    }
    if (!entry.value.IsScalar()) {
      error(entry, "bad quantity for " + entry.name + ": expected a quantity such as 500m, 2, 512Mi, got " +
                       describe(entry.value));
      ok = false;
      continue;
    }
    const std::string& text = entry.value.Scalar();
    const QuantityKind kind = quantity_kind_for(entry.name);
    const auto amount = parse_quantity(text, kind);
    if (!amount) {
      error(entry, "bad quantity " + quoted(text) + " for " + entry.name + ": " + amount.error().message);
      ok = false;
      continue;
    }
    if (kind == QuantityKind::gpu && amounts_are == Amounts::capacity && amount.value() % model::kMilliGpusPerGpu != 0) {
      error(entry, "bad quantity " + quoted(text) + " for " + entry.name + " in " + what + ": a node has whole GPUs");
      ok = false;
      continue;
    }
    if (kind == QuantityKind::gpu && amounts_are == Amounts::request && !model::is_gpu_request(amount.value())) {
      // Rounding up here would silently change what fits; the file should say what it holds.
      const auto held = model::gpu_request_millis(amount.value());
      error(entry, "bad quantity " + quoted(text) + " for " + entry.name + " in " + what +
                       ": a share of one GPU is 1/2, 1/4 or 1/8 (500m, 250m, 125m), more than one GPU is whole GPUs" +
                       (held ? " (write " + std::to_string(*held) + "m)" : std::string()));
      ok = false;
      continue;
    }
    amounts.push_back(ResourceAmount{entry.name, amount.value()});
  }
  if (!ok) return std::nullopt;
  return amounts;
}

}  // namespace berth::spec
