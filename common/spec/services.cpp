// Reading the services file: the services with their rules, the rollout limits and the
// objective.
#include <algorithm>
#include <set>

#include "common/spec/documents.hpp"
#include "common/spec/syntax.hpp"
#include "common/spec/taint_list.hpp"

namespace berth::spec {
namespace {

const std::vector<std::string_view> kTopKeys = {"services", "rollout", "objective"};
const std::vector<std::string_view> kServiceKeys = {
    "image",  "replicas", "resources", "node_selector", "node_affinity", "tolerations", "max_per_node", "avoid",
    "prefer", "near",     "spread",    "priority",      "min_available", "move_cost",     "command",     "env",
    "ports"};
const std::vector<std::string_view> kSpreadKeys = {"key", "max_skew", "min_domains"};
const std::vector<std::string_view> kAffinityKeys = {"key", "operator", "values"};
const std::vector<std::string_view> kNearKeys = {"service", "key"};
const std::vector<std::string_view> kRolloutKeys = {"max_concurrent", "transient"};
const std::vector<std::string_view> kObjectiveKeys = {"strategy",      "migration_cost", "service_move_cost", "node_cost",
                                                      "load_spread",   "balance",        "overload_cost",     "free_ratio",
                                                      "colocation",    "unplaced_penalty"};
const std::vector<std::string_view> kFreeRatioKeys = {"per", "keep", "ratio", "weight"};

constexpr int kMaxPort = 65535;

std::optional<model::Strategy> strategy_named(std::string_view text) {
  if (text == "binpack") return model::Strategy::binpack;
  if (text == "spread") return model::Strategy::spread;
  if (text == "balanced") return model::Strategy::balanced;
  return std::nullopt;
}

// avoid / prefer: service names, resolved once every service is known (they may point
// forward in the file).
std::vector<NameRef> read_names(const Field& field, const std::string& what, YamlReader& reader) {
  std::vector<NameRef> names;
  const auto items = reader.sequence(field, what);
  if (!items) return names;
  std::set<std::string> seen;
  for (const Field& item : *items) {
    const auto name = reader.string(item, item.name + " of " + what);
    if (!name) continue;
    // A repeat says nothing new; keeping one keeps the model's lists duplicate-free.
    if (seen.insert(*name).second) names.push_back(NameRef{*name, reader.at(item)});
  }
  return names;
}

void read_spread(const Field& field, const std::string& where, YamlReader& reader, model::Service& service) {
  const std::string what = "spread of " + where;
  const auto fields = reader.map_fields(field.value, what, kSpreadKeys);
  if (!fields) return;
  model::SpreadRule rule;
  bool ok = true;
  if (const Field* key = YamlReader::find(*fields, "key")) {
    if (const auto text = reader.string(*key, "key of " + what)) {
      if (text->empty()) {
        reader.error(*key, "key of " + what + " is empty");
        ok = false;
      }
      rule.key = *text;
    } else {
      ok = false;
    }
  } else {
    reader.error(field, what + " has no key (the node label to spread over, e.g. zone)");
    ok = false;
  }
  if (const Field* domains = YamlReader::find(*fields, "min_domains")) {
    if (const auto value = reader.int32(*domains, "min_domains of " + what, 1)) {
      rule.min_domains = *value;
      // Asked for domains only: the skew is free unless max_skew says otherwise.
      rule.max_skew = model::kAnySkew;
    } else {
      ok = false;
    }
  }
  if (const Field* skew = YamlReader::find(*fields, "max_skew")) {
    if (const auto value = reader.int32(*skew, "max_skew of " + what, 1)) {
      rule.max_skew = *value;
    } else {
      ok = false;
    }
  }
  if (ok) service.spread = rule;
}

// near: a list of {service, key}, all of which must hold; the names are resolved by
// spec.cpp once every service is known (they may point forward in the file).
std::vector<NearSpec> read_near(const Field& field, const std::string& where, YamlReader& reader) {
  const std::string list = "near of " + where;
  std::vector<NearSpec> rules;
  const auto items = reader.sequence(field, list);
  if (!items) return rules;
  for (const Field& item : *items) {
    const std::string what = item.name + " of " + list;
    const auto fields = reader.map_fields(item.value, what, kNearKeys);
    if (!fields) continue;
    NearSpec rule;
    bool ok = true;
    if (const Field* service = YamlReader::find(*fields, "service")) {
      const auto text = reader.string(*service, "service of " + what);
      ok = text.has_value();
      if (text) rule.service = NameRef{*text, reader.at(*service)};
    } else {
      reader.error(item, what + " has no service (the service to run near)");
      ok = false;
    }
    if (const Field* key = YamlReader::find(*fields, "key")) {
      const auto text = reader.string(*key, "key of " + what);
      if (text && text->empty()) reader.error(*key, "key of " + what + " is empty");
      ok = ok && text && !text->empty();
      if (text) rule.key = *text;
    } else {
      reader.error(item, what + " has no key (the node label whose domains are shared, e.g. zone)");
      ok = false;
    }
    if (ok) rules.push_back(std::move(rule));
  }
  return rules;
}

// node_affinity: a list of {key, operator: In | NotIn, values: [...]}, all of which must
// hold, as Kubernetes' requiredDuringScheduling nodeSelectorTerms matchExpressions.
void read_node_affinity(const Field& field, const std::string& where, YamlReader& reader, model::Service& service) {
  const std::string list = "node_affinity of " + where;
  const auto items = reader.sequence(field, list);
  if (!items) return;
  for (const Field& item : *items) {
    const std::string what = item.name + " of " + list;
    const auto fields = reader.map_fields(item.value, what, kAffinityKeys);
    if (!fields) continue;
    model::NodeAffinity affinity;
    bool ok = true;
    if (const Field* key = YamlReader::find(*fields, "key")) {
      const auto text = reader.string(*key, "key of " + what);
      if (text && text->empty()) reader.error(*key, "key of " + what + " is empty");
      ok = text && !text->empty();
      if (ok) affinity.key = *text;
    } else {
      reader.error(item, what + " has no key (the node label to match, e.g. gpu_model)");
      ok = false;
    }
    if (const Field* op = YamlReader::find(*fields, "operator")) {
      if (const auto text = reader.string(*op, "operator of " + what)) {
        if (*text == "In") {
          affinity.op = model::AffinityOperator::in;
        } else if (*text == "NotIn") {
          affinity.op = model::AffinityOperator::not_in;
        } else {
          std::string message = "bad operator " + quoted(*text) + " in " + what + ": expected In or NotIn";
          if (const auto suggestion = nearest(*text, {"In", "NotIn"})) message += " (did you mean " + quoted(*suggestion) + "?)";
          reader.error(*op, message);
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    if (const Field* values = YamlReader::find(*fields, "values")) {
      if (auto list_of_values = reader.string_list(*values, "values of " + what)) {
        if (list_of_values->empty()) {
          reader.error(*values, "values of " + what + " is empty (In and NotIn need at least one value)");
          ok = false;
        }
        std::sort(list_of_values->begin(), list_of_values->end());
        list_of_values->erase(std::unique(list_of_values->begin(), list_of_values->end()), list_of_values->end());
        affinity.values = std::move(*list_of_values);
      } else {
        ok = false;
      }
    } else {
      reader.error(item, what + " has no values (the label values to match)");
      ok = false;
    }
    if (ok) service.node_affinity.push_back(std::move(affinity));
  }
}

void read_env(const Field& field, const std::string& where, YamlReader& reader, model::Service& service) {
  const std::string what = "env of " + where;
  const auto entries = reader.map_fields(field.value, what, {});
  if (!entries) return;
  for (const Field& entry : *entries) {
    if (const auto problem = check_env_name(entry.name)) {
      reader.error(entry.key, "bad variable name " + quoted(entry.name) + " in " + what + ": " + *problem);
      continue;
    }
    if (const auto value = reader.string(entry, quoted(entry.name) + " in " + what)) service.env[entry.name] = *value;
  }
}

void read_ports(const Field& field, const std::string& where, YamlReader& reader, model::Service& service) {
  const std::string what = "ports of " + where;
  const auto items = reader.sequence(field, what);
  if (!items) return;
  for (const Field& item : *items) {
    const auto port = reader.integer(item, item.name + " of " + what, 1, kMaxPort);
    if (!port) continue;
    const int value = static_cast<int>(*port);
    if (std::find(service.ports.begin(), service.ports.end(), value) != service.ports.end()) {
      reader.error(item, "port " + std::to_string(value) + " appears twice in " + what);
      continue;
    }
    service.ports.push_back(value);
  }
}

ServiceSpec read_service(const Field& entry, YamlReader& reader) {
  ServiceSpec spec;
  spec.location = reader.at(entry.key);
  spec.service.name = entry.name;
  const std::string where = "service " + quoted(entry.name);
  if (const auto problem = check_name(entry.name))
    reader.error(entry.key, "bad service name " + quoted(entry.name) + ": " + *problem);
  const auto fields = reader.map_fields(entry.value, where, kServiceKeys);
  if (!fields) return spec;
  if (YamlReader::find(*fields, "image") == nullptr) reader.error(entry.key, where + " has no image");

  const Field* min_available = nullptr;
  for (const Field& field : *fields) {
    model::Service& service = spec.service;
    const std::string of = field.name + " of " + where;
    if (field.name == "image") {
      if (const auto image = reader.string(field, of)) {
        if (image->empty()) reader.error(field, of + " is empty");
        service.image = *image;
      }
    } else if (field.name == "replicas") {
      if (const auto value = reader.int32(field, of, 0)) service.replicas = *value;
    } else if (field.name == "resources") {
      if (auto request = reader.quantities(field, "resources of " + where, YamlReader::Amounts::request)) spec.request = std::move(*request);
    } else if (field.name == "node_selector") {
      if (auto selector = reader.string_map(field, of)) service.node_selector = std::move(*selector);
    } else if (field.name == "node_affinity") {
      read_node_affinity(field, where, reader, service);
    } else if (field.name == "tolerations") {
      service.tolerations = read_taint_list(field, "toleration", "in", where, reader);
    } else if (field.name == "max_per_node") {
      if (const auto value = reader.int32(field, of, 0)) service.max_per_node = *value;
    } else if (field.name == "avoid") {
      spec.avoid = read_names(field, of, reader);
    } else if (field.name == "prefer") {
      spec.prefer = read_names(field, of, reader);
    } else if (field.name == "near") {
      spec.near = read_near(field, where, reader);
    } else if (field.name == "spread") {
      read_spread(field, where, reader, service);
    } else if (field.name == "move_cost") {
      if (const auto value = reader.number(field, of, 0.0)) service.move_cost = *value;
    } else if (field.name == "priority") {
      if (const auto value = reader.int32(field, of, 0)) service.priority = *value;
    } else if (field.name == "min_available") {
      if (const auto value = reader.int32(field, of, 0)) {
        service.min_available = *value;
        min_available = &field;
      }
    } else if (field.name == "command") {
      if (auto command = reader.string_list(field, of)) service.command = std::move(*command);
    } else if (field.name == "env") {
      read_env(field, where, reader, service);
    } else if (field.name == "ports") {
      read_ports(field, where, reader, service);
    }
  }
  // Checked after the loop: min_available may come before replicas in the file.
  if (min_available != nullptr && spec.service.min_available > spec.service.replicas)
    reader.error(*min_available, "min_available of " + where + " (" + std::to_string(spec.service.min_available) +
                                     ") is more than its replicas (" + std::to_string(spec.service.replicas) + ")");
  return spec;
}

// transient: resource names, resolved by spec.cpp, which knows them all.
void read_rollout(const Field& field, YamlReader& reader, model::Rollout& rollout, std::vector<NameRef>& transient) {
  const auto fields = reader.map_fields(field.value, "rollout", kRolloutKeys);
  if (!fields) return;
  if (const Field* max = YamlReader::find(*fields, "max_concurrent"))
    if (const auto value = reader.int32(*max, "max_concurrent of rollout", 1)) rollout.max_concurrent = *value;
  if (const Field* names = YamlReader::find(*fields, "transient")) transient = read_names(*names, "transient of rollout", reader);
}

// free_ratio: a list of {per, keep, ratio, weight}; the names are resolved to resources
// by spec.cpp, which knows them all.
void read_free_ratio(const Field& field, YamlReader& reader, std::vector<FreeRatioSpec>& rules) {
  const auto items = reader.sequence(field, "free_ratio of objective");
  if (!items) return;
  for (const Field& item : *items) {
    const std::string what = "free_ratio rule #" + item.name.substr(std::string_view("item ").size()) + " of objective";
    const auto fields = reader.map_fields(item.value, what, kFreeRatioKeys);
    if (!fields) continue;
    FreeRatioSpec rule;
    bool ok = true;
    for (const char* key : {"per", "keep"}) {
      NameRef& name = std::string_view(key) == "per" ? rule.per : rule.keep;
      const Field* value = YamlReader::find(*fields, key);
      if (value == nullptr) {
        reader.error(item, what + " has no " + key + " (a resource name, e.g. cpu)");
        ok = false;
      } else if (const auto text = reader.string(*value, std::string(key) + " of " + what)) {
        name = NameRef{*text, reader.at(*value)};
      } else {
        ok = false;
      }
    }
    if (const Field* ratio = YamlReader::find(*fields, "ratio")) {
      const auto value = reader.number(*ratio, "ratio of " + what, 0.0);
      ok = ok && value.has_value();
      if (value) rule.ratio = *value;
    }
    if (const Field* weight = YamlReader::find(*fields, "weight")) {
      const auto value = reader.number(*weight, "weight of " + what, 0.0);
      ok = ok && value.has_value();
      if (value) rule.weight = *value;
    }
    if (ok && rule.per.name == rule.keep.name) {
      reader.error(item, what + " has per and keep both " + quoted(rule.per.name) + ": they must differ");
      ok = false;
    }
    if (ok) rules.push_back(std::move(rule));
  }
}

// overload_cost: one weight for every resource (2), or a weight per resource ({cpu: 10,
// memory: 1}) whose names spec.cpp resolves, knowing them all.
void read_overload_cost(const Field& field, YamlReader& reader, double& weight, std::vector<ResourceWeight>& by_resource) {
  if (field.value.IsSequence()) {
    reader.error(field, "overload_cost of objective must be a number or a map of resource to number, got a list");
  } else if (!field.value.IsMap()) {
    if (const auto value = reader.number(field, "overload_cost of objective", 0.0)) weight = *value;
  } else if (const auto entries = reader.map_fields(field.value, "overload_cost of objective", {})) {
    for (const Field& entry : *entries)
      if (const auto value = reader.number(entry, quoted(entry.name) + " in overload_cost of objective", 0.0))
        by_resource.push_back({NameRef{entry.name, reader.at(entry.key)}, *value});
  }
}

void read_objective(const Field& field, YamlReader& reader, model::Objective& objective,
                    std::vector<FreeRatioSpec>& free_ratio, std::vector<ResourceWeight>& overload_by_resource) {
  const auto fields = reader.map_fields(field.value, "objective", kObjectiveKeys);
  if (!fields) return;
  // The strategy picks default weights; explicit weights override them wherever they
  // appear in the map, so the strategy is read first.
  if (const Field* strategy = YamlReader::find(*fields, "strategy")) {
    if (const auto text = reader.string(*strategy, "strategy of objective")) {
      if (const auto value = strategy_named(*text)) {
        objective.strategy = *value;
      } else {
        std::string message = "bad strategy " + quoted(*text) + ": expected binpack, spread or balanced";
        if (const auto suggestion = nearest(*text, {"binpack", "spread", "balanced"}))
          message += " (did you mean " + quoted(*suggestion) + "?)";
        reader.error(*strategy, message);
      }
    }
  }
  objective.weights = model::default_weights(objective.strategy);
  if (const Field* rules = YamlReader::find(*fields, "free_ratio")) read_free_ratio(*rules, reader, free_ratio);
  model::Weights& w = objective.weights;
  const std::pair<std::string_view, double*> weights[] = {
      {"migration_cost", &w.migration}, {"service_move_cost", &w.service_move}, {"node_cost", &w.node_cost},
      {"load_spread", &w.load_spread},  {"balance", &w.balance},                {"colocation", &w.colocation},
      {"unplaced_penalty", &w.unplaced}};
  if (const Field* overload = YamlReader::find(*fields, "overload_cost"))
    read_overload_cost(*overload, reader, w.overload, overload_by_resource);
  for (const auto& [name, target] : weights) {
    const Field* weight = YamlReader::find(*fields, name);
    if (weight == nullptr) continue;
    const auto value = reader.number(*weight, std::string(name) + " of objective", 0.0);
    if (!value) continue;
    // Without a price on leaving replicas unplaced, placing nothing would be optimal.
    if (name == "unplaced_penalty" && *value <= 0) {
      reader.error(*weight, "unplaced_penalty of objective must be positive, got " + weight->value.Scalar());
      continue;
    }
    *target = *value;
  }
}

}  // namespace

ServicesSpec read_services(const YAML::Node& root, YamlReader& reader) {
  ServicesSpec result;
  const auto top = reader.map_fields(root, "the services file", kTopKeys);
  if (!top) return result;
  const Field* services = YamlReader::find(*top, "services");
  if (services == nullptr)
    reader.error(root.IsNull() ? Location{reader.file(), 0, 0} : reader.at(root),
                 "the services file has no 'services' map (use 'services: {}' for none)");
  for (const Field& field : *top) {
    if (field.name == "services") {
      const auto entries = reader.map_fields(field.value, "services", {});
      if (!entries) continue;
      for (const Field& entry : *entries) result.services.push_back(read_service(entry, reader));
    } else if (field.name == "rollout") {
      read_rollout(field, reader, result.rollout, result.transient);
    } else if (field.name == "objective") {
      read_objective(field, reader, result.objective, result.free_ratio, result.overload_by_resource);
    }
  }
  return result;
}

}  // namespace berth::spec
