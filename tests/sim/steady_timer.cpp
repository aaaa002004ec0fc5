#include "moonpool/sim/steady_timer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "moonpool/sim/detail/world_state.hpp"
#include "moonpool/sim/host.hpp"
#include "moonpool/sim/task.hpp"
#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using moonpool::sim::steady_timer;
using moonpool::sim::world;

TEST(SteadyTimer, CallbackCompletesAtExpiryNotInsideAsyncWait) {
  world w{1};
  steady_timer t(w.get_executor());
  t.expires_after(250ms);
  std::optional<error_code> result;
  std::chrono::nanoseconds at{};
  t.async_wait([&](error_code ec) {
    result = ec;
    at = w.now();
  });
  EXPECT_FALSE(result.has_value());
  w.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result);
  EXPECT_EQ(at, 250ms);
}

TEST(SteadyTimer, AnAlreadyExpiredTimerStillCompletesThroughTheQueue) {
  world w{2};
  steady_timer t(w.get_executor(), steady_timer::time_point{});
  bool done = false;
  t.async_wait([&](error_code ec) { done = !ec; });
  EXPECT_FALSE(done);
  w.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(w.now(), 0ns);
}

TEST(SteadyTimer, CancelAbortsEveryPendingWaitAndLeavesNothingScheduled) {
  world w{3};
  steady_timer t(w.get_executor(), 1h);
  std::vector<error_code> results;
  for (int i = 0; i < 3; ++i) {
    t.async_wait([&](error_code ec) { results.push_back(ec); });
  }
  EXPECT_EQ(w.pending_events(), 3u);
  EXPECT_EQ(t.cancel(), 3u);
  EXPECT_EQ(w.pending_events(), 0u);
  w.run();
  ASSERT_EQ(results.size(), 3u);
  for (auto ec : results) {
    EXPECT_EQ(ec, asio::error::operation_aborted);
  }
  EXPECT_EQ(w.now(), 0ns) << "cancelled waits must not advance time";
}

TEST(SteadyTimer, CancelOneAbortsTheOldestWait) {
  world w{4};
  steady_timer t(w.get_executor(), 1s);
  std::vector<std::pair<int, error_code>> results;
  for (int i = 0; i < 2; ++i) {
    t.async_wait([&results, i](error_code ec) { results.emplace_back(i, ec); });
  }
  EXPECT_EQ(t.cancel_one(), 1u);
  w.run();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0], std::make_pair(0, error_code(asio::error::operation_aborted)));
  EXPECT_EQ(results[1], std::make_pair(1, error_code()));
}

TEST(SteadyTimer, ExpiresAfterCancelsPendingWaits) {
  world w{5};
  steady_timer t(w.get_executor(), 10s);
  error_code first;
  t.async_wait([&](error_code ec) { first = ec; });
  EXPECT_EQ(t.expires_after(1s), 1u);
  EXPECT_EQ(t.expiry().time_since_epoch(), 1s);
  w.run();
  EXPECT_EQ(first, asio::error::operation_aborted);
}

TEST(SteadyTimer, PerOperationCancellationSlot) {
  world w{6};
  steady_timer t(w.get_executor(), 1h);
  asio::cancellation_signal signal;
  error_code result;
  t.async_wait(asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { result = ec; }));
  w.poll();
  signal.emit(asio::cancellation_type::terminal);
  w.run();
  EXPECT_EQ(result, asio::error::operation_aborted);
  EXPECT_EQ(w.now(), 0ns);
  // The slot's handler is a no-op once the wait is over.
  signal.emit(asio::cancellation_type::terminal);
  EXPECT_EQ(t.cancel(), 0u);
}

TEST(SteadyTimer, LosingBranchOfOrIsAbortedAndNothingStaysScheduled) {
  world w{7};
  bool checked = false;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        steady_timer a(ex, 10ms);
        steady_timer b(ex, 20ms);
        auto [order, ec_a, ec_b] =
            co_await asio::experimental::make_parallel_group(a.async_wait(asio::deferred),
                                                             b.async_wait(asio::deferred))
                .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
        EXPECT_EQ(order[0], 0u);
        EXPECT_FALSE(ec_a);
        EXPECT_EQ(ec_b, asio::error::operation_aborted);
        EXPECT_EQ(w.pending_events(), 0u);

        using namespace asio::experimental::awaitable_operators;
        steady_timer c(ex, 5ms);
        steady_timer d(ex, 50ms);
        auto winner =
            co_await (c.async_wait(asio::use_awaitable) || d.async_wait(asio::use_awaitable));
        EXPECT_EQ(winner.index(), 0u);
        EXPECT_EQ(w.pending_events(), 0u);
        checked = true;
      },
      asio::detached);
  w.run();
  EXPECT_TRUE(checked);
  EXPECT_EQ(w.now(), 15ms) << "the losers' expiries never happened";
}

TEST(SteadyTimer, DeferredAndAsTupleTokens) {
  world w{8};
  steady_timer t(w.get_executor(), 3ms);
  auto op = t.async_wait(asio::deferred);
  bool done = false;
  std::move(op)(asio::as_tuple([&](std::tuple<error_code> r) { done = !std::get<0>(r); }));
  w.run();
  EXPECT_TRUE(done);
}

TEST(SteadyTimer, DestroyingATimerAbortsItsWaits) {
  world w{9};
  error_code result;
  {
    steady_timer t(w.get_executor(), 1h);
    t.async_wait([&](error_code ec) { result = ec; });
  }
  w.run();
  EXPECT_EQ(result, asio::error::operation_aborted);
  EXPECT_EQ(w.now(), 0ns);
}

TEST(SteadyTimer, MoveKeepsPendingWaits) {
  world w{10};
  error_code result = asio::error::would_block;
  steady_timer a(w.get_executor(), 1s);
  a.async_wait([&](error_code ec) { result = ec; });
  steady_timer b(std::move(a));
  w.run();
  EXPECT_FALSE(result);
  EXPECT_EQ(w.now(), 1s);
}

TEST(SteadyTimer, RejectsAnExecutorFromAnotherContext) {
  asio::io_context io;
  try {
    steady_timer t(io.get_executor());
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("moonpool::sim::steady_timer needs an executor"),
              std::string::npos)
        << e.what();
  }
}

namespace {
asio::awaitable<void> sleep_long() {
  steady_timer own(co_await asio::this_coro::executor, 10s);
  co_await own.async_wait(asio::use_awaitable);
}
}  // namespace

TEST(SteadyTimer, AKilledHostsTimersLeaveNoEventBehind) {
  // A kill destroys the host's parked waits first, and with them the frames
  // that own the timers; the timers' events must go too, or they would fire
  // into freed timers.
  world w{1};
  auto host = w.add_host("10.0.0.1");
  moonpool::sim::spawn(host.get_executor(), "sleeper", sleep_long()).detach();
  w.poll();
  EXPECT_EQ(w.pending_events(), 1u);
  w.state().destroy_host_work(host.record());
  EXPECT_EQ(w.pending_events(), 0u) << "the dead sleeper's timer event is still queued";
  w.run();
}
