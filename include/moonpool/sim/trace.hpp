#pragma once
// The event trace of a world and its fingerprint.
//
// Every processed event and every scheduling decision is one trace_record.
// The world folds each record into a running 64-bit digest as it happens
// (trace_hash), and keeps the records themselves only when asked to
// (world_options::record_trace), so fingerprinting costs no memory.
// User log lines (sim::log, kind user_log) are recorded but never digested:
// adding a log line to a program does not change any seed's hash.
//
// Readers get names: every kind is described (detail/trace_kinds.hpp) by a
// dotted event name and the names of the fields it uses, and to_json_line
// writes a record with them. The names are not part of the digest.
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
#include <vector>

namespace moonpool::sim {

// What a record describes. Values are part of the hash: never renumber.
enum class trace_kind : std::uint32_t {
  schedule = 1,       // fields: ready count, picked index, task id
  timer_fired = 2,    // fields: event sequence, the waiting operation's id
  task_spawned = 3,   // fields: task id, parent task id; label: task name
  task_finished = 4,  // fields: task id, outcome (join_status)
  event = 5,          // a scheduled event; fields: event sequence, a, b, what (whose event)
  asio_timer = 6,     // simulated time reached an Asio timer's expiry; no fields
  escape = 7,         // simulated code reached the real OS; fields: what; label: detail
  // Never recorded: folded into trace_hash() when it is read, so the hash
  // also covers every random draw. Fields: the fingerprints of the
  // simulation, scheduling and configuration streams.
  random_draws = 8,
  // A line of user code (sim::log); label: the message. Recorded, never
  // hashed.
  user_log = 9,
  // Kinds from 100 up belong to the network, from 200 up to storage, from
  // 300 up to the runner and from 400 up to TLS; each layer numbers and
  // describes its own (detail/trace_kinds.hpp).
};

// A piece of text a record carries for readers, never hashed: the name of
// a host a field numbers ("from": "node-1"), the endpoints of a
// connection ("from": "10.0.0.1:49152").
struct trace_note {
  std::string key;
  std::string text;
};

struct trace_record {
  trace_kind kind{};
  std::uint64_t time_ns = 0;
  std::array<std::uint64_t, 4> fields{};
  std::string label;
  // Where the record was made, for readers (not part of the hash): the
  // running task (between handlers, the task a scheduling decision or a
  // timer is about), and the host's first name (or address): the host a
  // layer says the record is about (a disk's, a delivery's receiver), else
  // the task's. Empty when there is none.
  std::string task;
  std::string host;
  // Text for readers (not part of the hash), added while recording: a
  // note whose key is a field's name is written in place of that field's
  // number.
  std::vector<trace_note> notes;
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

// One JSON object (no trailing newline) for `--trace` files:
//   {"t_ns":8698089000,"t":"8.698089000s","host":"node-1","task":"node-1",
//    "event":"net.transmit","conn":23,"side":0,"bytes":8,
//    "arrival_ns":8698090000,"from":"10.0.1.2:49158","to":"10.0.1.1:9000"}
// host and task when the record has them, then the event's name, its
// fields by name, its notes, and its label under the kind's label key. A
// kind nobody described is written as "event":"kind.<number>" with its
// fields as f0..f3.
[[nodiscard]] std::string to_json_line(const trace_record& record);

// "8.698089000s": simulated time for readers, exact to the nanosecond.
[[nodiscard]] std::string trace_time_text(std::uint64_t time_ns);

}  // namespace moonpool::sim
