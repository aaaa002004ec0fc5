// with_timeout and retry: results instead of exceptions, on simulated time.

#include "moonpool/sim/retry.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>

#include "moonpool/sim/task.hpp"
#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::backoff;
using moonpool::sim::world;

namespace {

// Completes with `value` after `delay`, or fails with `error` when set.
asio::awaitable<int> slow(std::chrono::nanoseconds delay, int value,
                          boost::system::error_code error = {}) {
  co_await moonpool::sim::sleep(delay);
  if (error) {
    throw boost::system::system_error(error);
  }
  co_return value;
}

template <class Body>
void run(world& w, Body body) {
  auto task = moonpool::sim::spawn(w.get_executor(), "test", std::move(body));
  w.run();
  task.get();
}

}  // namespace

TEST(WithTimeout, ReturnsTheValueOrTimedOutAtTheDeadline) {
  world w{1};
  run(w, [&]() -> asio::awaitable<void> {
    auto fast = co_await moonpool::sim::with_timeout(2s, slow(1s, 7));
    EXPECT_TRUE(fast);
    EXPECT_EQ(fast.value, 7);
    EXPECT_EQ(w.now(), 1s);
    auto late = co_await moonpool::sim::with_timeout(2s, slow(5s, 7));
    EXPECT_FALSE(late);
    EXPECT_EQ(late.error, asio::error::timed_out);
    EXPECT_FALSE(late.value.has_value());
    EXPECT_EQ(w.now(), 3s);
    auto failed = co_await moonpool::sim::with_timeout(2s, slow(1s, 7, asio::error::eof));
    EXPECT_EQ(failed.error, asio::error::eof);
    auto unbounded = co_await moonpool::sim::with_timeout(0ns, slow(1h, 9));
    EXPECT_EQ(unbounded.value, 9);
  });
}

TEST(Retry, BacksOffExponentiallyAndStopsAtTheFirstSuccess) {
  world w{1};
  run(w, [&]() -> asio::awaitable<void> {
    int calls = 0;
    auto result = co_await moonpool::sim::retry(
        backoff{.attempts = 5, .first_delay = 100ms, .max_delay = 250ms}, [&]() {
          ++calls;
          return slow(10ms, calls,
                      calls < 4 ? asio::error::connection_reset : boost::system::error_code{});
        });
    EXPECT_TRUE(result);
    EXPECT_EQ(result.attempts, 4U);
    EXPECT_EQ(result.value, 4);
    // Four attempts of 10 ms, waits of 100, 200 and 250 (capped) ms.
    EXPECT_EQ(w.now(), 40ms + 100ms + 200ms + 250ms);
  });
}

TEST(Retry, GivesUpWithTheLastErrorAndHonoursShouldRetry) {
  world w{1};
  run(w, [&]() -> asio::awaitable<void> {
    auto exhausted = co_await moonpool::sim::retry(
        backoff{.attempts = 3, .first_delay = 1s, .per_attempt = 100ms},
        [&] { return slow(1h, 0); });
    EXPECT_EQ(exhausted.error, asio::error::timed_out);
    EXPECT_EQ(exhausted.attempts, 3U);
    EXPECT_EQ(w.now(), 300ms + 1s + 2s);
    auto refused = co_await moonpool::sim::retry(
        backoff{.attempts = 9}, [&] { return slow(1ms, 0, asio::error::access_denied); },
        [](const boost::system::error_code& e) { return e != asio::error::access_denied; });
    EXPECT_EQ(refused.attempts, 1U);
  });
}

TEST(Retry, JitterIsDrawnFromTheGivenStream) {
  auto total_wait = [](std::uint64_t seed) {
    world w{seed};
    moonpool::sim::random_stream stream(seed);
    run(w, [&]() -> asio::awaitable<void> {
      static_cast<void>(co_await moonpool::sim::retry(
          backoff{.attempts = 4, .first_delay = 1s, .jitter = &stream},
          [&] { return slow(0ns, 0, asio::error::eof); }));
    });
    return w.now();
  };
  EXPECT_EQ(total_wait(3), total_wait(3));
  EXPECT_NE(total_wait(3), total_wait(4));
  EXPECT_GE(total_wait(3), 500ms + 1s + 2s);
  EXPECT_LE(total_wait(3), 1s + 2s + 4s);
}

TEST(Join, AJoinHandleJoinsAsACoroutine) {
  world w{1};
  run(w, [&]() -> asio::awaitable<void> {
    auto h = moonpool::sim::spawn(w.get_executor(), "worker", slow(1s, 5));
    EXPECT_EQ(co_await h.join(), 5);
  });
}
