#pragma once
// The frames sim-chat's server and clients exchange over Beast WebSocket.
//
// Every frame is one binary WebSocket message: five u64 words in host order
// (both ends are the same binary) and a body:
//   {checksum, kind, a, b, c} body
// The checksum covers the kind, the three words and the body, so a frame
// that a bit flip on the wire corrupted is caught end to end and its
// connection dropped (WebSocket has no checksum of its own, and TCP's is
// weak).
//
// kind       from    a            b             c          body
// hello      client  client id    after position
// welcome    server  log end
// message    client  sender       seq                      text
// ack        server  sender       seq           position
// delivery   server  position     sender        seq        text
// heartbeat  both
//
// Positions count the server's log from 1; "after 0" asks for everything.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

enum class frame_kind : std::uint64_t {
  hello = 1,
  welcome = 2,
  message = 3,
  ack = 4,
  delivery = 5,
  heartbeat = 6,
};

inline constexpr std::size_t frame_header_bytes = 5 * sizeof(std::uint64_t);
// A message's text never exceeds this; anything longer on the wire is
// corruption or a protocol error.
inline constexpr std::size_t body_bytes_max = 64;
inline constexpr std::size_t frame_bytes_max = frame_header_bytes + body_bytes_max;

struct frame {
  frame_kind kind = frame_kind::heartbeat;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint64_t c = 0;
  std::string body;
};

inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a over the body, folded into a mix of the words.
inline std::uint64_t frame_checksum(const frame& f) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char ch : f.body) {
    h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001B3ULL;
  }
  return mix(mix(mix(mix(static_cast<std::uint64_t>(f.kind)) ^ f.a) ^ f.b) ^ f.c) ^ h;
}

inline std::string encode(const frame& f) {
  const std::array<std::uint64_t, 5> words{frame_checksum(f), static_cast<std::uint64_t>(f.kind),
                                           f.a, f.b, f.c};
  std::string bytes(frame_header_bytes, '\0');
  std::memcpy(bytes.data(), words.data(), frame_header_bytes);
  bytes += f.body;
  return bytes;
}

// The frame in `bytes`, or nothing when they are not one intact frame.
inline std::optional<frame> decode(std::string_view bytes) {
  if (bytes.size() < frame_header_bytes || bytes.size() > frame_bytes_max) {
    return std::nullopt;
  }
  std::array<std::uint64_t, 5> words{};
  std::memcpy(words.data(), bytes.data(), frame_header_bytes);
  frame f{static_cast<frame_kind>(words[1]), words[2], words[3], words[4],
          std::string(bytes.substr(frame_header_bytes))};
  if (words[0] != frame_checksum(f) || words[1] < static_cast<std::uint64_t>(frame_kind::hello) ||
      words[1] > static_cast<std::uint64_t>(frame_kind::heartbeat)) {
    return std::nullopt;
  }
  return f;
}

// The text of message `seq` from `sender`: both ends can tell it from the
// pair, so a client checks every delivery's body too.
inline std::string message_text(std::uint64_t sender, std::uint64_t seq) {
  return "client-" + std::to_string(sender) + " says #" + std::to_string(seq);
}

}  // namespace chat
