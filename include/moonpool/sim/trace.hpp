#pragma once
// The event trace of a world and its fingerprint.
//
// Every processed event and every scheduling decision is one trace_record.
// The world folds each record into a running 64-bit digest as it happens
// (trace_hash), and keeps the records themselves only when asked to
// (world_options::record_trace), so fingerprinting costs no memory.
//
// The digest ("moonpool trace hash v1") is documented so that any tool can
// recompute it: start with h = 0x6D6F6F6E706F6F6C ("moonpool"); for every
// 64-bit word w of a record, in order, h = mix64(h ^ w), where mix64 is
// splitmix64's finalizer (random.hpp). A record's words are: kind, time_ns,
// the four fields, the label's byte length, then the label's bytes packed
// little-endian eight at a time (the last word zero-padded). The world's
// trace_hash() then adds one more record, never stored: kind random_draws
// (8) at the current time, whose fields are the fingerprints of its random
// streams (random_stream::fingerprint), so that the hash covers every draw.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace moonpool::sim {

// What a record describes. Values are part of the hash: never renumber.
enum class trace_kind : std::uint32_t {
  schedule = 1,       // fields: ready count, picked index, task id
  timer_fired = 2,    // fields: event sequence, task id of the waiter
  task_spawned = 3,   // fields: task id, parent task id; label: task name
  task_finished = 4,  // fields: task id, outcome (join_status)
  event = 5,          // a generic world event; fields: event sequence, a, b
  asio_timer = 6,     // simulated time reached an Asio timer's expiry; fields: context count
  escape = 7,         // simulated code reached the real OS; fields: what; label: detail
  // Never recorded: folded into trace_hash() when it is read, so the hash
  // also covers every random draw. Fields: the fingerprints of the
  // simulation, scheduling and configuration streams.
  random_draws = 8,
  // Kinds from 100 up belong to the network, from 200 up to storage and
  // from 300 up to the runner; each layer documents its own.
};

[[nodiscard]] std::string_view trace_kind_name(trace_kind kind) noexcept;

struct trace_record {
  trace_kind kind{};
  std::uint64_t time_ns = 0;
  std::array<std::uint64_t, 4> fields{};
  std::string label;
  // Where the record was made, for readers (not part of the hash): the
  // running task's name and its host's first name (or address); empty
  // outside a task.
  std::string task;
  std::string host;
};

// The running digest of an ordered sequence of trace records.
class trace_digest {
 public:
  void add(trace_kind kind, std::uint64_t time_ns, const std::array<std::uint64_t, 4>& fields,
           std::string_view label) noexcept;

  [[nodiscard]] std::uint64_t value() const noexcept { return state_; }
  // Sixteen lower-case hex digits.
  [[nodiscard]] std::string hex() const;

  static constexpr std::uint64_t initial_state = 0x6D6F6F6E706F6F6CULL;

 private:
  std::uint64_t state_ = initial_state;
};

// One JSON object (no trailing newline) for `--trace` files.
[[nodiscard]] std::string to_json_line(const trace_record& record);

}  // namespace moonpool::sim
