// Every network fault fires when enabled, never when disabled, and the same
// way for the same seed.

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string_view>

#include "net/support/echo_traffic.hpp"

namespace kinds = moonpool::sim::detail::net::kinds;
using namespace std::chrono_literals;
using moonpool::sim::network_config;
using moonpool::test::run_echo_traffic;

namespace {

struct fault_case {
  const char* name;
  moonpool::sim::trace_kind kind;
  std::function<void(network_config&)> enable;
  // False when the fault leaves nothing to chance (every connect hangs, so
  // every seed does exactly the same thing).
  bool seed_sensitive = true;
};

std::vector<fault_case> fault_cases() {
  using moonpool::sim::connect_failure_mode;
  return {
      {"partial write", kinds::partial_write, [](auto& c) { c.partial_write_probability = 0.5; }},
      {"partial read", kinds::partial_read, [](auto& c) { c.partial_read_probability = 0.5; }},
      {"write clog", kinds::write_clog, [](auto& c) { c.write_clog_probability = 0.3; }},
      {"read clog", kinds::read_clog, [](auto& c) { c.read_clog_probability = 0.3; }},
      {"bit flip", kinds::bit_flip, [](auto& c) { c.bit_flip_probability = 0.5; }},
      {"random close", kinds::random_close,
       [](auto& c) {
         c.random_close_probability = 0.2;
         c.random_close_cooldown = 0ns;
       }},
      {"connect refused", kinds::connect_refused,
       [](auto& c) {
         c.connect_failure = connect_failure_mode::refuse;
         c.connect_failure_probability = 1.0;  // a run makes few connects
       }},
      {"connect hang", kinds::connect_hang,
       [](auto& c) {
         c.connect_failure = connect_failure_mode::hang;
         c.connect_failure_probability = 1.0;
       },
       false},
      {"handshake delay", kinds::handshake_delay,
       [](auto& c) { c.handshake_delay_probability = 1.0; }},
  };
}

}  // namespace

TEST(Faults, EachFiresWhenEnabledNeverWhenDisabledAndIsDeterministic) {
  const auto quiet = run_echo_traffic(3, network_config{});
  EXPECT_EQ(quiet.exchanges, 30);
  for (const fault_case& f : fault_cases()) {
    SCOPED_TRACE(f.name);
    EXPECT_EQ(quiet.count(f.kind), 0u) << "fires while disabled";
    network_config config;
    f.enable(config);
    std::size_t fired = 0;
    for (std::uint64_t seed = 0; seed < 4; ++seed) {
      fired += run_echo_traffic(seed, config).count(f.kind);
    }
    EXPECT_GT(fired, 0u) << "never fired while enabled";
    const auto a = run_echo_traffic(11, config);
    const auto b = run_echo_traffic(11, config);
    EXPECT_EQ(a.trace_hash, b.trace_hash);
    EXPECT_EQ(a.count(f.kind), b.count(f.kind));
    if (f.seed_sensitive) {
      EXPECT_NE(a.trace_hash, run_echo_traffic(12, config).trace_hash);
    }
  }
}

// Readers of a trace see names: every record of faulty traffic has one
// (none is left as "kind.<n>" or a generic world event), and every record
// about a connection says its endpoints and the host it happened on.
TEST(Faults, EveryRecordIsNamedAndConnectionRecordsSayTheirEndpoints) {
  network_config config;
  for (const fault_case& f : fault_cases()) {
    if (f.kind != kinds::connect_hang) {
      f.enable(config);
    }
  }
  config.connect_failure = moonpool::sim::connect_failure_mode::mixed;
  config.connect_failure_probability = 0.2;
  config.partition_probability = 0.05;
  std::set<std::string_view> names;
  for (std::uint64_t seed = 0; seed < 6; ++seed) {
    const auto r = run_echo_traffic(seed, config);
    EXPECT_TRUE(r.unnamed.empty()) << "seed " << seed << ": " << *r.unnamed.begin();
    EXPECT_EQ(r.connection_records_without_endpoints, 0u) << "seed " << seed;
    names.insert(r.names.begin(), r.names.end());
  }
  for (const char* expected :
       {"net.connect", "net.transmit", "net.deliver", "net.partial_write", "net.partial_read",
        "net.write_clog", "net.write_clog_end", "net.read_clog", "net.read_clog_end",
        "net.bit_flip", "net.random_close", "net.connect_refused", "net.handshake_delay",
        "net.partition", "net.heal_due", "net.reset", "net.reset_arrived"}) {
    EXPECT_TRUE(names.contains(expected)) << expected << " never seen";
  }
}

TEST(Faults, PartialReadsNeverReturnZeroBytesWhileDataIsBuffered) {
  network_config config;
  config.partial_read_probability = 1.0;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto r = run_echo_traffic(seed, config);
    EXPECT_EQ(r.zero_byte_reads, 0);
    EXPECT_EQ(r.exchanges, 30);
    EXPECT_GT(r.count(kinds::partial_read), 0u);
  }
}

TEST(Faults, BitFlipsFollowAPowerLawAndRespectTheCooldown) {
  network_config config;
  config.bit_flip_probability = 1.0;
  std::map<std::uint64_t, int> by_size;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    for (std::uint64_t bits : run_echo_traffic(seed, config).bit_flip_sizes) {
      ++by_size[bits];
    }
  }
  int total = 0;
  for (const auto& [bits, n] : by_size) {
    total += n;
  }
  ASSERT_GT(total, 100);
  EXPECT_GT(by_size[1], total * 4 / 10) << "about half the flips change one bit";
  EXPECT_GT(by_size[1], by_size[2]);
  EXPECT_GT(by_size[2], by_size[4]);

  config.bit_flip_cooldown = std::chrono::hours(1);
  EXPECT_EQ(run_echo_traffic(1, config).count(kinds::bit_flip), 1u);
}

TEST(Faults, ExplicitRandomCloseResetsSilentOneLeavesAHalfOpenConnection) {
  network_config config;
  config.random_close_probability = 1.0;
  config.random_close_cooldown = 1h;  // exactly one close
  config.random_close_explicit_ratio = 1.0;
  const auto loud = run_echo_traffic(1, config);
  EXPECT_EQ(loud.count(kinds::random_close), 1u);
  EXPECT_GT(loud.errors_of(boost::asio::error::connection_reset), 0);

  config.random_close_explicit_ratio = 0.0;
  const auto silent = run_echo_traffic(1, config);
  EXPECT_EQ(silent.count(kinds::random_close), 1u);
  EXPECT_EQ(silent.errors_of(boost::asio::error::connection_reset), 0) << "nobody is told";
  EXPECT_GT(silent.errors_of(boost::asio::error::timed_out), 0) << "only a timeout ends the wait";
  EXPECT_EQ(silent.exchanges, 30) << "the client reconnects after its timeout";
}

TEST(Faults, AHangingConnectIsCaughtByATimeout) {
  network_config config;
  config.connect_failure = moonpool::sim::connect_failure_mode::hang;
  config.connect_failure_probability = 1.0;
  const auto r = run_echo_traffic(2, config, false, 1);
  EXPECT_EQ(r.exchanges, 0);
  EXPECT_EQ(r.errors_of(boost::asio::error::timed_out), 20);  // every attempt
}

TEST(Faults, PairLatencyIsAddedPerHostPairAndDeterministic) {
  network_config config;
  const auto base = run_echo_traffic(4, config);
  config.pair_latency_max = 100ms;
  const auto slow = run_echo_traffic(4, config);
  EXPECT_EQ(slow.exchanges, 30);
  EXPECT_GT(slow.finished_at, base.finished_at + 30 * 50ms) << "30 round trips, each slower";
  EXPECT_EQ(slow.trace_hash, run_echo_traffic(4, config).trace_hash);
}

TEST(Faults, AStableConnectionIsExemptFromChaos) {
  network_config config;
  config.partial_read_probability = 1.0;
  config.partial_write_probability = 1.0;
  config.write_clog_probability = 1.0;
  config.read_clog_probability = 1.0;
  config.bit_flip_probability = 1.0;
  config.random_close_probability = 1.0;
  config.random_close_cooldown = 0ns;
  const auto r = run_echo_traffic(5, config, /*stable=*/true);
  for (auto kind : {kinds::partial_read, kinds::partial_write, kinds::write_clog, kinds::read_clog,
                    kinds::bit_flip, kinds::random_close}) {
    EXPECT_EQ(r.count(kind), 0u) << static_cast<int>(kind);
  }
  EXPECT_EQ(r.exchanges, 30);
}

TEST(Faults, HostClocksDriftAheadWithinTheBoundAndNeverBackwards) {
  moonpool::test::two_hosts net{6};
  network_config config;
  config.clock_drift_enabled = true;
  config.clock_drift_max = 100ms;
  net.world.set_network_config(config);
  bool drifted = false;
  net.spawn_on(net.client, "reader", [&]() -> boost::asio::awaitable<void> {
    auto last = net.client.now();
    for (int i = 0; i < 200; ++i) {
      co_await moonpool::sim::sleep(std::chrono::milliseconds(i % 7));
      const auto reading = net.client.now();
      const auto now = moonpool::sim::clock::time_point(net.world.now());
      EXPECT_GE(reading, now);
      EXPECT_LE(reading, now + 100ms);
      EXPECT_GE(reading, last);
      drifted |= reading > now;
      last = reading;
    }
  });
  net.run_and_check();
  EXPECT_TRUE(drifted);

  moonpool::test::two_hosts calm{6};  // drift off by default
  calm.spawn_on(calm.client, "reader", [&]() -> boost::asio::awaitable<void> {
    co_await moonpool::sim::sleep(5ms);
    EXPECT_EQ(calm.client.now(), moonpool::sim::clock::time_point(calm.world.now()));
  });
  calm.run_and_check();
}

TEST(Faults, NetworkConfigPresetsAndValidation) {
  const auto fast = network_config::fast_local();
  EXPECT_EQ(fast.partial_read_probability, 0.0);
  EXPECT_EQ(fast.delivery_latency.high, std::chrono::microseconds(1));
  const auto a = network_config::random_for_seed(9);
  const auto b = network_config::random_for_seed(9);
  EXPECT_EQ(a.partial_read_probability, b.partial_read_probability);
  EXPECT_EQ(a.clog_duration.high, b.clog_duration.high);
  EXPECT_EQ(a.connect_failure, b.connect_failure);
  int differing = 0;
  for (std::uint64_t seed = 10; seed < 20; ++seed) {
    differing += network_config::random_for_seed(seed).partial_read_probability !=
                 a.partial_read_probability;
  }
  EXPECT_GT(differing, 5);

  network_config bad;
  bad.bit_flip_probability = 1.5;
  try {
    bad.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bit_flip_probability"), std::string::npos) << e.what();
  }
  moonpool::sim::world w{1};
  EXPECT_THROW(w.set_network_config(bad), std::invalid_argument);
}

TEST(Faults, LatencyDistributionsStayInRangeAndHaveTheirShape) {
  using moonpool::sim::latency_distribution;
  moonpool::sim::random_stream random(1);
  const auto uniform = latency_distribution::uniform(1ms, 3ms);
  const auto exponential = latency_distribution::exponential(1ms, 2ms);
  const auto bimodal = latency_distribution::bimodal(1ms, 2ms, 50ms, 60ms, 0.1);
  double uniform_sum = 0;
  double exponential_sum = 0;
  int slow = 0;
  constexpr int n = 20000;
  for (int i = 0; i < n; ++i) {
    const auto u = uniform.sample(random);
    ASSERT_GE(u, 1ms);
    ASSERT_LT(u, 3ms);
    uniform_sum += std::chrono::duration<double, std::milli>(u).count();
    const auto e = exponential.sample(random);
    ASSERT_GE(e, 1ms);
    exponential_sum += std::chrono::duration<double, std::milli>(e).count();
    const auto b = bimodal.sample(random);
    ASSERT_TRUE((b >= 1ms && b < 2ms) || (b >= 50ms && b < 60ms));
    slow += b >= 50ms ? 1 : 0;
  }
  EXPECT_NEAR(uniform_sum / n, 2.0, 0.05);
  EXPECT_NEAR(exponential_sum / n, 3.0, 0.1) << "minimum 1 ms plus a 2 ms mean";
  EXPECT_NEAR(static_cast<double>(slow) / n, 0.1, 0.01);
  EXPECT_EQ(latency_distribution::fixed(5ms).sample(random), 5ms);
}
