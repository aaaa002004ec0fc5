// Storage timing (reference C4): simulated durations asserted exactly from
// latency + 1 s / IOPS + bytes / bandwidth, the device queue, presets and
// validation.

#include "moonpool/sim/storage/storage_config.hpp"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write_at.hpp>
#include <set>

#include "storage/support/disk_world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::file;
using moonpool::sim::open_options;
using moonpool::sim::storage_config;
using moonpool::sim::storage_latency;
using moonpool::sim::sync_kind;
using moonpool::test::disk_world;
using std::chrono::nanoseconds;

namespace {

// The reference defaults' IOPS and bandwidth with fixed latencies, so that
// every duration is a number.
storage_config exact() {
  storage_config config;
  config.read_latency = storage_latency::fixed(50us);
  config.write_latency = storage_latency::fixed(100us);
  config.sync_latency = storage_latency::fixed(2ms);
  config.metadata_latency = storage_latency::fixed(1us);
  return config;
}

// 1 s / 25,000 IOPS.
constexpr nanoseconds per_operation{40'000};
// bytes / 150 MB/s, in whole nanoseconds (rounded down).
constexpr nanoseconds transfer(std::uint64_t bytes) {
  return nanoseconds(bytes * 1'000'000'000ULL / 150'000'000ULL);
}

}  // namespace

TEST(StorageConfig, DefaultsAreTheReferenceEngines) {
  const storage_config d;
  EXPECT_EQ(d.iops_max, 25'000U);
  EXPECT_EQ(d.bandwidth_bytes_per_second_max, 150'000'000U);
  EXPECT_EQ(d.read_latency.low, 50us);
  EXPECT_EQ(d.read_latency.high, 200us);
  EXPECT_EQ(d.write_latency.low, 100us);
  EXPECT_EQ(d.write_latency.high, 500us);
  EXPECT_EQ(d.sync_latency.low, 1ms);
  EXPECT_EQ(d.sync_latency.high, 5ms);
  EXPECT_EQ(d.read_corruption_probability + d.write_corruption_probability +
                d.torn_write_probability + d.misdirected_write_probability +
                d.misdirected_read_probability + d.phantom_write_probability +
                d.sync_failure_probability + d.no_space_probability + d.hang_probability,
            0.0);
  const storage_config fast = storage_config::fast_local();
  EXPECT_EQ(fast.iops_max, 1'000'000U);
  EXPECT_EQ(fast.bandwidth_bytes_per_second_max, 1'000'000'000U);
  EXPECT_EQ(fast.write_latency.low, 1us);
  EXPECT_EQ(fast.write_latency.high, 1us);
}

TEST(StorageConfig, ValidationNamesTheBadField) {
  storage_config config;
  config.torn_write_probability = 1.5;
  try {
    config.validate();
    FAIL() << "accepted a probability of 1.5";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("storage_config.torn_write_probability"),
              std::string::npos);
  }
  config = storage_config{};
  config.iops_max = 0;
  EXPECT_THROW(config.validate(), std::invalid_argument);
  moonpool::sim::world world{1};
  EXPECT_THROW(world.set_storage_config(config), std::invalid_argument);
}

TEST(StorageTiming, OneWriteTakesLatencyPlusIopsPlusBandwidth) {
  disk_world w{1, exact()};
  w.run([&]() -> asio::awaitable<void> {
    file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                             asio::use_awaitable);
    const nanoseconds start = w.world.now();
    co_await f.async_write_some_at(0, asio::buffer(std::string(4096, 'x')), asio::use_awaitable);
    // 100,000 + 40,000 + 27,306 ns.
    EXPECT_EQ(w.world.now() - start, 100us + per_operation + transfer(4096));
    EXPECT_EQ(w.world.now() - start, nanoseconds(167'306));
  });
}

TEST(StorageTiming, OneReadTakesLatencyPlusIopsPlusBandwidth) {
  disk_world w{1, exact()};
  w.run([&]() -> asio::awaitable<void> {
    co_await moonpool::test::put_durable(w.storage(), "/f", std::string(1'000'000, 'r'));
    file f = co_await w.storage().async_open("/f", open_options::read, asio::use_awaitable);
    std::string buffer(1'000'000, '\0');
    const nanoseconds start = w.world.now();
    const std::size_t n =
        co_await f.async_read_some_at(0, asio::buffer(buffer), asio::use_awaitable);
    EXPECT_EQ(n, 1'000'000U);
    // 50 us + 40 us + 6,666,666 ns.
    EXPECT_EQ(w.world.now() - start, 50us + per_operation + transfer(1'000'000));
  });
}

TEST(StorageTiming, ConcurrentWritesQueueOnTheDevice) {
  using namespace asio::experimental::awaitable_operators;
  disk_world w{1, exact()};
  w.run([&]() -> asio::awaitable<void> {
    file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                             asio::use_awaitable);
    const std::string block(15'000, 'b');  // 100,000 ns of bandwidth
    const nanoseconds start = w.world.now();
    nanoseconds first{};
    nanoseconds second{};
    co_await ([&]() -> asio::awaitable<void> {
      co_await f.async_write_some_at(0, asio::buffer(block), asio::use_awaitable);
      first = w.world.now() - start;
    }() && [&]() -> asio::awaitable<void> {
      co_await f.async_write_some_at(15'000, asio::buffer(block), asio::use_awaitable);
      second = w.world.now() - start;
    }());
    const nanoseconds one_transfer = per_operation + transfer(15'000);
    EXPECT_EQ(transfer(15'000), 100us);
    // The latencies overlap; the transfers do not.
    EXPECT_EQ(std::min(first, second), one_transfer + 100us);
    EXPECT_EQ(std::max(first, second), 2 * one_transfer + 100us);
  });
}

TEST(StorageTiming, ASyncWaitsForTheDeviceQueueThenTakesItsLatency) {
  disk_world w{1, exact()};
  w.run([&]() -> asio::awaitable<void> {
    file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                             asio::use_awaitable);
    co_await f.async_write_some_at(0, asio::buffer(std::string(10, 'x')), asio::use_awaitable);
    const nanoseconds start = w.world.now();
    co_await f.async_sync(sync_kind::data, asio::use_awaitable);
    EXPECT_EQ(w.world.now() - start, 2ms);
  });
}

TEST(StorageTiming, LatencyRangesAreSampledFromTheSeed) {
  auto duration = [](std::uint64_t seed) {
    disk_world w{seed, storage_config{}};
    nanoseconds took{};
    w.run([&]() -> asio::awaitable<void> {
      file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                               asio::use_awaitable);
      const nanoseconds start = w.world.now();
      co_await f.async_write_some_at(0, asio::buffer(std::string(1, 'x')), asio::use_awaitable);
      took = w.world.now() - start;
    });
    return took;
  };
  const nanoseconds fixed_part = per_operation + transfer(1);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_GE(duration(seed), fixed_part + 100us);
    EXPECT_LT(duration(seed), fixed_part + 500us);
    EXPECT_EQ(duration(seed), duration(seed));
  }
  EXPECT_NE(duration(1), duration(2));
}

// --- stall and throttle episodes ---------------------------------------------------
// Fixed gaps and lengths make the schedule a number: the first episode
// starts 10 ms after the disk's first operation (at 0 here) and lasts 5 ms,
// the next starts 10 ms after that one ends: [10, 15), [25, 30), ... ms.

namespace {

storage_config with_episodes(storage_latency storage_config::*gap,
                             storage_latency storage_config::*length) {
  storage_config config = exact();
  config.*gap = storage_latency::fixed(10ms);
  config.*length = storage_latency::fixed(5ms);
  config.throttle_factor = 4;
  return config;
}

// How long one 4096-byte write takes when issued at `when`.
nanoseconds write_at_time(disk_world& w, nanoseconds when) {
  nanoseconds took{};
  w.run([&]() -> asio::awaitable<void> {
    file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                             asio::use_awaitable);
    co_await moonpool::sim::sleep(when - w.world.now());
    const nanoseconds start = w.world.now();
    co_await f.async_write_some_at(0, asio::buffer(std::string(4096, 'x')), asio::use_awaitable);
    took = w.world.now() - start;
  });
  return took;
}

constexpr nanoseconds plain_write = 100us + per_operation + transfer(4096);

}  // namespace

TEST(StorageEpisodes, AStallHoldsAnOperationUntilItEnds) {
  const storage_config config =
      with_episodes(&storage_config::stall_gap, &storage_config::stall_length);
  {
    disk_world w{1, config};
    // Issued at 11 ms, inside [10, 15): the transfer starts at 15 ms.
    EXPECT_EQ(write_at_time(w, 11ms), 4ms + plain_write);
    EXPECT_EQ(w.world.storage_faults().stalls, 1U);
  }
  {
    disk_world w{1, config};
    // Issued at 9.9 ms: it would complete at 10.067 ms, inside the stall,
    // so it completes when the stall ends.
    EXPECT_EQ(write_at_time(w, 9'900us), 5ms - 9'900us + 10ms);
    EXPECT_EQ(w.world.storage_faults().stalls, 1U);
  }
  {
    disk_world w{1, config};
    // Between stalls: untouched, and nothing is counted.
    EXPECT_EQ(write_at_time(w, 16ms), plain_write);
    EXPECT_EQ(w.world.storage_faults().stalls, 0U);
  }
  {
    disk_world w{1, config};
    // The second stall, [25, 30).
    EXPECT_EQ(write_at_time(w, 26ms), 4ms + plain_write);
    EXPECT_EQ(w.world.storage_faults().stalls, 1U);
  }
}

TEST(StorageEpisodes, AThrottleSlowsTransfersThatStartInIt) {
  const storage_config config =
      with_episodes(&storage_config::throttle_gap, &storage_config::throttle_length);
  {
    disk_world w{1, config};
    // The device part takes four times as long; the latency does not.
    EXPECT_EQ(write_at_time(w, 11ms), 100us + 4 * (per_operation + transfer(4096)));
    EXPECT_EQ(w.world.storage_faults().throttles, 1U);
  }
  {
    disk_world w{1, config};
    EXPECT_EQ(write_at_time(w, 16ms), plain_write);
    EXPECT_EQ(w.world.storage_faults().throttles, 0U);
  }
}

TEST(StorageEpisodes, DrawnSchedulesDependOnSeedAndHostNotOnTraffic) {
  // Gaps of 1 to 20 ms, stalls of 1 to 5 ms: the write issued at 50 ms is
  // stalled or not, by as much as the seed says, however many operations
  // came before it.
  auto stalled_by = [](std::uint64_t seed, int earlier_writes) {
    storage_config config = exact();
    config.stall_gap = {1ms, 20ms};
    config.stall_length = {1ms, 5ms};
    disk_world w{seed, config};
    nanoseconds took{};
    w.run([&]() -> asio::awaitable<void> {
      file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                               asio::use_awaitable);
      for (int i = 0; i < earlier_writes; ++i) {
        co_await f.async_write_some_at(0, asio::buffer(std::string(1, 'e')), asio::use_awaitable);
      }
      co_await moonpool::sim::sleep(50ms - w.world.now());
      const nanoseconds start = w.world.now();
      co_await f.async_write_some_at(0, asio::buffer(std::string(4096, 'x')), asio::use_awaitable);
      took = w.world.now() - start;
    });
    return took - plain_write;
  };
  std::set<nanoseconds> seen;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const nanoseconds delay = stalled_by(seed, 0);
    EXPECT_EQ(stalled_by(seed, 5), delay) << "seed " << seed;
    EXPECT_GE(delay, 0ns);
    EXPECT_LT(delay, 5ms);
    seen.insert(delay);
  }
  EXPECT_GT(seen.count(0ns), 0U) << "no seed left the write alone";
  EXPECT_GT(seen.size(), 2U) << "the stall lengths do not vary with the seed";
}

TEST(StorageEpisodes, OffByDefaultAndOffWithoutFaults) {
  const storage_config d;
  EXPECT_TRUE(d.stall_gap.is_zero());
  EXPECT_TRUE(d.throttle_gap.is_zero());
  storage_config on = storage_config::random_for_seed(3);
  EXPECT_FALSE(on.stall_gap.is_zero());
  EXPECT_FALSE(on.throttle_gap.is_zero());
  EXPECT_GE(on.throttle_factor, 2U);
  EXPECT_TRUE(on.without_faults().stall_gap.is_zero());
  EXPECT_TRUE(on.without_faults().throttle_gap.is_zero());
  EXPECT_EQ(on.without_faults().throttle_length.low, on.throttle_length.low);
}

TEST(StorageEpisodes, ValidationRefusesEpisodesOfNoLength) {
  storage_config config;
  config.stall_gap = storage_latency::fixed(1s);
  config.stall_length = storage_latency::fixed(0ns);
  try {
    config.validate();
    FAIL() << "accepted stalls of no length";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("storage_config.stall_length"), std::string::npos);
  }
  config = storage_config{};
  config.throttle_factor = 0;
  EXPECT_THROW(config.validate(), std::invalid_argument);
}
