// The world's executor against Asio's executor requirements and algorithms.

#include "moonpool/sim/executor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "moonpool/sim/sleep.hpp"
#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::world;

static_assert(asio::execution::executor<moonpool::sim::executor>);
static_assert(std::is_nothrow_copy_constructible_v<moonpool::sim::executor>);

TEST(Executor, PostDispatchDeferAllRunInTheWorld) {
  world w{1};
  std::vector<std::string> ran;
  asio::post(w.get_executor(), [&] { ran.push_back("post"); });
  asio::dispatch(w.get_executor(), [&] { ran.push_back("dispatch"); });
  asio::defer(w.get_executor(), [&] { ran.push_back("defer"); });
  EXPECT_TRUE(ran.empty()) << "nothing may run inside the initiating call";
  w.run();
  std::sort(ran.begin(), ran.end());
  EXPECT_EQ(ran, (std::vector<std::string>{"defer", "dispatch", "post"}));
}

TEST(Executor, WorksThroughAnyIoExecutor) {
  world w{2};
  asio::any_io_executor any = w.get_executor();
  int count = 0;
  asio::post(any, [&] { ++count; });
  w.run();
  EXPECT_EQ(count, 1);
  EXPECT_NE(any.target<moonpool::sim::executor>(), nullptr);
}

TEST(Executor, BindExecutorRoutesCompletionsToTheWorld) {
  world w{3};
  asio::io_context other;
  bool ran_in_world = false;
  asio::post(other.get_executor(),
             asio::bind_executor(w.get_executor(), [&] { ran_in_world = true; }));
  other.run();
  EXPECT_FALSE(ran_in_world) << "the bound handler must wait for the world";
  w.run();
  EXPECT_TRUE(ran_in_world);
}

TEST(Executor, StrandKeepsFifoOrderUnderRandomScheduling) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    world w{seed};
    auto strand = asio::make_strand(w.get_executor());
    std::vector<int> order;
    std::vector<int> unordered;
    for (int i = 0; i < 50; ++i) {
      asio::post(strand, [&order, i] { order.push_back(i); });
      asio::post(w.get_executor(), [&unordered, i] { unordered.push_back(i); });
    }
    w.run();
    ASSERT_EQ(order.size(), 50u);
    for (int i = 0; i < 50; ++i) {
      ASSERT_EQ(order[i], i) << "seed " << seed;
    }
    EXPECT_EQ(unordered.size(), 50u);
  }
}

TEST(Executor, AwaitableOperatorsAndParallelGroup) {
  using namespace asio::experimental::awaitable_operators;
  world w{4};
  bool done = false;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        // &&: both run, the longer one decides when it finishes.
        co_await (moonpool::sim::sleep(10ms) && moonpool::sim::sleep(30ms));
        EXPECT_EQ(w.now(), 30ms);
        // ||: the shorter one wins.
        auto winner = co_await (moonpool::sim::sleep(5ms) || moonpool::sim::sleep(50ms));
        EXPECT_EQ(winner.index(), 0u);
        EXPECT_EQ(w.now(), 35ms);

        moonpool::sim::steady_timer a(co_await asio::this_coro::executor, 7ms);
        moonpool::sim::steady_timer b(co_await asio::this_coro::executor, 3ms);
        auto [order, ec_a, ec_b] =
            co_await asio::experimental::make_parallel_group(a.async_wait(asio::deferred),
                                                             b.async_wait(asio::deferred))
                .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        EXPECT_EQ(order[0], 1u) << "b expires first";
        EXPECT_FALSE(ec_a);
        EXPECT_FALSE(ec_b);
        EXPECT_EQ(w.now(), 42ms);
        done = true;
      },
      asio::detached);
  w.run();
  EXPECT_TRUE(done);
}

TEST(Executor, EqualityFollowsWorldAndTask) {
  world a{5};
  world b{5};
  EXPECT_EQ(a.get_executor(), a.get_executor());
  EXPECT_NE(a.get_executor(), b.get_executor());
}

TEST(Executor, OutstandingWorkIsTrackedOnlyWhenRequired) {
  world w{6};
  auto untracked = w.get_executor();
  EXPECT_EQ(asio::query(untracked, asio::execution::outstanding_work),
            asio::execution::outstanding_work.untracked);
  auto tracked = asio::prefer(untracked, asio::execution::outstanding_work.tracked);
  EXPECT_EQ(asio::query(tracked, asio::execution::outstanding_work),
            asio::execution::outstanding_work.tracked);
}
