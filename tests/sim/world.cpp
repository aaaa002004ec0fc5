// The world's drive loop: time, scheduling, hang detection, teardown.

#include "moonpool/sim/world.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <set>

#include "moonpool/sim/errors.hpp"
#include "moonpool/sim/notification.hpp"
#include "moonpool/sim/sleep.hpp"
#include "support/racing_program.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::world;

TEST(World, StartsAtTimeZeroAndRunsToCompletion) {
  world w{7};
  EXPECT_EQ(w.now(), 0ns);
  EXPECT_EQ(w.seed(), 7u);
  w.run();
  EXPECT_EQ(w.events_processed(), 0u);
}

TEST(World, ThousandSimulatedHoursOfSleepAdvanceTimeExactly) {
  world w{8};
  int wakeups = 0;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 1000; ++i) {
          co_await moonpool::sim::sleep(1h);
          ++wakeups;
        }
      },
      asio::detached);
  w.run();
  EXPECT_EQ(wakeups, 1000);
  EXPECT_EQ(w.now(), 1000h);
  EXPECT_EQ(w.events_processed(), 1000u);
}

TEST(World, EventsAtEqualTimeRunInInsertionOrder) {
  world w{9};
  std::vector<int> order;
  for (int i = 0; i < 10; ++i) {
    w.state().schedule_at(5ms, moonpool::sim::trace_kind::event, {0, 0, 0},
                          [&order, i] { order.push_back(i); });
  }
  w.state().schedule_at(1ms, moonpool::sim::trace_kind::event, {0, 0, 0},
                        [&order] { order.push_back(-1); });
  w.run();
  EXPECT_EQ(order, (std::vector<int>{-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(w.now(), 5ms);
}

TEST(World, RunForStopsAtTheRequestedTime) {
  world w{10};
  int fired = 0;
  for (auto at : {1s, 2s, 3s}) {
    w.state().schedule_at(at, moonpool::sim::trace_kind::event, {0, 0, 0}, [&] { ++fired; });
  }
  w.run_for(2s);
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(w.now(), 2s);
  EXPECT_EQ(w.pending_events(), 1u);
  w.run_for(10s);
  EXPECT_EQ(fired, 3);
  EXPECT_EQ(w.now(), 12s);
}

TEST(World, BothInterleavingsOccurAcrossSeeds) {
  // With a plain io_context the racers strictly alternate, every time.
  asio::io_context io;
  auto fifo_log = moonpool::test::start_two_racers(io.get_executor(), 2);
  io.run();
  EXPECT_EQ(*fifo_log, (std::vector<int>{1, 2, 1, 2}));

  std::set<std::vector<int>> seen;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    world w{seed};
    auto log = moonpool::test::start_two_racers(w.get_executor(), 2);
    w.run();
    seen.insert(*log);
  }
  EXPECT_TRUE(seen.contains(std::vector<int>{1, 2, 1, 2}));
  EXPECT_TRUE(seen.contains(std::vector<int>{1, 1, 2, 2}) ||
              seen.contains(std::vector<int>{2, 2, 1, 1}))
      << "a non-alternating schedule must appear within 100 seeds";
}

TEST(World, DeadlockOnChannelWithNoSenderNamesSeedAndTask) {
  using channel = asio::experimental::channel<void(boost::system::error_code, int)>;
  world w{4242};
  channel ch(w.get_executor());
  moonpool::sim::spawn(w.get_executor(), "consumer", [&]() -> asio::awaitable<void> {
    co_await ch.async_receive(asio::use_awaitable);
  }).detach();
  try {
    w.run();
    FAIL() << "run() must throw on a deadlock";
  } catch (const moonpool::sim::deadlock_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.seed(), 4242u);
    EXPECT_NE(message.find("seed 4242"), std::string::npos) << message;
    EXPECT_NE(message.find("'consumer'"), std::string::npos) << message;
  }
}

TEST(World, ADeadlockSaysWhenAHandlerLastRanAndSinceWhenEachTaskWaits) {
  world w{5};
  moonpool::sim::notification never(w.get_executor());
  moonpool::sim::spawn(w.get_executor(), "waiter", [&]() -> asio::awaitable<void> {
    co_await moonpool::sim::sleep(std::chrono::seconds(1));
    co_await never.async_wait(asio::use_awaitable);
  }).detach();
  // Time goes on without any handler running (as chaos timers do), so the
  // deadlock is found at 5 s while the program stopped at 1 s.
  w.state().schedule_at(std::chrono::seconds(5), moonpool::sim::trace_kind::event, {0, 0, 0},
                        [] {});
  try {
    w.run();
    FAIL() << "run() must throw on a deadlock";
  } catch (const moonpool::sim::deadlock_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("at simulated time 5.000000000 s (no handler has run since "
                           "1.000000000 s)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("task 'waiter' (id 1) waiting on a notification (e.g. the shutdown "
                           "signal) since 1.000000000 s"),
              std::string::npos)
        << message;
  }
}

TEST(World, DeadlockOfDetachedCoSpawnIsDetected) {
  using channel = asio::experimental::channel<void(boost::system::error_code, int)>;
  world w{17};
  channel ch(w.get_executor());
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> { co_await ch.async_receive(asio::use_awaitable); },
      asio::detached);
  EXPECT_THROW(w.run(), moonpool::sim::deadlock_error);
}

TEST(World, LivelockIsDetectedWithSeedAndTask) {
  world w{99, moonpool::sim::world_options{.livelock_poll_bound = 10'000}};
  moonpool::sim::spawn(w.get_executor(), "spinner", []() -> asio::awaitable<void> {
    for (;;) {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
  }).detach();
  try {
    w.run();
    FAIL() << "run() must throw on a livelock";
  } catch (const moonpool::sim::livelock_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("seed 99"), std::string::npos) << message;
    EXPECT_NE(message.find("'spinner'"), std::string::npos) << message;
  }
}

TEST(World, AHandlerThatNeverReturnsEndsTheProcessNamingTheSeedAndTask) {
  // After a cancellation every co_await in the coroutine throws at once,
  // without suspending: this loop never leaves its handler, so only the
  // wall-clock watchdog can end it.
  auto spin = [] {
    world w{98, moonpool::sim::world_options{.handler_wall_limit = std::chrono::seconds(1)}};
    auto task = moonpool::sim::spawn(w.get_executor(), "stubborn", []() -> asio::awaitable<void> {
      for (;;) {
        try {
          co_await moonpool::sim::sleep(std::chrono::seconds(1));
        } catch (...) {
          // "just retry"
        }
      }
    });
    w.run_for(std::chrono::milliseconds(10));
    task.abort();
    w.run();
  };
  EXPECT_EXIT(spin(), ::testing::ExitedWithCode(1),
              "seed 98 is stuck in one handler that has not returned for 1 s of wall time .* in "
              "task 'stubborn'.*--seed 98");
}

TEST(World, ACrashInsideASimulationNamesItsSeed) {
  auto crash = [] {
    world w{97};
    moonpool::sim::spawn(w.get_executor(), "faulty", []() -> asio::awaitable<void> {
      std::abort();
      co_return;
    }).detach();
    w.run();
  };
  EXPECT_DEATH(crash(), "seed 97 crashed with signal 6 .* in task 'faulty'.*--seed 97");
}

TEST(World, ExitInsideASimulationFailsNamingItsSeed) {
  auto leave = [] {
    world w{96};
    moonpool::sim::spawn(w.get_executor(), "quitter", []() -> asio::awaitable<void> {
      std::exit(0);
      co_return;
    }).detach();
    w.run();
  };
  EXPECT_EXIT(leave(), ::testing::ExitedWithCode(1),
              "seed 96 called exit\\(\\) inside the simulation .* in task 'quitter'.*--seed 96");
}

TEST(World, LivelockDefaultBoundIsOneMillionPolls) {
  EXPECT_EQ(moonpool::sim::world_options{}.livelock_poll_bound, 1'000'000u);
}

namespace {

struct destruction_counter {
  int* count;
  ~destruction_counter() { ++*count; }
};

}  // namespace

TEST(World, DestroyingTheWorldDestroysFramesWithoutResumingThem) {
  int destroyed = 0;
  int resumed = 0;
  {
    world w{11};
    for (int i = 0; i < 3; ++i) {
      moonpool::sim::spawn(w.get_executor(), "sleeper-" + std::to_string(i),
                           [&]() -> asio::awaitable<void> {
                             destruction_counter guard{&destroyed};
                             co_await moonpool::sim::sleep(1h);
                             ++resumed;
                           })
          .detach();
    }
    w.run_for(1min);
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 3);
  EXPECT_EQ(resumed, 0);
}

TEST(World, HandlersPostedFromAnotherThreadAbortWithAClearMessage) {
  EXPECT_DEATH(
      {
        world w{12};
        std::thread t([&] { asio::post(w.get_executor(), [] {}); });
        t.join();
      },
      "another thread");
}
