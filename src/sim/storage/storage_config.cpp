#include "moonpool/sim/storage/storage_config.hpp"

#include <stdexcept>
#include <string>

#include "moonpool/sim/storage/storage_faults.hpp"

namespace moonpool::sim {
namespace {

using std::chrono::microseconds;

void require(bool ok, const char* field, const std::string& why) {
  if (!ok) {
    throw std::invalid_argument(std::string("storage_config.") + field + " " + why);
  }
}

void require_probability(double p, const char* field) {
  require(p >= 0.0 && p <= 1.0, field, "must be a probability in [0, 1], got " + std::to_string(p));
}

void require_latency(const storage_latency& l, const char* field) {
  require(l.low.count() >= 0 && l.high >= l.low, field,
          "must have 0 <= low <= high (got low " + std::to_string(l.low.count()) + " ns, high " +
              std::to_string(l.high.count()) + " ns)");
}

}  // namespace

std::chrono::nanoseconds storage_latency::sample(random_stream& random) const {
  // An empty range returns low without a draw: fixed latencies cost nothing.
  return std::chrono::nanoseconds(static_cast<std::int64_t>(random.between(
      static_cast<std::uint64_t>(low.count()), static_cast<std::uint64_t>(high.count()))));
}

storage_config storage_config::fast_local() {
  storage_config config;
  config.read_latency = storage_latency::fixed(microseconds(1));
  config.write_latency = storage_latency::fixed(microseconds(1));
  config.sync_latency = storage_latency::fixed(microseconds(1));
  config.metadata_latency = storage_latency::fixed(microseconds(1));
  config.iops_max = 1'000'000;
  config.bandwidth_bytes_per_second_max = 1'000'000'000;
  return config;
}

void storage_config::validate() const {
  require_latency(read_latency, "read_latency");
  require_latency(write_latency, "write_latency");
  require_latency(sync_latency, "sync_latency");
  require_latency(metadata_latency, "metadata_latency");
  require(iops_max > 0, "iops_max", "must be positive");
  require(bandwidth_bytes_per_second_max > 0, "bandwidth_bytes_per_second_max", "must be positive");
  require(sector_bytes > 0, "sector_bytes", "must be positive");
  require_probability(crash_unsynced_survival_probability, "crash_unsynced_survival_probability");
  require_probability(read_corruption_probability, "read_corruption_probability");
  require_probability(write_corruption_probability, "write_corruption_probability");
  require_probability(torn_write_probability, "torn_write_probability");
  require_probability(misdirected_write_probability, "misdirected_write_probability");
  require_probability(misdirected_read_probability, "misdirected_read_probability");
  require_probability(phantom_write_probability, "phantom_write_probability");
  require_probability(sync_failure_probability, "sync_failure_probability");
  require_probability(no_space_probability, "no_space_probability");
  require_probability(hang_probability, "hang_probability");
}

storage_fault_counts& storage_fault_counts::operator+=(const storage_fault_counts& other) noexcept {
  read_corruptions += other.read_corruptions;
  write_corruptions += other.write_corruptions;
  torn_writes += other.torn_writes;
  misdirected_writes += other.misdirected_writes;
  misdirected_reads += other.misdirected_reads;
  phantom_writes += other.phantom_writes;
  sync_failures += other.sync_failures;
  no_space += other.no_space;
  hangs += other.hangs;
  crash_lost_writes += other.crash_lost_writes;
  crash_kept_writes += other.crash_kept_writes;
  return *this;
}

}  // namespace moonpool::sim
