#pragma once
// Everything the simulated network does, as data: latencies, buffer sizes and
// the fault catalogue. Every fault is seeded, configurable and recorded in the
// world's trace.
//
//   network_config{}                 realistic latencies, no faults
//   network_config::fast_local()     microsecond latencies, no faults
//   network_config::random_for_seed(seed)   latencies and faults drawn per seed
//
// Probabilities are per opportunity: per read or write call (partial I/O,
// clogging, random close), per transmitted chunk (bit flips), per connect
// (connect failures), per transmission step (random partitions).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "moonpool/sim/random.hpp"

namespace moonpool::sim {

using std::chrono::nanoseconds;

// A latency distribution. Sampling draws from the simulation stream.
struct latency_distribution {
  enum class shape : std::uint8_t { uniform, exponential, bimodal };

  shape kind = shape::uniform;
  nanoseconds low{0};   // uniform: [low, high); exponential: minimum; bimodal: fast range
  nanoseconds high{0};  // uniform: exclusive end; exponential: low + mean; bimodal: fast range end
  nanoseconds slow_low{0};        // bimodal: slow range
  nanoseconds slow_high{0};       // bimodal: slow range end
  double slow_probability = 0.0;  // bimodal: chance of the slow range

  static latency_distribution uniform(nanoseconds low, nanoseconds high) {
    return {shape::uniform, low, high, {}, {}, 0.0};
  }
  static latency_distribution exponential(nanoseconds minimum, nanoseconds mean) {
    return {shape::exponential, minimum, minimum + mean, {}, {}, 0.0};
  }
  static latency_distribution bimodal(nanoseconds fast_low, nanoseconds fast_high,
                                      nanoseconds slow_low, nanoseconds slow_high,
                                      double slow_probability) {
    return {shape::bimodal, fast_low, fast_high, slow_low, slow_high, slow_probability};
  }
  static latency_distribution fixed(nanoseconds value) { return uniform(value, value); }

  nanoseconds sample(random_stream& random) const;
};

enum class connect_failure_mode : std::uint8_t {
  none,    // connects never fail by fault
  refuse,  // a failing connect completes with connection_refused
  hang,    // a failing connect never completes (only cancellation ends it)
  mixed,   // half refuse, half hang
};

enum class partition_strategy : std::uint8_t {
  random,          // each host joins the cut-off side with probability 1/2
  uniform_size,    // a cut-off side of uniformly drawn size
  isolate_single,  // one host against all others
};

struct network_config {
  // --- latencies -------------------------------------------------------------
  // One-way delivery time of a chunk of data (and of FIN/RST).
  latency_distribution delivery_latency =
      latency_distribution::uniform(std::chrono::microseconds(100), std::chrono::microseconds(600));
  // Time for a connect to reach the listener (SYN), and the answer to return.
  latency_distribution connect_latency =
      latency_distribution::uniform(std::chrono::milliseconds(1), std::chrono::milliseconds(11));
  // Extra fixed latency per ordered host pair, drawn once per pair in
  // [0, pair_latency_max); zero turns it off.
  nanoseconds pair_latency_max{0};

  // --- buffers -----------------------------------------------------------------
  std::size_t send_buffer_bytes_max = 64 * 1024;
  std::size_t receive_buffer_bytes_max = 64 * 1024;
  std::size_t listen_backlog_max = 128;
  // A connect whose SYN cannot get through (partition) retries with
  // exponential backoff from 1 s and fails with timed_out after this long.
  nanoseconds connect_timeout = std::chrono::seconds(127);

  // --- faults (all off by default) -----------------------------------------------
  // A write_some accepts fewer bytes than it could; a read_some returns
  // fewer bytes than are buffered (never zero while data is there).
  double partial_write_probability = 0.0;
  double partial_read_probability = 0.0;
  // Data stops flowing for a while: writes are not transmitted (write clog),
  // or received data is not handed to reads (read clog).
  double write_clog_probability = 0.0;
  double read_clog_probability = 0.0;
  latency_distribution clog_duration =
      latency_distribution::uniform(std::chrono::milliseconds(100), std::chrono::milliseconds(300));
  // Random partitions between hosts, rolled at every transmission step.
  double partition_probability = 0.0;
  partition_strategy partition_kind = partition_strategy::random;
  latency_distribution partition_duration =
      latency_distribution::uniform(std::chrono::milliseconds(200), std::chrono::seconds(2));
  // Bits flipped in transit (a power law: mostly one bit), per chunk.
  double bit_flip_probability = 0.0;
  nanoseconds bit_flip_cooldown{0};
  // A connection closes under a read or write. Explicit: the call fails with
  // connection_reset and the peer is reset. Silent: the local end is reset
  // but the peer is not told (a half-open connection).
  double random_close_probability = 0.0;
  nanoseconds random_close_cooldown = std::chrono::seconds(5);
  double random_close_explicit_ratio = 0.3;
  // Connects that fail by fault.
  connect_failure_mode connect_failure = connect_failure_mode::none;
  double connect_failure_probability = 0.0;
  // Extra delay before a connection is established.
  double handshake_delay_probability = 0.0;
  latency_distribution handshake_delay =
      latency_distribution::uniform(std::chrono::milliseconds(10), std::chrono::milliseconds(200));
  // --- name resolution (sim::tcp::resolver) ---------------------------------------
  // Time for a name to resolve.
  latency_distribution resolve_latency =
      latency_distribution::uniform(std::chrono::microseconds(100), std::chrono::milliseconds(2));
  // A resolution fails with host_not_found_try_again (a flaky DNS server).
  double resolve_failure_probability = 0.0;

  // Hosts' clocks run ahead of simulated time by up to this much.
  bool clock_drift_enabled = false;
  nanoseconds clock_drift_max = std::chrono::milliseconds(100);

  // Microsecond latencies and no faults: for fast, predictable tests.
  static network_config fast_local();
  // Latencies and faults drawn from `seed` (see docs/chaos.md for ranges).
  static network_config random_for_seed(std::uint64_t seed);

  // Throws std::invalid_argument naming the first bad field.
  void validate() const;
};

[[nodiscard]] std::string_view to_string(partition_strategy strategy) noexcept;
[[nodiscard]] std::string_view to_string(connect_failure_mode mode) noexcept;

}  // namespace moonpool::sim
