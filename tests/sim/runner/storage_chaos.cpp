// chaos::storage: a configuration drawn per seed, fault kinds left out or
// swarm-masked per seed, faults ending with chaos, and the report's storage
// fault counts (summed over seeds, text and JSON).

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write_at.hpp>
#include <boost/json.hpp>
#include <map>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::chaos_mode;
using moonpool::sim::Context;
using moonpool::sim::run_options;
using moonpool::sim::SimulationBuilder;
using moonpool::sim::storage_chaos_config;
using moonpool::sim::storage_config;
using moonpool::sim::storage_fault_counts;

namespace {

// Runs one disk operation for at most 50 ms: a hang is given up, not fatal.
template <class T>
asio::awaitable<void> bounded(asio::awaitable<T> op) {
  try {
    co_await moonpool::sim::timeout(50ms, std::move(op));
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::timed_out) {
      throw;
    }
  }
}

// Writes, syncs and reads one sector after another of a 64-sector file,
// forever (until shut down), each operation bounded so that hangs pass.
// Starts after `quiet_for`.
struct disk_churner : moonpool::sim::Process {
  std::chrono::nanoseconds quiet_for{0};
  std::string_view name() const override { return "churner"; }
  asio::awaitable<void> run(Context& ctx) override {
    co_await moonpool::sim::sleep(quiet_for);
    using moonpool::sim::open_options;
    auto [ec, f] = co_await ctx.storage().async_open(
        "/data/f", open_options::read_write | open_options::create,
        asio::as_tuple(asio::use_awaitable));
    if (ec) {
      throw boost::system::system_error(ec, "open");
    }
    std::string sector(512, 'x');
    for (std::uint64_t i = 0; !ctx.shutdown_requested(); ++i) {
      const std::uint64_t offset = (i % 64) * 512;
      co_await bounded(asio::async_write_at(f, offset, asio::buffer(sector),
                                            asio::as_tuple(asio::use_awaitable)));
      co_await bounded(
          f.async_sync(moonpool::sim::sync_kind::data, asio::as_tuple(asio::use_awaitable)));
      co_await bounded(asio::async_read_at(f, offset, asio::buffer(sector),
                                           asio::as_tuple(asio::use_awaitable)));
    }
  }
};

struct idle_workload : moonpool::sim::Workload {
  std::chrono::nanoseconds idle_for = 3s;
  std::string_view name() const override { return "idle"; }
  asio::awaitable<void> run(Context&) override { co_await moonpool::sim::sleep(idle_for); }
};

SimulationBuilder churning(chaos_mode mode, storage_chaos_config allowed = {},
                           std::chrono::nanoseconds quiet_for = {},
                           std::chrono::nanoseconds chaos_for = 2s) {
  SimulationBuilder sim;
  sim.processes(1,
                [quiet_for] {
                  auto p = std::make_unique<disk_churner>();
                  p->quiet_for = quiet_for;
                  return p;
                })
      .workload([chaos_for] {
        auto w = std::make_unique<idle_workload>();
        w->idle_for = chaos_for + 1s;
        return w;
      })
      .chaos_duration(chaos_for)
      .enable_chaos({moonpool::sim::chaos::storage(mode, allowed)});
  return sim;
}

moonpool::sim::SimulationReport run_seeds(const SimulationBuilder& sim, std::uint64_t count) {
  run_options options;
  options.iterations = count;
  return sim.run(options);
}

}  // namespace

TEST(StorageChaos, RandomForSeedIsDeterministicValidAndEveryFaultIsOn) {
  const storage_config a = storage_config::random_for_seed(42);
  EXPECT_NO_THROW(a.validate());
  const storage_config b = storage_config::random_for_seed(42);
  EXPECT_EQ(a.sync_latency.low, b.sync_latency.low);
  EXPECT_EQ(a.sync_failure_probability, b.sync_failure_probability);
  EXPECT_EQ(a.iops_max, b.iops_max);
  const storage_config c = storage_config::random_for_seed(43);
  EXPECT_TRUE(a.sync_latency.low != c.sync_latency.low || a.iops_max != c.iops_max);
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const storage_config s = storage_config::random_for_seed(seed);
    EXPECT_NO_THROW(s.validate()) << seed;
    EXPECT_GT(s.read_corruption_probability, 0.0);
    EXPECT_GT(s.write_corruption_probability, 0.0);
    EXPECT_GT(s.torn_write_probability, 0.0);
    EXPECT_GT(s.misdirected_write_probability, 0.0);
    EXPECT_GT(s.misdirected_read_probability, 0.0);
    EXPECT_GT(s.phantom_write_probability, 0.0);
    EXPECT_GT(s.sync_failure_probability, 0.0);
    EXPECT_GT(s.no_space_probability, 0.0);
    EXPECT_GT(s.hang_probability, 0.0);
    const storage_config calm = s.without_faults();
    EXPECT_EQ(calm.sync_latency.high, s.sync_latency.high);
    EXPECT_EQ(calm.iops_max, s.iops_max);
    EXPECT_EQ(calm.read_corruption_probability + calm.write_corruption_probability +
                  calm.torn_write_probability + calm.misdirected_write_probability +
                  calm.misdirected_read_probability + calm.phantom_write_probability +
                  calm.sync_failure_probability + calm.no_space_probability + calm.hang_probability,
              0.0);
  }
}

TEST(StorageChaos, RandomModeInjectsEveryKindAndSameSeedSameTrace) {
  const auto sim = churning(chaos_mode::random);
  const auto report = run_seeds(sim, 6);
  EXPECT_TRUE(report.ok()) << report.to_text();
  const storage_fault_counts total = report.storage_faults();
  EXPECT_GT(total.read_corruptions, 0u);
  EXPECT_GT(total.write_corruptions, 0u);
  EXPECT_GT(total.misdirected_writes, 0u);
  EXPECT_GT(total.misdirected_reads, 0u);
  EXPECT_GT(total.phantom_writes, 0u);
  EXPECT_GT(total.sync_failures, 0u);
  EXPECT_GT(total.no_space, 0u);
  EXPECT_GT(total.hangs, 0u);
  const auto first = sim.run_seed(7);
  const auto again = sim.run_seed(7);
  EXPECT_EQ(first.trace_hash, again.trace_hash);
  EXPECT_EQ(first.storage_faults, again.storage_faults);
  EXPECT_GT(first.storage_faults.total_faults(), 0u);
}

TEST(StorageChaos, AKindLeftOutNeverFires) {
  storage_chaos_config allowed;
  allowed.read_corruption = false;
  allowed.hangs = false;
  const auto report = run_seeds(churning(chaos_mode::random, allowed), 6);
  EXPECT_TRUE(report.ok()) << report.to_text();
  const storage_fault_counts total = report.storage_faults();
  EXPECT_EQ(total.read_corruptions, 0u);
  EXPECT_EQ(total.hangs, 0u);
  EXPECT_GT(total.sync_failures, 0u);
  EXPECT_GT(total.write_corruptions, 0u);
}

TEST(StorageChaos, SwarmSwitchesKindsOffForSomeSeeds) {
  const auto report = run_seeds(churning(chaos_mode::swarm), 16);
  EXPECT_TRUE(report.ok()) << report.to_text();
  std::size_t with = 0;
  std::size_t without = 0;
  for (const auto& s : report.seeds) {
    (s.storage_faults.sync_failures > 0 ? with : without) += 1;
  }
  EXPECT_GT(with, 0u);
  EXPECT_GT(without, 0u);
}

TEST(StorageChaos, FaultsStopWhenChaosEnds) {
  // The same disk traffic, started after the 2 s chaos window: no faults.
  const auto after = run_seeds(churning(chaos_mode::random, {}, 2500ms), 4);
  EXPECT_TRUE(after.ok()) << after.to_text();
  EXPECT_EQ(after.storage_faults().total_faults(), 0u);
  const auto during = run_seeds(churning(chaos_mode::random, {}, 0ms), 4);
  EXPECT_GT(during.storage_faults().total_faults(), 0u);
}

TEST(StorageChaos, TheReportSumsStorageFaultsOverSeeds) {
  const auto report = run_seeds(churning(chaos_mode::random), 3);
  storage_fault_counts sum;
  for (const auto& s : report.seeds) {
    sum += s.storage_faults;
  }
  ASSERT_GT(sum.sync_failures, 0u);
  EXPECT_EQ(report.storage_faults(), sum);
  const boost::json::value json = boost::json::parse(report.to_json());
  EXPECT_EQ(json.at("storage_faults").at("sync_failures").to_number<std::uint64_t>(),
            sum.sync_failures);
  EXPECT_EQ(json.at("storage_faults").at("read_corruptions").to_number<std::uint64_t>(),
            sum.read_corruptions);
  EXPECT_EQ(
      json.at("seeds").at(0).at("storage_faults").at("sync_failures").to_number<std::uint64_t>(),
      report.seeds.at(0).storage_faults.sync_failures);
  const std::string text = report.to_text();
  EXPECT_NE(text.find("storage faults:"), std::string::npos) << text;
  EXPECT_NE(text.find("sync_failures " + std::to_string(sum.sync_failures)), std::string::npos)
      << text;
}

TEST(StorageChaos, ASimulationWithoutStorageReportsNoStorageFaults) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<idle_workload>(); });
  const auto report = run_seeds(sim, 2);
  EXPECT_EQ(report.storage_faults(), storage_fault_counts{});
  EXPECT_EQ(report.to_text().find("storage faults"), std::string::npos);
  const boost::json::value json = boost::json::parse(report.to_json());
  EXPECT_EQ(json.at("storage_faults").at("hangs").to_number<std::uint64_t>(), 0u);
  EXPECT_FALSE(json.at("seeds").at(0).as_object().contains("storage_faults"));
}

// --- storage_for: one host's disk differs ---------------------------------------------

namespace {

// Times one write on its own disk and files it under its process name.
struct write_timer : moonpool::sim::Process {
  std::map<std::string, std::chrono::nanoseconds>* took;
  explicit write_timer(std::map<std::string, std::chrono::nanoseconds>* t) : took(t) {}
  std::string_view name() const override { return "timer"; }
  asio::awaitable<void> run(Context& ctx) override {
    using moonpool::sim::open_options;
    auto f = co_await ctx.storage().async_open("/f", open_options::write | open_options::create,
                                               asio::use_awaitable);
    const auto start = ctx.now();
    co_await asio::async_write_at(f, 0, asio::buffer(std::string(512, 'x')), asio::use_awaitable);
    (*took)[std::string(ctx.name())] = ctx.now() - start;
    co_await moonpool::sim::sleep(1h);  // until shut down
  }
};

SimulationBuilder timed_pair(std::map<std::string, std::chrono::nanoseconds>* took) {
  SimulationBuilder sim;
  sim.processes(2, [took] { return std::make_unique<write_timer>(took); })
      .workload([] { return std::make_unique<idle_workload>(); })
      .storage(storage_config::fast_local());
  return sim;
}

}  // namespace

TEST(StorageFor, AdjustsOneHostsDiskOnly) {
  std::map<std::string, std::chrono::nanoseconds> took;
  auto sim = timed_pair(&took);
  sim.storage_for("timer-1", [](storage_config& c) {
    c.write_latency = moonpool::sim::storage_latency::fixed(7ms);
  });
  const auto result = sim.run_seed(1);
  ASSERT_TRUE(result.ok) << result.error;
  ASSERT_EQ(took.size(), 2U);
  EXPECT_LT(took.at("timer-0"), 100us);  // fast_local
  EXPECT_GE(took.at("timer-1"), 7ms);
  EXPECT_LT(took.at("timer-1"), 7ms + 100us);
}

TEST(StorageFor, StartsFromWhatChaosDrewAndEndsItsFaultsWithChaos) {
  // Every write on churner-0's disk is corrupted during chaos, and none
  // after: the adjustment starts from the drawn configuration, whose faults
  // end with chaos like every disk's.
  auto during = churning(chaos_mode::random, {}, 0ms);
  during.storage_for("churner", [](storage_config& c) { c.write_corruption_probability = 1.0; });
  const auto on = during.run_seed(5);
  ASSERT_TRUE(on.ok) << on.error;
  EXPECT_GT(on.storage_faults.write_corruptions, 100U);
  EXPECT_GT(on.storage_faults.sync_failures, 0U);  // still the drawn faults
  auto after = churning(chaos_mode::random, {}, 2500ms);
  after.storage_for("churner", [](storage_config& c) { c.write_corruption_probability = 1.0; });
  const auto off = after.run_seed(5);
  ASSERT_TRUE(off.ok) << off.error;
  EXPECT_EQ(off.storage_faults.total_faults(), 0U);
}

TEST(StorageFor, AnUnknownNameOrABadValueFailsTheSeedSayingSo) {
  std::map<std::string, std::chrono::nanoseconds> took;
  auto sim = timed_pair(&took);
  sim.storage_for("timer", [](storage_config&) {});  // the two are timer-0 and timer-1
  const auto unknown = sim.run_seed(1);
  EXPECT_FALSE(unknown.ok);
  EXPECT_NE(unknown.error.find("storage_for(\"timer\"): no process or workload is named 'timer'"),
            std::string::npos)
      << unknown.error;
  auto bad = timed_pair(&took);
  bad.storage_for("timer-0", [](storage_config& c) { c.iops_max = 0; });
  const auto invalid = bad.run_seed(1);
  EXPECT_FALSE(invalid.ok);
  EXPECT_NE(invalid.error.find("storage_config.iops_max"), std::string::npos) << invalid.error;
  EXPECT_THROW(SimulationBuilder().storage_for("x", nullptr), std::invalid_argument);
}

TEST(StorageChaos, EpisodesAreChaosKindsAndCounted) {
  // Long enough for the drawn schedules (a stall every 5 to 60 s) to land.
  const auto sim = churning(chaos_mode::random, {}, {}, std::chrono::minutes(3));
  const auto report = run_seeds(sim, 3);
  EXPECT_TRUE(report.ok()) << report.to_text();
  EXPECT_GT(report.storage_faults().stalls, 0U);
  EXPECT_GT(report.storage_faults().throttles, 0U);
  storage_chaos_config allowed;
  allowed.stalls = false;
  allowed.throttles = false;
  const auto calm = churning(chaos_mode::random, allowed, {}, std::chrono::minutes(3));
  const auto without = run_seeds(calm, 3);
  EXPECT_EQ(without.storage_faults().stalls + without.storage_faults().throttles, 0U);
}
