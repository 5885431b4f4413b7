#include "common/protocol/codec.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include <msgpack.hpp>

namespace berth::protocol {

const char *type_name(const Message &message) {
  struct Visitor {
    const char *operator()(const Register &) const { return "register"; }
    const char *operator()(const RegisterAck &) const { return "register_ack"; }
    const char *operator()(const Heartbeat &) const { return "heartbeat"; }
    const char *operator()(const HeartbeatAck &) const {
      return "heartbeat_ack";
    }
    const char *operator()(const Subproblem &) const { return "subproblem"; }
    const char *operator()(const Prices &) const { return "prices"; }
    const char *operator()(const Bid &) const { return "bid"; }
    const char *operator()(const Target &) const { return "target"; }
  };
  return std::visit(Visitor{}, message);
}

namespace {

// ---- encoding
// --------------------------------------------------------------------------

using Packer = msgpack::packer<msgpack::sbuffer>;

void put(Packer &pk, std::string_view s) {
  pk.pack_str(static_cast<std::uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
}
void put(Packer &pk, const std::string &s) { put(pk, std::string_view(s)); }
void put(Packer &pk, const char *s) { put(pk, std::string_view(s)); }
void put(Packer &pk, bool b) { b ? pk.pack_true() : pk.pack_false(); }
void put(Packer &pk, double d) { pk.pack_double(d); }
void put(Packer &pk, std::int64_t i) { pk.pack_int64(i); }
void put(Packer &pk, std::int32_t i) { pk.pack_int64(i); }
void put(Packer &pk, std::uint64_t u) { pk.pack_uint64(u); }

template <typename T> void put(Packer &pk, const std::vector<T> &values) {
  pk.pack_array(static_cast<std::uint32_t>(values.size()));
  for (const auto &v : values)
    put(pk, v);
}
template <typename T>
void put(Packer &pk, const std::map<std::string, T> &values) {
  pk.pack_map(static_cast<std::uint32_t>(values.size()));
  for (const auto &[k, v] : values) {
    put(pk, k);
    put(pk, v);
  }
}

template <typename T> void field(Packer &pk, const char *key, const T &value) {
  put(pk, key);
  put(pk, value);
}

void header(Packer &pk, std::uint32_t fields, const char *type) {
  pk.pack_map(fields + 2);
  field(pk, "v", kVersion);
  field(pk, "type", type);
}

void put_report(Packer &pk, const NodeReport &r) {
  field(pk, "node", r.node);
  field(pk, "capacity", r.capacity);
  field(pk, "soft_capacity", r.soft_capacity);
  field(pk, "labels", r.labels);
  field(pk, "taints", r.taints);
  field(pk, "cost", r.cost);
  field(pk, "running", r.running);
}
constexpr std::uint32_t kReportFields = 7;

struct Encoder {
  Packer &pk;
  void operator()(const Register &m) const {
    header(pk, kReportFields, "register");
    put_report(pk, m.report);
  }
  void operator()(const RegisterAck &m) const {
    header(pk, 2, "register_ack");
    field(pk, "incarnation", m.incarnation);
    field(pk, "heartbeat_ms", m.heartbeat_ms);
  }
  void operator()(const Heartbeat &m) const {
    header(pk, 1 + kReportFields, "heartbeat");
    field(pk, "incarnation", m.incarnation);
    put_report(pk, m.report);
  }
  void operator()(const HeartbeatAck &m) const {
    header(pk, 2, "heartbeat_ack");
    field(pk, "incarnation", m.incarnation);
    field(pk, "known", m.known);
  }
  void operator()(const Subproblem &m) const {
    const auto &lp = m.problem;
    std::vector<std::int32_t> limit, running;
    std::vector<double> move_cost;
    for (const auto &item : lp.items) {
      limit.push_back(item.limit);
      running.push_back(item.running);
      move_cost.push_back(item.move_cost);
    }
    std::vector<std::vector<std::int32_t>> conflicts, prefers;
    for (const auto &list : lp.conflicts)
      conflicts.emplace_back(list.begin(), list.end());
    for (const auto &list : lp.prefers)
      prefers.emplace_back(list.begin(), list.end());
    const std::vector<std::int32_t> unmet(lp.unmet_preferences.begin(),
                                          lp.unmet_preferences.end());
    header(pk, 23, "subproblem");
    field(pk, "solve", m.solve);
    field(pk, "dims", static_cast<std::int64_t>(lp.dims));
    field(pk, "capacity", lp.capacity);
    field(pk, "services", m.services);
    field(pk, "limit", limit);
    field(pk, "running", running);
    field(pk, "move_cost", move_cost);
    field(pk, "demand", lp.demand);
    field(pk, "fixed_cost", lp.fixed_cost);
    field(pk, "constant", lp.constant);
    field(pk, "load_spread_weight", lp.load_spread_weight);
    field(pk, "balance_weight", lp.balance_weight);
    field(pk, "soft_capacity", lp.soft_capacity);
    field(pk, "overload_weight", lp.overload_weight);
    field(pk, "transient_dims", std::vector<std::int32_t>(lp.transient_dims.begin(), lp.transient_dims.end()));
    field(pk, "transient_room", lp.transient_room);
    std::vector<std::int32_t> ratio_resources;
    std::vector<double> ratio_values;
    for (const auto &rule : lp.free_ratio) {
      ratio_resources.insert(ratio_resources.end(), {rule.per, rule.keep});
      ratio_values.insert(ratio_values.end(), {rule.ratio, rule.weight});
    }
    field(pk, "free_ratio_resources", ratio_resources);
    field(pk, "free_ratio_values", ratio_values);
    field(pk, "migration_weight", lp.migration_weight);
    field(pk, "colocation_weight", lp.colocation_weight);
    put(pk, "conflicts");
    pk.pack_array(static_cast<std::uint32_t>(conflicts.size()));
    for (const auto &list : conflicts)
      put(pk, list);
    put(pk, "prefers");
    pk.pack_array(static_cast<std::uint32_t>(prefers.size()));
    for (const auto &list : prefers)
      put(pk, list);
    field(pk, "unmet_preferences", unmet);
  }
  void operator()(const Prices &m) const {
    header(pk, 6, "prices");
    field(pk, "solve", m.solve);
    field(pk, "round", m.round);
    field(pk, "deadline_ms", m.deadline_ms);
    field(pk, "bound_only", m.bound_only);
    field(pk, "direction", m.direction);
    field(pk, "prices", m.prices);
  }
  void operator()(const Bid &m) const {
    header(pk, 7, "bid");
    field(pk, "solve", m.solve);
    field(pk, "round", m.round);
    field(pk, "counts", m.counts);
    field(pk, "value", m.value);
    field(pk, "lower_bound", m.lower_bound);
    field(pk, "exact", m.exact);
    field(pk, "bound_direction", m.bound_direction);
  }
  void operator()(const Target &m) const {
    header(pk, 2, "target");
    field(pk, "solve", m.solve);
    put(pk, "services");
    pk.pack_array(static_cast<std::uint32_t>(m.services.size()));
    for (const auto &s : m.services) {
      pk.pack_map(7);
      field(pk, "service", s.service);
      field(pk, "replicas", s.replicas);
      field(pk, "image", s.image);
      field(pk, "command", s.command);
      field(pk, "env", s.env);
      field(pk, "ports", s.ports);
      field(pk, "request", s.request);
    }
  }
};

} // namespace

std::string encode(const Message &message) {
  msgpack::sbuffer buffer;
  Packer pk(buffer);
  std::visit(Encoder{pk}, message);
  return {buffer.data(), buffer.size()};
}

namespace {

// ---- decoding
// --------------------------------------------------------------------------

using msgpack::type::object_type;

// Reads the fields of one map; the first problem is kept and later reads do
// nothing.
class Fields {
public:
  Fields(const msgpack::object &map, std::string context)
      : context_(std::move(context)) {
    if (map.type != object_type::MAP) {
      fail("expected a map");
      return;
    }
    map_ = &map.via.map;
  }

  bool ok() const { return !error_; }
  const std::string &error() const { return *error_; }
  void fail(const std::string &what) {
    if (!error_)
      error_ = context_.empty() ? what : context_ + ": " + what;
  }

  const msgpack::object *find(std::string_view key) {
    if (!map_)
      return nullptr;
    for (std::uint32_t i = 0; i < map_->size; ++i) {
      const auto &k = map_->ptr[i].key;
      if (k.type == object_type::STR &&
          std::string_view(k.via.str.ptr, k.via.str.size) == key)
        return &map_->ptr[i].val;
    }
    return nullptr;
  }

  // A required field converted by `convert(object, out) -> error text or
  // empty`.
  template <typename T, typename Convert>
  void read(std::string_view key, T &out, Convert convert) {
    if (!ok())
      return;
    const msgpack::object *o = find(key);
    if (!o) {
      fail("missing field '" + std::string(key) + "'");
      return;
    }
    if (const std::string problem = convert(*o, out); !problem.empty())
      fail("field '" + std::string(key) + "': " + problem);
  }

private:
  const msgpack::object_map *map_ = nullptr;
  std::string context_;
  std::optional<std::string> error_;
};

std::string to_uint(const msgpack::object &o, std::uint64_t &out) {
  if (o.type != object_type::POSITIVE_INTEGER)
    return "expected an unsigned integer";
  out = o.via.u64;
  return {};
}
std::string to_int64(const msgpack::object &o, std::int64_t &out) {
  if (o.type == object_type::NEGATIVE_INTEGER) {
    out = o.via.i64;
    return {};
  }
  if (o.type == object_type::POSITIVE_INTEGER) {
    if (o.via.u64 >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return "out of range";
    out = static_cast<std::int64_t>(o.via.u64);
    return {};
  }
  return "expected an integer";
}
std::string to_count(const msgpack::object &o, std::int64_t &out) {
  if (auto e = to_int64(o, out); !e.empty())
    return e;
  return out < 0 ? "negative value " + std::to_string(out) : std::string{};
}
std::string to_count32(const msgpack::object &o, std::int32_t &out) {
  std::int64_t v = 0;
  if (auto e = to_count(o, v); !e.empty())
    return e;
  if (v > std::numeric_limits<std::int32_t>::max())
    return "out of range";
  out = static_cast<std::int32_t>(v);
  return {};
}
std::string to_double(const msgpack::object &o, double &out) {
  if (o.type == object_type::FLOAT64 || o.type == object_type::FLOAT32) {
    out = o.via.f64;
  } else if (o.type == object_type::POSITIVE_INTEGER) {
    out = static_cast<double>(o.via.u64);
  } else if (o.type == object_type::NEGATIVE_INTEGER) {
    out = static_cast<double>(o.via.i64);
  } else {
    return "expected a number";
  }
  return std::isfinite(out) ? std::string{} : "not a finite number";
}
std::string to_weight(const msgpack::object &o, double &out) {
  if (auto e = to_double(o, out); !e.empty())
    return e;
  return out < 0 ? "negative value" : std::string{};
}
std::string to_bool(const msgpack::object &o, bool &out) {
  if (o.type != object_type::BOOLEAN)
    return "expected a boolean";
  out = o.via.boolean;
  return {};
}
std::string to_string(const msgpack::object &o, std::string &out) {
  if (o.type != object_type::STR)
    return "expected a string";
  out.assign(o.via.str.ptr, o.via.str.size);
  return {};
}
std::string to_name(const msgpack::object &o, std::string &out) {
  if (auto e = to_string(o, out); !e.empty())
    return e;
  return out.empty() ? "empty name" : std::string{};
}

template <typename T, typename Convert> auto list_of(Convert convert) {
  return
      [convert](const msgpack::object &o, std::vector<T> &out) -> std::string {
        if (o.type != object_type::ARRAY)
          return "expected an array";
        out.assign(o.via.array.size, T{});
        for (std::uint32_t i = 0; i < o.via.array.size; ++i)
          if (auto e = convert(o.via.array.ptr[i], out[i]); !e.empty())
            return "element " + std::to_string(i) + ": " + e;
        return {};
      };
}
template <typename T, typename Convert> auto map_of(Convert convert) {
  return [convert](const msgpack::object &o,
                   std::map<std::string, T> &out) -> std::string {
    if (o.type != object_type::MAP)
      return "expected a map";
    out.clear();
    for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
      std::string key;
      if (auto e = to_name(o.via.map.ptr[i].key, key); !e.empty())
        return "key: " + e;
      if (auto e = convert(o.via.map.ptr[i].val, out[key]); !e.empty())
        return "'" + key + "': " + e;
    }
    return {};
  };
}

std::string checked_size(std::size_t size, std::size_t expected,
                         const char *what) {
  if (size == expected)
    return {};
  return std::string(what) + " has " + std::to_string(size) +
         " entries, expected " + std::to_string(expected);
}

void read_report(Fields &f, NodeReport &r) {
  f.read("node", r.node, to_name);
  f.read("capacity", r.capacity, map_of<std::int64_t>(to_count));
  f.read("soft_capacity", r.soft_capacity, map_of<std::int64_t>(to_count));
  f.read("labels", r.labels, map_of<std::string>(to_string));
  f.read("taints", r.taints, list_of<std::string>(to_string));
  f.read("cost", r.cost, to_weight);
  f.read("running", r.running, map_of<std::int32_t>(to_count32));
}

Result<Message> decode_subproblem(Fields &f) {
  Subproblem m;
  auto &lp = m.problem;
  std::int64_t dims = 0;
  std::vector<std::int32_t> limit, running, unmet;
  std::vector<double> move_cost;
  std::vector<std::vector<std::int32_t>> conflicts, prefers;
  f.read("solve", m.solve, to_uint);
  f.read("dims", dims, to_count);
  f.read("capacity", lp.capacity, list_of<std::int64_t>(to_count));
  f.read("services", m.services, list_of<std::string>(to_name));
  f.read("limit", limit, list_of<std::int32_t>(to_count32));
  f.read("running", running, list_of<std::int32_t>(to_count32));
  f.read("move_cost", move_cost, list_of<double>(to_weight));
  f.read("demand", lp.demand, list_of<std::int64_t>(to_count));
  f.read("fixed_cost", lp.fixed_cost, to_weight);
  f.read("constant", lp.constant, to_weight);
  f.read("load_spread_weight", lp.load_spread_weight, to_weight);
  f.read("balance_weight", lp.balance_weight, to_weight);
  f.read("soft_capacity", lp.soft_capacity, list_of<std::int64_t>(to_count));
  f.read("overload_weight", lp.overload_weight, list_of<double>(to_weight));
  std::vector<std::int32_t> transient_dims;
  f.read("transient_dims", transient_dims, list_of<std::int32_t>(to_count32));
  f.read("transient_room", lp.transient_room, list_of<std::int64_t>(to_count));
  std::vector<std::int32_t> ratio_resources;
  std::vector<double> ratio_values;
  f.read("free_ratio_resources", ratio_resources, list_of<std::int32_t>(to_count32));
  f.read("free_ratio_values", ratio_values, list_of<double>(to_weight));
  f.read("migration_weight", lp.migration_weight, to_weight);
  f.read("colocation_weight", lp.colocation_weight, to_weight);
  f.read("conflicts", conflicts,
         list_of<std::vector<std::int32_t>>(list_of<std::int32_t>(to_count32)));
  f.read("prefers", prefers,
         list_of<std::vector<std::int32_t>>(list_of<std::int32_t>(to_count32)));
  f.read("unmet_preferences", unmet, list_of<std::int32_t>(to_count32));
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  const std::size_t items = m.services.size();
  if (dims > 64)
    f.fail("dims " + std::to_string(dims) + " is more than 64");
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  lp.dims = static_cast<int>(dims);
  if (ratio_resources.size() != ratio_values.size() || ratio_resources.size() % 2 != 0)
    f.fail("free_ratio_resources and free_ratio_values must both hold 2 entries per rule");
  for (std::size_t k = 0; f.ok() && k < ratio_resources.size(); k += 2) {
    if (ratio_resources[k] >= lp.dims || ratio_resources[k + 1] >= lp.dims)
      f.fail("free_ratio rule " + std::to_string(k / 2) + " names a resource beyond dims");
    else
      lp.free_ratio.push_back({ratio_resources[k], ratio_resources[k + 1], ratio_values[k], ratio_values[k + 1]});
  }
  for (std::size_t j = 0; f.ok() && j < transient_dims.size(); ++j) {
    if (transient_dims[j] >= lp.dims)
      f.fail("transient_dims entry " + std::to_string(j) + " is beyond dims");
    else
      lp.transient_dims.push_back(transient_dims[j]);
  }
  for (const std::string &problem :
       {checked_size(lp.capacity.size(), lp.dims, "capacity"),
        checked_size(lp.transient_room.size(), transient_dims.size(), "transient_room"),
        lp.soft_capacity.empty() ? std::string() : checked_size(lp.soft_capacity.size(), lp.dims, "soft_capacity"),
        lp.overload_weight.empty() ? std::string() : checked_size(lp.overload_weight.size(), lp.dims, "overload_weight"),
        checked_size(limit.size(), items, "limit"),
        checked_size(running.size(), items, "running"),
        checked_size(move_cost.size(), items, "move_cost"),
        checked_size(lp.demand.size(), items * lp.dims, "demand"),
        checked_size(conflicts.size(), items, "conflicts"),
        checked_size(prefers.size(), items, "prefers"),
        checked_size(unmet.size(), items, "unmet_preferences")})
    if (!problem.empty())
      f.fail(problem);
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  lp.items.resize(items);
  lp.conflicts.resize(items);
  lp.prefers.resize(items);
  lp.preferred_by.resize(items);
  lp.unmet_preferences.assign(unmet.begin(), unmet.end());
  for (std::size_t i = 0; i < items; ++i) {
    lp.items[i] = {static_cast<std::uint32_t>(i), limit[i], running[i], 0.0, move_cost[i]};
    for (const auto j : conflicts[i]) {
      if (static_cast<std::size_t>(j) >= items)
        f.fail("conflicts of item " + std::to_string(i) + ": no item " +
               std::to_string(j));
      lp.conflicts[i].push_back(j);
    }
    for (const auto j : prefers[i]) {
      if (static_cast<std::size_t>(j) >= items) {
        f.fail("prefers of item " + std::to_string(i) + ": no item " +
               std::to_string(j));
        continue;
      }
      lp.prefers[i].push_back(j);
      lp.preferred_by[j].push_back(static_cast<int>(i));
    }
  }
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  return Message{std::move(m)};
}

Result<Message> decode_target(Fields &f) {
  Target m;
  f.read("solve", m.solve, to_uint);
  f.read("services", m.services,
         list_of<TargetService>([](const msgpack::object &o, TargetService &s) {
           Fields g(o, "");
           g.read("service", s.service, to_name);
           g.read("replicas", s.replicas, to_count32);
           g.read("image", s.image, to_string);
           g.read("command", s.command, list_of<std::string>(to_string));
           g.read("env", s.env, map_of<std::string>(to_string));
           g.read("ports", s.ports, list_of<std::int32_t>(to_count32));
           g.read("request", s.request, map_of<std::int64_t>(to_count));
           return g.ok() ? std::string{} : g.error();
         }));
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  return Message{std::move(m)};
}

template <typename M> Result<Message> finish(Fields &f, M message) {
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  return Message{std::move(message)};
}

Result<Message> decode_object(const msgpack::object &root) {
  Fields f(root, "");
  std::int64_t version = 0;
  std::string type;
  f.read("v", version, to_int64);
  f.read("type", type, to_string);
  if (!f.ok())
    return Error{ErrorCode::decode, f.error()};
  if (version != kVersion)
    return Error{ErrorCode::decode,
                 "protocol version " + std::to_string(version) + ", expected " +
                     std::to_string(kVersion)};
  Fields g(root, type);
  if (type == "register") {
    Register m;
    read_report(g, m.report);
    return finish(g, std::move(m));
  }
  if (type == "register_ack") {
    RegisterAck m;
    g.read("incarnation", m.incarnation, to_uint);
    g.read("heartbeat_ms", m.heartbeat_ms, to_count);
    if (g.ok() && m.heartbeat_ms <= 0)
      g.fail("field 'heartbeat_ms': must be positive");
    return finish(g, m);
  }
  if (type == "heartbeat") {
    Heartbeat m;
    g.read("incarnation", m.incarnation, to_uint);
    read_report(g, m.report);
    return finish(g, std::move(m));
  }
  if (type == "heartbeat_ack") {
    HeartbeatAck m;
    g.read("incarnation", m.incarnation, to_uint);
    g.read("known", m.known, to_bool);
    return finish(g, m);
  }
  if (type == "subproblem")
    return decode_subproblem(g);
  if (type == "prices") {
    Prices m;
    g.read("solve", m.solve, to_uint);
    g.read("round", m.round, to_uint);
    g.read("deadline_ms", m.deadline_ms, to_count);
    g.read("bound_only", m.bound_only, to_bool);
    g.read("direction", m.direction, list_of<double>(to_double));
    g.read("prices", m.prices, list_of<double>(to_double));
    return finish(g, std::move(m));
  }
  if (type == "bid") {
    Bid m;
    g.read("solve", m.solve, to_uint);
    g.read("round", m.round, to_uint);
    g.read("counts", m.counts, list_of<std::int32_t>(to_count32));
    g.read("value", m.value, to_double);
    g.read("lower_bound", m.lower_bound, to_double);
    g.read("exact", m.exact, to_bool);
    g.read("bound_direction", m.bound_direction, list_of<double>(to_double));
    return finish(g, std::move(m));
  }
  if (type == "target")
    return decode_target(g);
  return Error{ErrorCode::decode, "unknown message type '" + type + "'"};
}

} // namespace

Result<Message> decode(std::string_view bytes) {
  if (bytes.empty())
    return Error{ErrorCode::decode, "empty message"};
  if (bytes.size() > kMaxMessageBytes)
    return Error{ErrorCode::decode, "message of " +
                                        std::to_string(bytes.size()) +
                                        " bytes is over the limit"};
  // Limits keep a forged header ("an array of 4 billion elements") from
  // allocating before the parser notices the bytes are missing.
  const std::size_t elements = bytes.size();
  const msgpack::unpack_limit limit(elements, elements, elements, elements,
                                    elements, 32);
  try {
    std::size_t offset = 0;
    const msgpack::object_handle handle = msgpack::unpack(
        bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
    if (offset != bytes.size())
      return Error{ErrorCode::decode, std::to_string(bytes.size() - offset) +
                                          " trailing bytes after the message"};
    return decode_object(handle.get());
  } catch (const std::exception &e) {
    return Error{ErrorCode::decode,
                 std::string("malformed MessagePack: ") + e.what()};
  }
}

} // namespace berth::protocol
