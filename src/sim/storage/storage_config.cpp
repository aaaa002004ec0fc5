#include "moonpool/sim/storage/storage_config.hpp"

#include <stdexcept>
#include <string>

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

namespace {

// A range [low, high) with low in [low_min, low_max) and high at least low.
storage_latency random_range(random_stream& random, std::int64_t low_min, std::int64_t low_max,
                             std::int64_t spread_max) {
  const std::int64_t low = static_cast<std::int64_t>(
      random.between(static_cast<std::uint64_t>(low_min), static_cast<std::uint64_t>(low_max)));
  const std::int64_t spread =
      static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(spread_max)));
  return {std::chrono::nanoseconds(low), std::chrono::nanoseconds(low + spread)};
}

// A probability in [low, high) with 1e-6 steps.
double random_probability(random_stream& random, double low, double high) {
  const auto steps = static_cast<std::uint64_t>((high - low) * 1e6);
  return low + static_cast<double>(random.below(steps)) / 1e6;
}

}  // namespace

storage_config storage_config::random_for_seed(std::uint64_t seed) {
  random_stream random(seed ^ 0x73746F72636F6E66ULL);  // "storconf"
  storage_config config;
  // One draw per statement: argument evaluation order is unspecified.
  config.read_latency = random_range(random, 10'000, 100'000, 400'000);
  config.write_latency = random_range(random, 20'000, 200'000, 800'000);
  config.sync_latency = random_range(random, 200'000, 2'000'000, 8'000'000);
  config.metadata_latency = random_range(random, 1'000, 50'000, 200'000);
  config.iops_max = random.between(5'000, 100'001);
  config.bandwidth_bytes_per_second_max = random.between(50'000'000, 1'000'000'001);
  config.crash_unsynced_survival_probability = random_probability(random, 0.1, 0.9);
  config.read_corruption_probability = random_probability(random, 1e-4, 1e-2);
  config.write_corruption_probability = random_probability(random, 1e-4, 1e-2);
  config.torn_write_probability = random_probability(random, 0.1, 0.9);
  config.misdirected_write_probability = random_probability(random, 1e-4, 5e-3);
  config.misdirected_read_probability = random_probability(random, 1e-4, 5e-3);
  config.phantom_write_probability = random_probability(random, 1e-4, 5e-3);
  config.sync_failure_probability = random_probability(random, 1e-3, 5e-2);
  config.no_space_probability = random_probability(random, 1e-4, 1e-2);
  config.hang_probability = random_probability(random, 1e-4, 2e-3);
  // Episodes: stalls of 10 ms to 3 s with gaps of 5 to 90 s, throttles (2x
  // to 20x) of 1 to 20 s with gaps of 10 to 180 s.
  constexpr std::int64_t ms = 1'000'000;
  config.stall_gap = random_range(random, 5'000 * ms, 30'000 * ms, 60'000 * ms);
  config.stall_length = random_range(random, 10 * ms, 500 * ms, 2'500 * ms);
  config.throttle_gap = random_range(random, 10'000 * ms, 60'000 * ms, 120'000 * ms);
  config.throttle_length = random_range(random, 1'000 * ms, 5'000 * ms, 15'000 * ms);
  config.throttle_factor = random.between(2, 21);
  return config;
}

storage_config storage_config::without_faults() const {
  storage_config calm = *this;
  calm.read_corruption_probability = 0.0;
  calm.write_corruption_probability = 0.0;
  calm.torn_write_probability = 0.0;
  calm.misdirected_write_probability = 0.0;
  calm.misdirected_read_probability = 0.0;
  calm.phantom_write_probability = 0.0;
  calm.sync_failure_probability = 0.0;
  calm.no_space_probability = 0.0;
  calm.hang_probability = 0.0;
  calm.stall_gap = {};
  calm.throttle_gap = {};
  return calm;
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
  require_latency(stall_gap, "stall_gap");
  require_latency(stall_length, "stall_length");
  require_latency(throttle_gap, "throttle_gap");
  require_latency(throttle_length, "throttle_length");
  // An episode of no length would let a schedule repeat itself at one instant.
  require(stall_gap.is_zero() || stall_length.low.count() > 0, "stall_length",
          "must be at least 1 ns while stalls are on (stall_gap is not zero)");
  require(throttle_gap.is_zero() || throttle_length.low.count() > 0, "throttle_length",
          "must be at least 1 ns while throttles are on (throttle_gap is not zero)");
  require(throttle_factor >= 1, "throttle_factor", "must be at least 1");
}

}  // namespace moonpool::sim
