#pragma once
// Everything a simulated disk does, as data: latencies, throughput limits,
// what a crash keeps, and the fault catalogue. Every fault is off by default,
// seeded (simulation stream), recorded in the trace and counted.
//
//   storage_config{}               the reference engine's timings, no faults
//   storage_config::fast_local()   microsecond latencies, no faults
//   storage_config::random_for_seed(seed)   timings and faults drawn per seed
//
// Probabilities are per opportunity: per read or write (corruption,
// misdirection, phantom writes, no space, hangs), per sync (sync failure),
// per unsynced write at a crash (loss, tearing). Stalls and throttles are
// episodes in time. docs/storage.md has the model.

#include <chrono>
#include <cstdint>
#include <limits>

#include "moonpool/sim/random.hpp"

namespace moonpool::sim {

// A latency drawn uniformly from [low, high); low == high is a fixed latency
// and draws nothing.
struct storage_latency {
  std::chrono::nanoseconds low{0};
  std::chrono::nanoseconds high{0};

  static storage_latency fixed(std::chrono::nanoseconds value) { return {value, value}; }
  [[nodiscard]] bool is_zero() const noexcept { return high.count() == 0; }
  std::chrono::nanoseconds sample(random_stream& random) const;
};

struct storage_config {
  // --- timing (reference C4) ----------------------------------------------------
  // A read or write takes latency + 1 s / iops_max + bytes / bandwidth, the
  // transfer part queued on the device (one transfer at a time), so that the
  // limits hold under concurrency too.
  storage_latency read_latency{std::chrono::microseconds(50), std::chrono::microseconds(200)};
  storage_latency write_latency{std::chrono::microseconds(100), std::chrono::microseconds(500)};
  // A sync waits for the device queue, then takes this long.
  storage_latency sync_latency{std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
  // open, remove, rename (not queued on the device).
  storage_latency metadata_latency = storage_latency::fixed(std::chrono::microseconds(1));
  std::uint64_t iops_max = 25'000;
  std::uint64_t bandwidth_bytes_per_second_max = 150'000'000;

  // --- durability -------------------------------------------------------------------
  // The unit a crash tears writes at, and that misdirected I/O is aligned to.
  std::uint64_t sector_bytes = 512;
  // At a crash, each write (and resize) not yet made durable by a sync
  // survives whole with this probability, else is lost whole; each
  // directory's unsynced changes (create, rename, remove) survive together
  // with it too. 0 loses everything unsynced, 1 keeps it all.
  double crash_unsynced_survival_probability = 0.5;
  // Bytes the disk holds (the sum of file sizes); beyond it writes and
  // resizes fail with no_space_on_device.
  std::uint64_t capacity_bytes = std::numeric_limits<std::uint64_t>::max();

  // --- faults (all off by default) -------------------------------------------------
  // A read returns one flipped bit (the data on disk is intact).
  double read_corruption_probability = 0.0;
  // A write stores one flipped bit (and reports success).
  double write_corruption_probability = 0.0;
  // At a crash, an unsynced write is torn: each of its sectors survives or
  // not on its own (instead of the write surviving or not as a whole).
  double torn_write_probability = 0.0;
  // A write lands at another sector-aligned offset of the file; its intended
  // range keeps its old bytes. Reports success.
  double misdirected_write_probability = 0.0;
  // A read returns the bytes of another sector-aligned offset of the file.
  double misdirected_read_probability = 0.0;
  // A write reports success and changes nothing (acknowledged, never stored).
  double phantom_write_probability = 0.0;
  // A sync fails with io_error; nothing it covered became durable.
  double sync_failure_probability = 0.0;
  // A write fails with no_space_on_device although there is room.
  double no_space_probability = 0.0;
  // An operation never completes (only cancellation, closing the file or
  // the host's death ends it): a missing timeout becomes a stuck seed.
  double hang_probability = 0.0;

  // --- episodes (off by default) ---------------------------------------------------
  // Stretches of time when the device misbehaves as a whole (a firmware
  // pause, garbage collection in an SSD, a saturated storage network):
  //   stall     nothing the device does completes, and no transfer starts,
  //             until the stall ends;
  //   throttle  a transfer that starts inside it takes throttle_factor times
  //             as long.
  // Each kind follows its own schedule per host: the first episode starts a
  // gap after the host's disk is first used (or after the kind is turned
  // back on), each next one a gap after the previous one ended; gaps and lengths are drawn from the
  // host's own stream (the seed and the host fix where episodes fall, not
  // what the code does). A zero gap range ({0, 0}, the default) is off.
  storage_latency stall_gap{};
  storage_latency stall_length{std::chrono::milliseconds(100), std::chrono::seconds(2)};
  storage_latency throttle_gap{};
  storage_latency throttle_length{std::chrono::seconds(1), std::chrono::seconds(10)};
  std::uint64_t throttle_factor = 10;

  // Microsecond latencies, 1,000,000 IOPS, 1 GB/s, no faults.
  static storage_config fast_local();
  // Latencies, throughput, crash survival and every fault kind drawn from
  // the seed (a stream of its own, so the run's draws do not shift); every
  // fault is on. chaos::storage starts from it. Ranges: docs/storage.md.
  static storage_config random_for_seed(std::uint64_t seed);
  // The same timings and durability, every fault and episode off: what a
  // disk does once chaos has ended.
  [[nodiscard]] storage_config without_faults() const;

  // Throws std::invalid_argument naming the first bad field.
  void validate() const;
};

}  // namespace moonpool::sim
