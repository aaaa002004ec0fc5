// One test per storage fault: it fires when enabled, never when disabled,
// and the same seed gives the same result (and trace hash).

#include "moonpool/sim/storage/storage_faults.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/write_at.hpp>
#include <functional>
#include <string>
#include <vector>

#include "storage/support/disk_world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using moonpool::sim::file;
using moonpool::sim::open_options;
using moonpool::sim::storage_config;
using moonpool::sim::storage_fault_counts;
using moonpool::sim::sync_kind;
using moonpool::test::disk_world;
using moonpool::test::put_durable;
using moonpool::test::slurp;

namespace {

constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);

struct outcome {
  std::string observed;
  storage_fault_counts faults;
  std::string trace_hash;
};

using scenario = std::function<asio::awaitable<std::string>(disk_world&)>;

outcome run(std::uint64_t seed, const storage_config& config, const scenario& body,
            bool crash_between = false) {
  disk_world w{seed, storage_config::fast_local()};
  outcome result;
  w.run([&]() -> asio::awaitable<void> {
    co_await put_durable(w.storage(), "/base", std::string(8192, '.'));
    w.world.set_storage_config(config);  // faults start after the setup
    result.observed = co_await body(w);
  });
  if (crash_between) {
    w.crash();
    w.world.set_storage_config(storage_config::fast_local());
    w.run([&]() -> asio::awaitable<void> { result.observed = co_await slurp(w.storage(), "/f"); });
  }
  result.faults = w.world.storage_faults();
  result.trace_hash = w.world.trace_hash();
  return result;
}

// The three checks every fault test makes; returns the enabled outcome.
outcome check_fault(storage_config enabled, const scenario& body,
                    std::uint64_t storage_fault_counts::*counter, bool crash_between = false) {
  const outcome on = run(7, enabled, body, crash_between);
  EXPECT_GT(on.faults.*counter, 0U) << "the fault never fired";
  const outcome again = run(7, enabled, body, crash_between);
  EXPECT_EQ(again.observed, on.observed) << "same seed, different result";
  EXPECT_EQ(again.trace_hash, on.trace_hash);
  EXPECT_EQ(again.faults, on.faults);
  storage_config disabled = storage_config::fast_local();
  disabled.crash_unsynced_survival_probability = enabled.crash_unsynced_survival_probability;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const outcome off = run(seed, disabled, body, crash_between);
    EXPECT_EQ(off.faults.total_faults(), 0U) << "seed " << seed;
  }
  return on;
}

storage_config with(double storage_config::*field) {
  storage_config config = storage_config::fast_local();
  config.*field = 1.0;
  return config;
}

// Writes `content` at 0 of /f (created) and reads it back.
asio::awaitable<std::string> write_then_read(disk_world& w, std::string content) {
  file f = co_await w.storage().async_open("/f", open_options::read_write | open_options::create,
                                           asio::use_awaitable);
  co_await asio::async_write_at(f, 0, asio::buffer(content), asio::use_awaitable);
  std::string back(f.size(), '\0');
  co_await asio::async_read_at(f, 0, asio::buffer(back), asio::use_awaitable);
  co_return back;
}

int differing_bits(const std::string& a, const std::string& b) {
  int bits = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    bits += __builtin_popcount(static_cast<unsigned char>(a[i] ^ b[i]));
  }
  return bits;
}

}  // namespace

TEST(StorageFaults, ReadCorruptionFlipsOneBitOfWhatIsRead) {
  const std::string data(4096, 'a');
  const outcome on = check_fault(
      with(&storage_config::read_corruption_probability),
      [&](disk_world& w) { return write_then_read(w, data); },
      &storage_fault_counts::read_corruptions);
  EXPECT_EQ(differing_bits(on.observed, data), 1);
  const outcome off =
      run(7, storage_config::fast_local(), [&](disk_world& w) { return write_then_read(w, data); });
  EXPECT_EQ(off.observed, data);
}

TEST(StorageFaults, WriteCorruptionStoresOneFlippedBit) {
  const std::string data(4096, 'w');
  const outcome on = check_fault(
      with(&storage_config::write_corruption_probability),
      [&](disk_world& w) { return write_then_read(w, data); },
      &storage_fault_counts::write_corruptions);
  EXPECT_EQ(differing_bits(on.observed, data), 1);
}

TEST(StorageFaults, PhantomWritesAreAcknowledgedAndNeverStored) {
  const outcome on = check_fault(
      with(&storage_config::phantom_write_probability),
      [&](disk_world& w) { return write_then_read(w, "ghost"); },
      &storage_fault_counts::phantom_writes);
  EXPECT_EQ(on.observed, "");  // the write "succeeded"; the file stayed empty
}

TEST(StorageFaults, MisdirectedWritesLandElsewhere) {
  const scenario body = [](disk_world& w) -> asio::awaitable<std::string> {
    file f =
        co_await w.storage().async_open("/base", open_options::read_write, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string(512, 'M')), asio::use_awaitable);
    co_return co_await slurp(w.storage(), "/base");
  };
  const outcome on = check_fault(with(&storage_config::misdirected_write_probability), body,
                                 &storage_fault_counts::misdirected_writes);
  EXPECT_EQ(on.observed.substr(0, 512), std::string(512, '.'));  // the intended place is old
  EXPECT_NE(on.observed.find(std::string(512, 'M')), std::string::npos);  // it went elsewhere
  EXPECT_EQ(on.observed.size(), 8192U);
}

TEST(StorageFaults, MisdirectedReadsReturnAnotherPlace) {
  const scenario body = [](disk_world& w) -> asio::awaitable<std::string> {
    std::string sectors;
    for (char c = 'A'; c < 'A' + 16; ++c) {
      sectors += std::string(512, c);
    }
    co_await put_durable(w.storage(), "/f", sectors);
    file f = co_await w.storage().async_open("/f", open_options::read, asio::use_awaitable);
    std::string first(512, '\0');
    co_await asio::async_read_at(f, 0, asio::buffer(first), asio::use_awaitable);
    co_return first;
  };
  const outcome on = check_fault(with(&storage_config::misdirected_read_probability), body,
                                 &storage_fault_counts::misdirected_reads);
  EXPECT_NE(on.observed, std::string(512, 'A'));
  EXPECT_EQ(on.observed, std::string(512, on.observed[0]));  // a whole other sector
}

TEST(StorageFaults, SyncFailuresReportIoErrorAndMakeNothingDurable) {
  const scenario body = [](disk_world& w) -> asio::awaitable<std::string> {
    file f = co_await w.storage().async_open("/base", open_options::write, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("X")), asio::use_awaitable);
    auto [ec] = co_await f.async_sync(sync_kind::data, awaitable_tuple);
    co_return ec.message();
  };
  storage_config config = with(&storage_config::sync_failure_probability);
  config.crash_unsynced_survival_probability = 0.0;
  const outcome on = check_fault(config, body, &storage_fault_counts::sync_failures,
                                 /*crash_between=*/false);
  EXPECT_EQ(on.observed, std::make_error_code(std::errc::io_error).message());
  // Nothing became durable: with survival 0 a crash loses the write.
  const scenario then_crash = [&](disk_world& w) -> asio::awaitable<std::string> {
    co_await body(w);
    co_return "";
  };
  disk_world w{7, storage_config::fast_local()};
  w.run([&]() -> asio::awaitable<void> {
    co_await put_durable(w.storage(), "/base", std::string(8192, '.'));
    w.world.set_storage_config(config);
    co_await then_crash(w);
  });
  w.crash();
  w.world.set_storage_config(storage_config::fast_local());
  w.run([&]() -> asio::awaitable<void> {
    EXPECT_EQ(co_await slurp(w.storage(), "/base"), std::string(8192, '.'));
  });
}

TEST(StorageFaults, DiskFullAgainstACapacityAndInjected) {
  // Capacity: a short write, then no_space_on_device.
  storage_config small = storage_config::fast_local();
  small.capacity_bytes = 8192 + 1000;  // /base holds 8192
  const scenario fill = [](disk_world& w) -> asio::awaitable<std::string> {
    file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                             asio::use_awaitable);
    const std::string block(1500, 'z');
    const std::size_t first =
        co_await f.async_write_some_at(0, asio::buffer(block), asio::use_awaitable);
    auto [ec, second] = co_await f.async_write_some_at(first, asio::buffer(block), awaitable_tuple);
    co_return std::to_string(first) + " " + ec.message();
  };
  const outcome full = run(1, small, fill);
  EXPECT_EQ(full.observed, "1000 " + std::make_error_code(std::errc::no_space_on_device).message());
  EXPECT_EQ(full.faults.no_space, 1U);
  // Injected: fails although there is room.
  const scenario one = [](disk_world& w) -> asio::awaitable<std::string> {
    file f = co_await w.storage().async_open("/f", open_options::write | open_options::create,
                                             asio::use_awaitable);
    auto [ec, n] =
        co_await f.async_write_some_at(0, asio::buffer(std::string("x")), awaitable_tuple);
    co_return ec.message();
  };
  const outcome injected = check_fault(with(&storage_config::no_space_probability), one,
                                       &storage_fault_counts::no_space);
  EXPECT_EQ(injected.observed, std::make_error_code(std::errc::no_space_on_device).message());
}

TEST(StorageFaults, HungOperationsNeverCompleteUntilCancelled) {
  using namespace asio::experimental::awaitable_operators;
  const scenario body = [](disk_world& w) -> asio::awaitable<std::string> {
    // The open must not hang: the fault applies from the write on.
    const storage_config faults = w.world.current_storage_config();
    w.world.set_storage_config(storage_config::fast_local());
    file f = co_await w.storage().async_open("/base", open_options::write, asio::use_awaitable);
    w.world.set_storage_config(faults);
    auto raced =
        co_await (f.async_write_some_at(0, asio::buffer(std::string("x")), asio::use_awaitable) ||
                  moonpool::sim::sleep(1h));
    co_return raced.index() == 1 ? "timed out" : "completed";
  };
  const outcome on =
      check_fault(with(&storage_config::hang_probability), body, &storage_fault_counts::hangs);
  EXPECT_EQ(on.observed, "timed out");
  EXPECT_EQ(run(7, storage_config::fast_local(), body).observed, "completed");
}

// Without a timeout a hung operation stops the seed: the deadlock report
// names the operation, its file and the fault, so that the fix is clear.
TEST(StorageFaults, AHungOperationWithoutATimeoutIsADeadlockThatNamesIt) {
  struct hung_case {
    std::string expected;
    std::function<asio::awaitable<void>(file&)> op;
  };
  const std::vector<hung_case> cases = {
      {"a file write to /base that the storage hang fault stopped",
       [](file& f) -> asio::awaitable<void> {
         co_await f.async_write_some_at(0, asio::buffer(std::string("x")), asio::use_awaitable);
       }},
      {"a file read of /base that the storage hang fault stopped",
       [](file& f) -> asio::awaitable<void> {
         char byte = 0;
         co_await f.async_read_some_at(0, asio::buffer(&byte, 1), asio::use_awaitable);
       }},
      {"a file sync of /base that the storage hang fault stopped",
       [](file& f) -> asio::awaitable<void> {
         co_await f.async_sync(sync_kind::data, asio::use_awaitable);
       }},
  };
  for (const hung_case& c : cases) {
    disk_world w{3};
    moonpool::sim::spawn(w.host.get_executor(), "writer", [&]() -> asio::awaitable<void> {
      co_await put_durable(w.storage(), "/base", "content");
      file f = co_await w.storage().async_open("/base", open_options::read | open_options::write,
                                               asio::use_awaitable);
      w.world.set_storage_config(with(&storage_config::hang_probability));
      co_await c.op(f);
    }).detach();
    try {
      w.world.run();
      ADD_FAILURE() << "a hung operation must end the run with a deadlock: " << c.expected;
    } catch (const moonpool::sim::deadlock_error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("task 'writer' (id 2) on 10.0.1.1 waiting on " + c.expected),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("bound the operation with a timeout"), std::string::npos) << message;
    }
  }
}

TEST(StorageFaults, TornWritesKeepSomeSectorsOfAnUnsyncedWrite) {
  const scenario body = [](disk_world& w) -> asio::awaitable<std::string> {
    co_await put_durable(w.storage(), "/f", std::string(8 * 512, '0'));
    file f = co_await w.storage().async_open("/f", open_options::write, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string(8 * 512, '1')),
                                  asio::use_awaitable);
    co_return "";
  };
  storage_config config = with(&storage_config::torn_write_probability);
  const outcome on = check_fault(config, body, &storage_fault_counts::torn_writes,
                                 /*crash_between=*/true);
  ASSERT_EQ(on.observed.size(), 8U * 512);
  // Each sector is whole: all old or all new.
  for (std::size_t s = 0; s < 8; ++s) {
    const std::string sector = on.observed.substr(s * 512, 512);
    EXPECT_TRUE(sector == std::string(512, '0') || sector == std::string(512, '1')) << s;
  }
}
