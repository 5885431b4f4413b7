// The wire format: golden bytes for every message type (encode must produce
// them and decode must read them back), and decode's refusals of everything
// else.
#include "common/protocol/codec.hpp"

#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <type_traits>

#include <msgpack.hpp>

#include <gtest/gtest.h>

namespace berth::protocol {
namespace {

std::string hex(const std::string &bytes) {
  static const char *digits = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string &text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  return out;
}

NodeReport a_report() {
  return {.node = "n1",
          .capacity = {{"cpu", 4000}, {"memory", 8LL << 30}},
          .soft_capacity = {{"cpu", 3000}},
          .labels = {{"zone", "a"}},
          .taints = {"gpu=yes:NoSchedule"},
          .cost = 1.5,
          .running = {{"web", 2}}};
}

Subproblem a_subproblem() {
  Subproblem m;
  m.solve = 3;
  m.services = {"web", "db"};
  auto &lp = m.problem;
  lp.dims = 2;
  lp.capacity = {4000, 8192};
  lp.demand = {500, 1024, 1000, 4096};
  lp.items = {{0, 4, 1, 0.0, 2.5}, {1, 1, 0, 0.0, 1.0}};
  lp.fixed_cost = 1;
  lp.constant = 0.5;
  lp.load_spread_weight = 0;
  lp.balance_weight = 0.25;
  lp.soft_capacity = {3000, 8192};
  lp.overload_weight = {2, 0.5};
  lp.transient_dims = {1};
  lp.transient_room = {4096};
  lp.free_ratio = {{.per = 0, .keep = 1, .ratio = 0.5, .weight = 3}};
  lp.migration_weight = 1;
  lp.colocation_weight = 0.1;
  lp.conflicts = {{1}, {0}};
  lp.prefers = {{}, {0}};
  lp.preferred_by = {{1}, {}};
  lp.unmet_preferences = {0, 2};
  return m;
}

// Encoded by this codec once and checked by hand against the MessagePack spec;
// a change here is a protocol change (bump kVersion, update docs/protocol.md).
struct Golden {
  Message message;
  const char *hex;
};

std::vector<Golden> goldens() {
  return {
      {Register{a_report()},
       "89a17603a474797065a87265676973746572a46e6f6465a26e31a8636170616369747982"
       "a3637075cd0fa0a66d656d6f7279cf0000000200000000ad736f66745f63617061636974"
       "7981a3637075cd0bb8a66c6162656c7381a47a6f6e65a161a67461696e747391b2677075"
       "3d7965733a4e6f5363686564756c65a4636f7374cb3ff8000000000000a772756e6e696e"
       "6781a377656202"},
      {RegisterAck{.incarnation = 0x1234567890, .heartbeat_ms = 500},
       "84a17603a474797065ac72656769737465725f61636bab696e6361726e6174696f6ecf0"
       "000001234567890ac6865617274626561745f6d73cd01f4"},
      {Heartbeat{.incarnation = 7, .report = a_report()},
       "8aa17603a474797065a9686561727462656174ab696e6361726e6174696f6e07a46e6f64"
       "65a26e31a8636170616369747982a3637075cd0fa0a66d656d6f7279cf00000002000000"
       "00ad736f66745f636170616369747981a3637075cd0bb8a66c6162656c7381a47a6f6e65"
       "a161a67461696e747391b26770753d7965733a4e6f5363686564756c65a4636f7374cb3f"
       "f8000000000000a772756e6e696e6781a377656202"},
      {HeartbeatAck{.incarnation = 7, .known = false},
       "84a17603a474797065ad6865617274626561745f61636bab696e6361726e6174696f6e0"
       "7a56b6e6f776ec2"},
      {a_subproblem(),
       "de0019a17603a474797065aa73756270726f626c656da5736f6c766503a464696d7302a8"
       "636170616369747992cd0fa0cd2000a8736572766963657392a3776562a26462a56c696d"
       "6974920401a772756e6e696e67920100a96d6f76655f636f737492cb4004000000000000"
       "01a664656d616e6494cd01f4cd0400cd03e8cd1000aa66697865645f636f737401a8636f"
       "6e7374616e74cb3fe0000000000000b26c6f61645f7370726561645f77656967687400ae"
       "62616c616e63655f776569676874cb3fd0000000000000ad736f66745f63617061636974"
       "7992cd0bb8cd2000af6f7665726c6f61645f7765696768749202cb3fe0000000000000ae"
       "7472616e7369656e745f64696d739101ae7472616e7369656e745f726f6f6d91cd1000b4"
       "667265655f726174696f5f7265736f7572636573920001b1667265655f726174696f5f76"
       "616c75657392cb3fe000000000000003b06d6967726174696f6e5f77656967687401b163"
       "6f6c6f636174696f6e5f776569676874cb3fb999999999999aa9636f6e666c6963747392"
       "91019100a77072656665727392909100b1756e6d65745f707265666572656e6365739200"
       "02"},
      {Prices{.solve = 3,
              .round = 12,
              .deadline_ms = 2000,
              .bound_only = true,
              .direction = {0.5, 0.0},
              .prices = {1.25, -0.5}},

       "88a17603a474797065a6707269636573a5736f6c766503a5726f756e640cab646561646"
       "c696e655f6d73cd07d0aa626f756e645f6f6e6c79c3a9646972656374696f6e92cb3fe0"
       "00000000000000a670726963657392cb3ff4000000000000cbbfe0000000000000"},
      {Bid{.solve = 3,
           .round = 12,
           .counts = {2, 0},
           .value = -1.5,
           .lower_bound = -2.0,
           .exact = true,
           .bound_direction = {}},

       "89a17603a474797065a3626964a5736f6c766503a5726f756e640ca6636f756e7473920"
       "200a576616c7565cbbff8000000000000ab6c6f7765725f626f756e64fea56578616374"
       "c3af626f756e645f646972656374696f6e90"},
      {Target{.solve = 3,
              .services = {{.service = "web",
                            .replicas = 2,
                            .image = "nginx:1.25",
                            .command = {"nginx", "-g"},
                            .env = {{"MODE", "prod"}},
                            .ports = {80},
                            .request = {{"cpu", 500}, {"memory", 1024}}}}},

       "84a17603a474797065a6746172676574a5736f6c766503a873657276696365739187a77"
       "3657276696365a3776562a87265706c6963617302a5696d616765aa6e67696e783a312e"
       "3235a7636f6d6d616e6492a56e67696e78a22d67a3656e7681a44d4f4445a470726f64a"
       "5706f7274739150a77265717565737482a3637075cd01f4a66d656d6f7279cd0400"},
  };
}

void expect_same_subproblem(const Subproblem &a, const Subproblem &b) {
  EXPECT_EQ(a.solve, b.solve);
  EXPECT_EQ(a.services, b.services);
  EXPECT_EQ(a.problem.dims, b.problem.dims);
  EXPECT_EQ(a.problem.capacity, b.problem.capacity);
  EXPECT_EQ(a.problem.demand, b.problem.demand);
  ASSERT_EQ(a.problem.items.size(), b.problem.items.size());
  for (std::size_t i = 0; i < a.problem.items.size(); ++i) {
    EXPECT_EQ(a.problem.items[i].limit, b.problem.items[i].limit);
    EXPECT_EQ(a.problem.items[i].running, b.problem.items[i].running);
  }
  EXPECT_EQ(a.problem.fixed_cost, b.problem.fixed_cost);
  EXPECT_EQ(a.problem.constant, b.problem.constant);
  EXPECT_EQ(a.problem.balance_weight, b.problem.balance_weight);
  EXPECT_EQ(a.problem.overload_weight, b.problem.overload_weight);
  EXPECT_EQ(a.problem.transient_dims, b.problem.transient_dims);
  EXPECT_EQ(a.problem.transient_room, b.problem.transient_room);
  EXPECT_EQ(a.problem.colocation_weight, b.problem.colocation_weight);
  EXPECT_EQ(a.problem.conflicts, b.problem.conflicts);
  EXPECT_EQ(a.problem.prefers, b.problem.prefers);
  EXPECT_EQ(a.problem.preferred_by, b.problem.preferred_by);
  EXPECT_EQ(a.problem.unmet_preferences, b.problem.unmet_preferences);
}

TEST(ProtocolCodec, EncodesEveryMessageToItsGoldenBytes) {
  for (const auto &golden : goldens()) {
    SCOPED_TRACE(type_name(golden.message));
    EXPECT_EQ(hex(encode(golden.message)), golden.hex);
  }
}

TEST(ProtocolCodec, DecodesEveryGoldenToTheSameMessage) {
  for (const auto &golden : goldens()) {
    SCOPED_TRACE(type_name(golden.message));
    auto decoded = decode(unhex(golden.hex));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    ASSERT_EQ(decoded->index(), golden.message.index());
    std::visit(
        [&](const auto &expected) {
          using M = std::decay_t<decltype(expected)>;
          if constexpr (std::is_same_v<M, Subproblem>) {
            expect_same_subproblem(expected, std::get<Subproblem>(*decoded));
          } else {
            EXPECT_TRUE(std::get<M>(*decoded) == expected);
          }
        },
        golden.message);
  }
}

// Hand-built maps for the refusals below, so each test states exactly what is
// on the wire.
std::string
packed(const std::function<void(msgpack::packer<msgpack::sbuffer> &)> &write) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  write(pk);
  return {buffer.data(), buffer.size()};
}

std::string heartbeat_ack_with(
    std::int64_t version,
    const std::function<void(msgpack::packer<msgpack::sbuffer> &)> &extra,
    std::uint32_t extra_fields) {
  return packed([&](auto &pk) {
    pk.pack_map(4 + extra_fields);
    pk.pack(std::string("v"));
    pk.pack(version);
    pk.pack(std::string("type"));
    pk.pack(std::string("heartbeat_ack"));
    extra(pk);
    pk.pack(std::string("incarnation"));
    pk.pack(7);
    pk.pack(std::string("known"));
    pk.pack(true);
  });
}

TEST(ProtocolCodec, IgnoresUnknownKeysAnywhereInTheMap) {
  const auto bytes = heartbeat_ack_with(
      kVersion,
      [](auto &pk) {
        pk.pack(std::string("from_the_future"));
        pk.pack_array(2);
        pk.pack(1);
        pk.pack(std::string("x"));
      },
      1);
  const auto decoded = decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(std::get<HeartbeatAck>(*decoded) ==
              (HeartbeatAck{.incarnation = 7, .known = true}));
}

TEST(ProtocolCodec, RefusesAnotherVersion) {
  const auto decoded = decode(heartbeat_ack_with(
      kVersion + 1, [](auto &) {}, 0));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("version"), std::string::npos)
      << decoded.error().message;
}

TEST(ProtocolCodec, EveryTruncationOfEveryGoldenIsAnErrorNotACrash) {
  for (const auto &golden : goldens()) {
    const std::string bytes = unhex(golden.hex);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      const auto decoded = decode(std::string_view(bytes).substr(0, length));
      EXPECT_FALSE(decoded.ok())
          << type_name(golden.message) << " cut at " << length;
    }
  }
}

TEST(ProtocolCodec, TrailingBytesAreRefused) {
  const auto decoded = decode(unhex(goldens()[3].hex) + "x");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("trailing"), std::string::npos)
      << decoded.error().message;
}

TEST(ProtocolCodec, RandomByteFlipsNeverCrash) {
  // Each result may be an error or, where the flip hits a value, another valid
  // message; what matters is that decode returns (the sanitizer build checks
  // memory).
  std::mt19937 rng(11);
  for (const auto &golden : goldens()) {
    const std::string bytes = unhex(golden.hex);
    for (int trial = 0; trial < 300; ++trial) {
      std::string broken = bytes;
      broken[rng() % broken.size()] = static_cast<char>(rng());
      (void)decode(broken);
    }
  }
  for (int trial = 0; trial < 300; ++trial) {
    std::string noise(rng() % 64, '\0');
    for (auto &c : noise)
      c = static_cast<char>(rng());
    (void)decode(noise);
  }
}

TEST(ProtocolCodec, ForgedLengthsDoNotAllocate) {
  // An array header claiming 4 billion elements followed by nothing.
  const auto decoded = decode(std::string("\xdd\xff\xff\xff\xff", 5));
  EXPECT_FALSE(decoded.ok());
  // Deep nesting stops at the depth limit.
  const auto deep = decode(std::string(1000, '\x91') + '\x01');
  EXPECT_FALSE(deep.ok());
}

struct Refusal {
  const char *what;
  std::string bytes;
  const char *message_part;
};

TEST(ProtocolCodec, RefusesWrongShapesWithTheFieldNamed) {
  const std::vector<Refusal> refusals = {
      {"not a map", packed([](auto &pk) { pk.pack(5); }), "expected a map"},
      {"no type", packed([](auto &pk) {
         pk.pack_map(1);
         pk.pack(std::string("v"));
         pk.pack(kVersion);
       }),
       "'type'"},
      {"unknown type", packed([](auto &pk) {
         pk.pack_map(2);
         pk.pack(std::string("v"));
         pk.pack(kVersion);
         pk.pack(std::string("type"));
         pk.pack(std::string("gossip"));
       }),
       "gossip"},
      {"missing field", packed([](auto &pk) {
         pk.pack_map(3);
         pk.pack(std::string("v"));
         pk.pack(kVersion);
         pk.pack(std::string("type"));
         pk.pack(std::string("heartbeat_ack"));
         pk.pack(std::string("known"));
         pk.pack(true);
       }),
       "'incarnation'"},
  };
  for (const auto &refusal : refusals) {
    SCOPED_TRACE(refusal.what);
    const auto decoded = decode(refusal.bytes);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message.find(refusal.message_part),
              std::string::npos)
        << decoded.error().message;
  }
}

// Replaces the value of `key` in a golden map by `value` (both already packed).
std::string with_field(const std::string &golden_hex, const std::string &key,
                       const std::string &old_value_hex,
                       const std::string &new_value_hex) {
  std::string key_hex;
  key_hex += hex(std::string(1, static_cast<char>(0xa0 | key.size())));
  key_hex += hex(key);
  std::string text = golden_hex;
  const auto at = text.find(key_hex + old_value_hex);
  EXPECT_NE(at, std::string::npos) << key;
  text.replace(at + key_hex.size(), old_value_hex.size(), new_value_hex);
  return unhex(text);
}

TEST(ProtocolCodec, RefusesOutOfRangeValues) {
  const auto all = goldens();
  const std::string bid = all[6].hex, subproblem = all[4].hex, ack = all[1].hex;
  struct Case {
    const char *what;
    std::string bytes;
    const char *message_part;
  };
  const std::vector<Case> cases = {
      {"negative count", with_field(bid, "counts", "920200", "92ff00"),
       "counts"},
      {"string where a number goes",
       with_field(bid, "value", "cbbff8000000000000", "a178"), "value"},
      {"non-finite price",
       with_field(all[5].hex, "prices", "92cb3ff4000000000000",
                  "92cb7ff0000000000000"),
       "finite"},
      {"conflict outside the subproblem",
       with_field(subproblem, "conflicts", "92910191", "92910591"),
       "no item 5"},
      {"free ratio rule beyond the dimensions",
       with_field(subproblem, "free_ratio_resources", "920001", "920005"),
       "beyond dims"},
      {"soft capacity of the wrong length",
       with_field(subproblem, "soft_capacity", "92cd0bb8cd2000", "91cd0bb8"),
       "soft_capacity"},
      {"overload weights of the wrong length",
       with_field(subproblem, "overload_weight", "9202cb3fe0000000000000", "9102"),
       "overload_weight"},
      {"transient resource beyond the dimensions",
       with_field(subproblem, "transient_dims", "9101", "9102"),
       "transient_dims"},
      {"transient room of the wrong length",
       with_field(subproblem, "transient_room", "91cd1000", "90"),
       "transient_room"},
      {"demand of the wrong length",
       with_field(subproblem, "demand", "94", "93"), ""},
      {"zero heartbeat period", with_field(ack, "heartbeat_ms", "cd01f4", "00"),
       "heartbeat_ms"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.what);
    const auto decoded = decode(c.bytes);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message.find(c.message_part), std::string::npos)
        << decoded.error().message;
  }
}

} // namespace
} // namespace berth::protocol
