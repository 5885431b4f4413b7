// Reading the cluster file: the nodes, their capacity, labels, taints and what runs there.
#include <algorithm>
#include <map>

#include "common/spec/documents.hpp"
#include "common/spec/syntax.hpp"
#include "common/spec/taint_list.hpp"

namespace berth::spec {
namespace {

const std::vector<std::string_view> kTopKeys = {"nodes"};
const std::vector<std::string_view> kNodeKeys = {"name",  "labels",  "capacity", "soft_capacity",
                                                 "taints", "cost", "running",  "state"};

std::optional<model::NodeState> node_state(std::string_view text) {
  if (text == "ready") return model::NodeState::ready;
  if (text == "cordoned") return model::NodeState::cordoned;
  if (text == "lost") return model::NodeState::lost;
  return std::nullopt;
}

void read_running(const Field& field, const std::string& where, YamlReader& reader, NodeSpec& spec) {
  const auto entries = reader.map_fields(field.value, "running of " + where, {});
  if (!entries) return;
  for (const Field& entry : *entries) {
    const auto count = reader.int32(entry, "running count of " + quoted(entry.name) + " on " + where, 0);
    if (!count) continue;
    spec.running.push_back(RunningSpec{NameRef{entry.name, reader.at(entry.key)}, *count});
  }
}

// A soft capacity names resources of the node's capacity, each no more than it.
void check_soft_capacity(const Field& field, const std::string& where, YamlReader& reader, const NodeSpec& spec) {
  for (const ResourceAmount& soft : spec.soft_capacity) {
    const auto hard = std::find_if(spec.capacity.begin(), spec.capacity.end(),
                                   [&](const ResourceAmount& amount) { return amount.name == soft.name; });
    if (hard == spec.capacity.end()) {
      reader.error(field, "soft_capacity of " + where + " names " + soft.name + ", which its capacity does not have");
    } else if (soft.amount > hard->amount) {
      reader.error(field, "soft_capacity " + soft.name + " of " + where + " (" + std::to_string(soft.amount) +
                              ") is more than its capacity (" + std::to_string(hard->amount) + ")");
    }
  }
}

NodeSpec read_node(const Field& item, YamlReader& reader) {
  NodeSpec spec;
  spec.location = reader.at(item);
  // Until the name is known, messages name the node by its position in the list.
  // Messages name the node; until its name is known (or if it is bad), by its position.
  std::string where = "node #" + item.name.substr(std::string_view("item ").size());
  // (Iterated rather than looked up: a lookup of a missing key yields a node that throws.)
  if (item.value.IsMap()) {
    for (auto it = item.value.begin(); it != item.value.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "name") continue;
      if (it->second.IsScalar() && !check_name(it->second.Scalar())) where = "node " + quoted(it->second.Scalar());
      break;
    }
  }
  const auto fields = reader.map_fields(item.value, where, kNodeKeys);
  if (!fields) return spec;

  if (const Field* name = YamlReader::find(*fields, "name")) {
    if (const auto text = reader.string(*name, "name of " + where)) {
      if (const auto problem = check_name(*text)) {
        reader.error(*name, "bad node name " + quoted(*text) + ": " + *problem);
      } else {
        spec.node.name = *text;
        spec.location = reader.at(*name);
      }
    }
  } else {
    reader.error(item, where + " has no name");
  }
  if (YamlReader::find(*fields, "capacity") == nullptr) reader.error(item, where + " has no capacity");

  for (const Field& field : *fields) {
    if (field.name == "labels") {
      if (auto labels = reader.string_map(field, "labels of " + where)) spec.node.labels = std::move(*labels);
    } else if (field.name == "capacity") {
      if (auto capacity = reader.quantities(field, "capacity of " + where, YamlReader::Amounts::capacity)) {
        // Every node runs something: a node without cpu or memory is a typo, not a design.
        for (const std::string_view required : {"cpu", "memory"}) {
          bool found = false;
          for (const ResourceAmount& amount : *capacity) found = found || amount.name == required;
          if (!found) reader.error(field, "capacity of " + where + " has no " + std::string(required));
        }
        spec.capacity = std::move(*capacity);
      }
    } else if (field.name == "soft_capacity") {
      if (auto soft = reader.quantities(field, "soft_capacity of " + where, YamlReader::Amounts::capacity))
        spec.soft_capacity = std::move(*soft);
    } else if (field.name == "taints") {
      spec.node.taints = read_taint_list(field, "taint", "on", where, reader);
    } else if (field.name == "cost") {
      if (const auto cost = reader.number(field, "cost of " + where, 0.0)) spec.node.cost = *cost;
    } else if (field.name == "running") {
      read_running(field, where, reader, spec);
    } else if (field.name == "state") {
      if (const auto text = reader.string(field, "state of " + where)) {
        if (const auto state = node_state(*text)) {
          spec.node.state = *state;
        } else {
          reader.error(field, "bad state " + quoted(*text) + " of " + where + ": expected ready, cordoned or lost");
        }
      }
    }
  }
  if (const Field* soft = YamlReader::find(*fields, "soft_capacity")) check_soft_capacity(*soft, where, reader, spec);
  return spec;
}

}  // namespace

ClusterSpec read_cluster(const YAML::Node& root, YamlReader& reader) {
  ClusterSpec cluster;
  const auto top = reader.map_fields(root, "the cluster file", kTopKeys);
  if (!top) return cluster;
  const Field* nodes = YamlReader::find(*top, "nodes");
  if (nodes == nullptr) {
    reader.error(root.IsNull() ? Location{reader.file(), 0, 0} : reader.at(root), "the cluster file has no 'nodes' list");
    return cluster;
  }
  const auto items = reader.sequence(*nodes, "nodes");
  if (!items) return cluster;

  std::map<std::string, Location> first_seen;
  for (const Field& item : *items) {
    NodeSpec spec = read_node(item, reader);
    if (!spec.node.name.empty()) {
      const auto [it, inserted] = first_seen.emplace(spec.node.name, spec.location);
      if (!inserted) {
        reader.error(spec.location, "duplicate node name " + quoted(spec.node.name) + " (first at line " +
                                        std::to_string(it->second.line) + ")");
        continue;
      }
    }
    cluster.nodes.push_back(std::move(spec));
  }
  return cluster;
}

}  // namespace berth::spec
