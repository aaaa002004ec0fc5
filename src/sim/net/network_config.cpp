#include "moonpool/sim/net/network_config.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace moonpool::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

nanoseconds uniform_between(random_stream& random, nanoseconds low, nanoseconds high) {
  return nanoseconds(static_cast<std::int64_t>(random.between(
      static_cast<std::uint64_t>(low.count()), static_cast<std::uint64_t>(high.count()))));
}

// A latency range [start, end) in microseconds, with start and end drawn from
// the given ranges, and a shape drawn uniformly.
latency_distribution random_latency(random_stream& random, std::uint64_t start_low,
                                    std::uint64_t start_high, std::uint64_t end_low,
                                    std::uint64_t end_high) {
  const microseconds start(random.between(start_low, start_high));
  microseconds end(random.between(end_low, end_high));
  if (end <= start) {
    end = start + microseconds(1);
  }
  switch (random.below(3)) {
    case 0:
      return latency_distribution::uniform(start, end);
    case 1:
      return latency_distribution::exponential(start, end - start);
    default:
      return latency_distribution::bimodal(start, end, end, end * 10,
                                           static_cast<double>(random.between(1, 10)) / 1000.0);
  }
}

void require(bool ok, const char* field, const std::string& why) {
  if (!ok) {
    throw std::invalid_argument(std::string("network_config.") + field + " " + why);
  }
}

void require_probability(double p, const char* field) {
  require(p >= 0.0 && p <= 1.0, field, "must be a probability in [0, 1], got " + std::to_string(p));
}

void require_distribution(const latency_distribution& d, const char* field) {
  require(d.low >= nanoseconds(0) && d.high >= d.low, field,
          "must have 0 <= low <= high (got low " + std::to_string(d.low.count()) + " ns, high " +
              std::to_string(d.high.count()) + " ns)");
  if (d.kind == latency_distribution::shape::bimodal) {
    require(d.slow_low >= nanoseconds(0) && d.slow_high >= d.slow_low, field,
            "must have 0 <= slow_low <= slow_high");
    require_probability(d.slow_probability, field);
  }
}

}  // namespace

nanoseconds latency_distribution::sample(random_stream& random) const {
  switch (kind) {
    case shape::uniform:
      return uniform_between(random, low, high);
    case shape::exponential: {
      const double mean = static_cast<double>((high - low).count());
      if (mean <= 0.0) {
        return low;
      }
      // -ln(1 - U) * mean, saturating far in the tail. std::log is correctly
      // rounded enough on every platform we build for; the result is
      // truncated to whole nanoseconds.
      const double tail = -std::log(1.0 - random.unit()) * mean;
      const double capped = std::min(tail, 1e15);
      return low + nanoseconds(static_cast<std::int64_t>(capped));
    }
    case shape::bimodal:
      if (random.chance(slow_probability)) {
        return uniform_between(random, slow_low, slow_high);
      }
      return uniform_between(random, low, high);
  }
  return low;
}

network_config network_config::fast_local() {
  network_config config;
  config.delivery_latency = latency_distribution::fixed(microseconds(1));
  config.connect_latency = latency_distribution::fixed(microseconds(10));
  config.resolve_latency = latency_distribution::fixed(microseconds(1));
  return config;
}

network_config network_config::random_for_seed(std::uint64_t seed) {
  // A stream of its own, so that choosing a configuration never shifts the
  // draws of the run itself.
  random_stream random(seed ^ 0x6E6574636F6E6667ULL);  // "netconfg"
  network_config config;
  config.connect_latency = random_latency(random, 1000, 10000, 5000, 50000);
  config.delivery_latency = random_latency(random, 50, 1000, 200, 2000);
  config.pair_latency_max = milliseconds(random.below(100));
  config.partial_write_probability = static_cast<double>(random.below(50)) / 100.0;
  config.partial_read_probability = static_cast<double>(random.below(50)) / 100.0;
  config.write_clog_probability = static_cast<double>(random.below(5)) / 100.0;
  config.read_clog_probability = static_cast<double>(random.below(5)) / 100.0;
  // One draw per statement: the order of draws inside one argument list is
  // unspecified, and g++ and clang++ pick differently.
  const milliseconds clog_low(random.between(50, 300));
  const milliseconds clog_high(random.between(300, 800));
  config.clog_duration = latency_distribution::uniform(clog_low, clog_high);
  config.partition_probability = static_cast<double>(random.below(20)) / 10000.0;
  config.partition_kind = static_cast<partition_strategy>(random.below(3));
  const milliseconds partition_low(random.between(100, 1000));
  const milliseconds partition_high(random.between(1000, 3000));
  config.partition_duration = latency_distribution::uniform(partition_low, partition_high);
  config.bit_flip_probability = static_cast<double>(random.between(1, 20)) / 100000.0;
  config.bit_flip_cooldown = milliseconds(random.below(100));
  config.random_close_probability = static_cast<double>(random.between(1, 100)) / 100000.0;
  config.random_close_cooldown = milliseconds(random.between(1000, 10000));
  config.random_close_explicit_ratio = static_cast<double>(random.between(20, 40)) / 100.0;
  config.connect_failure = static_cast<connect_failure_mode>(random.below(4));
  config.connect_failure_probability = static_cast<double>(random.between(1, 20)) / 100.0;
  config.handshake_delay_probability = static_cast<double>(random.below(30)) / 100.0;
  config.clock_drift_enabled = true;
  config.clock_drift_max = milliseconds(random.between(50, 150));
  const microseconds resolve_low(random.between(50, 500));
  const microseconds resolve_high(random.between(500, 20000));
  config.resolve_latency = latency_distribution::uniform(resolve_low, resolve_high);
  config.resolve_failure_probability = static_cast<double>(random.below(3)) / 100.0;
  return config;
}

void network_config::validate() const {
  require_distribution(delivery_latency, "delivery_latency");
  require_distribution(connect_latency, "connect_latency");
  require_distribution(clog_duration, "clog_duration");
  require_distribution(partition_duration, "partition_duration");
  require_distribution(handshake_delay, "handshake_delay");
  require_distribution(resolve_latency, "resolve_latency");
  require_probability(resolve_failure_probability, "resolve_failure_probability");
  require(pair_latency_max >= nanoseconds(0), "pair_latency_max", "must not be negative");
  require(send_buffer_bytes_max > 0, "send_buffer_bytes_max", "must be at least 1 byte");
  require(receive_buffer_bytes_max > 0, "receive_buffer_bytes_max", "must be at least 1 byte");
  require(listen_backlog_max > 0, "listen_backlog_max", "must be at least 1");
  require(connect_timeout > nanoseconds(0), "connect_timeout", "must be positive");
  require_probability(partial_write_probability, "partial_write_probability");
  require_probability(partial_read_probability, "partial_read_probability");
  require_probability(write_clog_probability, "write_clog_probability");
  require_probability(read_clog_probability, "read_clog_probability");
  require_probability(partition_probability, "partition_probability");
  require_probability(bit_flip_probability, "bit_flip_probability");
  require_probability(random_close_probability, "random_close_probability");
  require_probability(random_close_explicit_ratio, "random_close_explicit_ratio");
  require_probability(connect_failure_probability, "connect_failure_probability");
  require_probability(handshake_delay_probability, "handshake_delay_probability");
  require(bit_flip_cooldown >= nanoseconds(0), "bit_flip_cooldown", "must not be negative");
  require(random_close_cooldown >= nanoseconds(0), "random_close_cooldown", "must not be negative");
  require(clock_drift_max >= nanoseconds(0), "clock_drift_max", "must not be negative");
}

std::string_view to_string(partition_strategy strategy) noexcept {
  switch (strategy) {
    case partition_strategy::random:
      return "random";
    case partition_strategy::uniform_size:
      return "uniform_size";
    case partition_strategy::isolate_single:
      return "isolate_single";
  }
  return "unknown";
}

std::string_view to_string(connect_failure_mode mode) noexcept {
  switch (mode) {
    case connect_failure_mode::none:
      return "none";
    case connect_failure_mode::refuse:
      return "refuse";
    case connect_failure_mode::hang:
      return "hang";
    case connect_failure_mode::mixed:
      return "mixed";
  }
  return "unknown";
}

}  // namespace moonpool::sim
