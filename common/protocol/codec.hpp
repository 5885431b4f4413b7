#pragma once
// MessagePack encoding of berth's wire messages (messages.hpp), and the checked
// decoding of bytes that arrive from the network.
//
//   const std::string bytes = protocol::encode(protocol::Heartbeat{...});
//   const Result<protocol::Message> message = protocol::decode(bytes);
//   if (!message) log("drop: {}", message.error().message);   // never trusted,
//   never asserted
//
// Every message is one map with string keys, "v" (kVersion) and "type" first,
// then the fields in a fixed order, so equal messages encode to equal bytes
// (the golden fixtures in tests/unit/protocol rely on it). Decoding accepts
// keys in any order and ignores unknown ones; it rejects a wrong version, a
// missing required field, a wrong type, an out-of-range value (negative counts,
// non-finite prices, indices outside the subproblem), trailing bytes, and
// anything over the size limits below.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/protocol/messages.hpp"
#include "common/result.hpp"

namespace berth::protocol {

// Larger messages are rejected before they are parsed.
inline constexpr std::size_t kMaxMessageBytes = 64u << 20;

std::string encode(const Message &message);

Result<Message> decode(std::string_view bytes);

} // namespace berth::protocol
