// The durability model (include/moonpool/sim/storage/detail/disk.hpp and
// docs/storage.md): what a crash, a clean shutdown and a wipe leave behind,
// and the runner applying them at reboots.

#include <gtest/gtest.h>

#include <boost/asio/read_at.hpp>
#include <boost/asio/write_at.hpp>
#include <set>

#include "moonpool/sim/runner.hpp"
#include "storage/support/disk_world.hpp"

namespace asio = boost::asio;
using boost::system::error_code;
using moonpool::sim::file;
using moonpool::sim::open_options;
using moonpool::sim::storage_config;
using moonpool::sim::sync_kind;
using moonpool::test::disk_world;
using moonpool::test::put_durable;
using moonpool::test::slurp;

namespace {

constexpr auto create_rw = open_options::read_write | open_options::create;

storage_config survival(double p) {
  storage_config config = storage_config::fast_local();
  config.crash_unsynced_survival_probability = p;
  return config;
}

// Writes `text` at 0 of an existing durable file without syncing, crashes,
// and returns what the file holds after.
std::string unsynced_overwrite_after_crash(std::uint64_t seed, const storage_config& config) {
  disk_world w{seed, config};
  w.run([&]() -> asio::awaitable<void> {
    co_await put_durable(w.storage(), "/f", "old!");
    file f = co_await w.storage().async_open("/f", open_options::write, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("new!")), asio::use_awaitable);
  });
  w.crash();
  std::string after;
  w.run([&]() -> asio::awaitable<void> { after = co_await slurp(w.storage(), "/f"); });
  return after;
}

}  // namespace

TEST(StorageDurability, SyncedDataAndNamesSurviveEveryCrash) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    disk_world w{seed, survival(0.0)};
    w.run(
        [&]() -> asio::awaitable<void> { co_await put_durable(w.storage(), "/db/x", "durable"); });
    w.crash();
    w.run([&]() -> asio::awaitable<void> {
      EXPECT_EQ(co_await slurp(w.storage(), "/db/x"), "durable") << "seed " << seed;
    });
  }
}

TEST(StorageDurability, UnsyncedWritesSurviveOrVanishWholeBySeed) {
  std::set<std::string> outcomes;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string after = unsynced_overwrite_after_crash(seed, storage_config::fast_local());
    EXPECT_TRUE(after == "old!" || after == "new!") << after;
    outcomes.insert(after);
    EXPECT_EQ(after, unsynced_overwrite_after_crash(seed, storage_config::fast_local()))
        << "seed " << seed << " must replay";
  }
  EXPECT_EQ(outcomes.size(), 2U) << "both fates happen across seeds";
  EXPECT_EQ(unsynced_overwrite_after_crash(1, survival(0.0)), "old!");
  EXPECT_EQ(unsynced_overwrite_after_crash(1, survival(1.0)), "new!");
}

TEST(StorageDurability, ACreateIsDurableOnlyAfterItsDirectoryIsSynced) {
  // sync_kind::data alone leaves the name at the mercy of the crash.
  for (const bool directory_synced : {false, true}) {
    disk_world w{1, survival(0.0)};
    w.run([&]() -> asio::awaitable<void> {
      file f = co_await w.storage().async_open("/db/new", create_rw, asio::use_awaitable);
      co_await asio::async_write_at(f, 0, asio::buffer(std::string("v")), asio::use_awaitable);
      co_await f.async_sync(sync_kind::data, asio::use_awaitable);
      if (directory_synced) {
        co_await w.storage().async_sync_directory("/db", asio::use_awaitable);
      }
    });
    w.crash();
    w.run([&]() -> asio::awaitable<void> {
      EXPECT_EQ(co_await slurp(w.storage(), "/db/new"), directory_synced ? "v" : "<missing>");
    });
  }
}

TEST(StorageDurability, WriteNewThenRenameNeedsTheDirectorySync) {
  for (const bool directory_synced : {false, true}) {
    disk_world w{1, survival(0.0)};
    w.run([&]() -> asio::awaitable<void> {
      auto disk = w.storage();
      co_await put_durable(disk, "/db/current", "v1");
      co_await put_durable(disk, "/db/current.tmp", "v2");  // data and its name synced
      co_await disk.async_rename("/db/current.tmp", "/db/current", asio::use_awaitable);
      if (directory_synced) {
        co_await disk.async_sync_directory("/db", asio::use_awaitable);
      }
    });
    w.crash();
    w.run([&]() -> asio::awaitable<void> {
      auto disk = w.storage();
      EXPECT_EQ(co_await slurp(disk, "/db/current"), directory_synced ? "v2" : "v1");
      EXPECT_EQ(disk.exists("/db/current.tmp"), !directory_synced);
    });
  }
}

TEST(StorageDurability, AnUnsyncedRemoveCanComeBack) {
  disk_world w{1, survival(0.0)};
  w.run([&]() -> asio::awaitable<void> {
    co_await put_durable(w.storage(), "/a", "back");
    co_await w.storage().async_remove("/a", asio::use_awaitable);
  });
  w.crash();
  w.run([&]() -> asio::awaitable<void> { EXPECT_EQ(co_await slurp(w.storage(), "/a"), "back"); });
}

TEST(StorageDurability, ACleanShutdownKeepsEverythingCompletedAndAWipeNothing) {
  disk_world w{1, survival(0.0)};
  w.run([&]() -> asio::awaitable<void> {
    file f = co_await w.storage().async_open("/dir/u", create_rw, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("kept")), asio::use_awaitable);
  });
  w.world.shutdown_storage(w.host);
  w.crash();  // nothing is unsynced any more
  w.run(
      [&]() -> asio::awaitable<void> { EXPECT_EQ(co_await slurp(w.storage(), "/dir/u"), "kept"); });
  w.world.wipe_storage(w.host);
  w.run([&]() -> asio::awaitable<void> {
    EXPECT_FALSE(w.storage().exists("/dir/u"));
    co_await put_durable(w.storage(), "/dir/u", "again");  // a wiped disk is usable
  });
}

TEST(StorageDurability, OperationsInFlightAtACrashNeverCompleteAndLeaveNoTrace) {
  disk_world w{1, storage_config{}};  // realistic latencies: the write is slow
  bool completed = false;
  w.run([&]() -> asio::awaitable<void> { co_await put_durable(w.storage(), "/f", "before"); });
  auto writer =
      moonpool::sim::spawn(w.host.get_executor(), "writer", [&]() -> asio::awaitable<void> {
        file f = co_await w.storage().async_open("/f", open_options::write, asio::use_awaitable);
        co_await asio::async_write_at(f, 0, asio::buffer(std::string("AFTER!")),
                                      asio::use_awaitable);
        completed = true;
      });
  w.world.run_for(std::chrono::microseconds(20));  // the open is done, the write is not
  w.crash();
  w.world.run();
  EXPECT_FALSE(completed);
  w.run([&]() -> asio::awaitable<void> { EXPECT_EQ(co_await slurp(w.storage(), "/f"), "before"); });
}

TEST(StorageDurability, CrashesReplayPerSeed) {
  auto hash = [](std::uint64_t seed) {
    disk_world w{seed};
    w.run([&]() -> asio::awaitable<void> {
      file f = co_await w.storage().async_open("/f", create_rw, asio::use_awaitable);
      for (int i = 0; i < 8; ++i) {
        co_await asio::async_write_at(f, i * 700, asio::buffer(std::string(700, 'a' + i)),
                                      asio::use_awaitable);
      }
    });
    w.crash();
    return w.world.trace_hash();
  };
  EXPECT_EQ(hash(3), hash(3));
  EXPECT_NE(hash(3), hash(4));
}

// --- the runner applies crash semantics at reboots --------------------------------------

namespace {

// Counts its boots in a synced file and publishes what it read at each boot.
struct counting_process : moonpool::sim::Process {
  std::string_view name() const override { return "counter"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    auto disk = ctx.storage();
    int count = 0;
    const std::string text = co_await slurp(disk, "/count");
    if (text != "<missing>") {
      count = std::stoi(text);
    }
    ++count;
    co_await put_durable(disk, "/count", std::to_string(count));
    ctx.state().get_or_create<std::vector<int>>("boots").push_back(count);
    co_await ctx.async_wait_shutdown(asio::use_awaitable);
  }
};

struct idle_workload : moonpool::sim::Workload {
  std::string_view name() const override { return "idle"; }
  asio::awaitable<void> run(moonpool::sim::Context&) override {
    co_await moonpool::sim::sleep(std::chrono::seconds(120));
  }
  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    const auto boots = ctx.state().get<std::vector<int>>("boots").value_or(std::vector<int>{});
    // Boot 2 follows a crash (the synced count survives), boot 3 a wipe
    // (it starts over), boot 4 a graceful reboot.
    if (boots != std::vector<int>{1, 2, 1, 2}) {
      std::string seen;
      for (int b : boots) {
        seen += std::to_string(b) + " ";
      }
      throw std::runtime_error("boots read " + seen);
    }
    co_return;
  }
};

struct reboot_sequence : moonpool::sim::FaultInjector {
  std::string_view name() const override { return "reboots"; }
  asio::awaitable<void> run(moonpool::sim::FaultContext& faults) override {
    using moonpool::sim::reboot_kind;
    for (reboot_kind kind :
         {reboot_kind::crash, reboot_kind::crash_and_wipe, reboot_kind::graceful}) {
      co_await moonpool::sim::sleep(std::chrono::seconds(20));
      faults.reboot(faults.process_ips().front(), kind);
    }
    co_await moonpool::sim::sleep(std::chrono::seconds(20));
  }
};

}  // namespace

TEST(StorageDurability, TheRunnerCrashesWipesAndFlushesTheProcessDisk) {
  bool wipe_hook_ran = false;
  moonpool::sim::SimulationBuilder sim;
  sim.processes(1, [] { return std::make_unique<counting_process>(); })
      .workload([] { return std::make_unique<idle_workload>(); })
      .fault([] { return std::make_unique<reboot_sequence>(); })
      .on_wipe([&](const moonpool::sim::actor_info&) { wipe_hook_ran = true; })
      .storage(storage_config::fast_local())
      .chaos_duration(std::chrono::seconds(100));
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto result = sim.run_seed(seed);
    EXPECT_TRUE(result.ok) << "seed " << seed << ": " << result.error;
  }
  EXPECT_TRUE(wipe_hook_ran);
}
