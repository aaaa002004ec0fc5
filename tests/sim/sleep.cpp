#include "moonpool/sim/sleep.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::world;

TEST(Sleep, ConcurrentSleepsWakeInTimeOrder) {
  world w{1};
  std::vector<int> woke;
  for (int i : {3, 1, 2}) {
    asio::co_spawn(
        w.get_executor(),
        [&woke, i]() -> asio::awaitable<void> {
          co_await moonpool::sim::sleep(std::chrono::seconds(i));
          woke.push_back(i);
        },
        asio::detached);
  }
  w.run();
  EXPECT_EQ(woke, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(w.now(), 3s);
}

TEST(Sleep, ZeroSleepStillTakesAStep) {
  world w{2};
  asio::co_spawn(
      w.get_executor(), []() -> asio::awaitable<void> { co_await moonpool::sim::sleep(0ns); },
      asio::detached);
  w.run();
  EXPECT_EQ(w.events_processed(), 1u);
}

TEST(Sleep, SleepUntilAnAbsoluteTime) {
  world w{3};
  asio::co_spawn(
      w.get_executor(),
      []() -> asio::awaitable<void> {
        co_await moonpool::sim::sleep_until(moonpool::sim::clock::time_point(42s));
      },
      asio::detached);
  w.run();
  EXPECT_EQ(w.now(), 42s);
}

TEST(Timeout, ReturnsTheValueWhenTheOperationWins) {
  world w{4};
  int value = 0;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        value = co_await moonpool::sim::timeout(1s, []() -> asio::awaitable<int> {
          co_await moonpool::sim::sleep(100ms);
          co_return 7;
        }());
      },
      asio::detached);
  w.run();
  EXPECT_EQ(value, 7);
  EXPECT_EQ(w.now(), 100ms);
  EXPECT_EQ(w.pending_events(), 0u);
}

TEST(Timeout, ThrowsTimedOutAndCancelsTheOperation) {
  world w{5};
  boost::system::error_code caught;
  bool operation_finished = false;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        try {
          co_await moonpool::sim::timeout(1s, [&]() -> asio::awaitable<void> {
            co_await moonpool::sim::sleep(1h);
            operation_finished = true;
          }());
        } catch (const boost::system::system_error& e) {
          caught = e.code();
        }
      },
      asio::detached);
  w.run();
  EXPECT_EQ(caught, asio::error::timed_out);
  EXPECT_FALSE(operation_finished);
  EXPECT_EQ(w.now(), 1s);
}

TEST(Timeout, RethrowsTheOperationsOwnException) {
  world w{6};
  std::string caught;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        try {
          co_await moonpool::sim::timeout(1s, []() -> asio::awaitable<void> {
            co_await moonpool::sim::sleep(10ms);
            throw std::runtime_error("refused");
          }());
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  w.run();
  EXPECT_EQ(caught, "refused") << "not multiple_exceptions";
  EXPECT_EQ(w.now(), 10ms);
  EXPECT_EQ(w.pending_events(), 0u);
}
