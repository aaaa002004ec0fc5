#include "moonpool/sim/task.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "moonpool/sim/sleep.hpp"
#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::join_status;
using moonpool::sim::world;

namespace {

asio::awaitable<int> answer_after(std::chrono::nanoseconds delay) {
  co_await moonpool::sim::sleep(delay);
  co_return 42;
}

asio::awaitable<int> fail_after(std::chrono::nanoseconds delay) {
  co_await moonpool::sim::sleep(delay);
  throw std::runtime_error("boom");
}

}  // namespace

TEST(Task, JoinReturnsTheValue) {
  world w{1};
  auto handle = moonpool::sim::spawn(w.get_executor(), "answer", answer_after(1s));
  EXPECT_EQ(handle.name(), "answer");
  EXPECT_EQ(handle.status(), join_status::running);
  int joined = 0;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> { joined = co_await handle.async_join(asio::use_awaitable); },
      asio::detached);
  w.run();
  EXPECT_EQ(joined, 42);
  EXPECT_EQ(handle.status(), join_status::finished);
}

TEST(Task, JoiningAFinishedTaskStillCompletesAsynchronously) {
  world w{2};
  auto handle = moonpool::sim::spawn(w.get_executor(), "quick", answer_after(0ns));
  w.run();
  ASSERT_TRUE(handle.done());
  int joined = 0;
  handle.async_join([&](std::exception_ptr e, int v) {
    EXPECT_FALSE(e);
    joined = v;
  });
  EXPECT_EQ(joined, 0);
  w.run();
  EXPECT_EQ(joined, 42);
}

TEST(Task, AnExceptionStaysInItsTask) {
  world w{3};
  auto bad = moonpool::sim::spawn(w.get_executor(), "bad", fail_after(1s));
  auto good = moonpool::sim::spawn(w.get_executor(), "good", answer_after(2s));
  w.run();
  EXPECT_EQ(bad.status(), join_status::failed);
  EXPECT_THROW(bad.get(), std::runtime_error);
  EXPECT_EQ(good.status(), join_status::finished);
  EXPECT_EQ(good.get(), 42);
}

TEST(Task, JoinRethrowsTheTasksException) {
  world w{4};
  auto bad = moonpool::sim::spawn(w.get_executor(), "bad", fail_after(1s));
  std::string caught;
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        try {
          co_await bad.async_join(asio::use_awaitable);
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  w.run();
  EXPECT_EQ(caught, "boom");
}

TEST(Task, AbortCancelsARunningTask) {
  world w{5};
  bool resumed = false;
  auto sleeper = moonpool::sim::spawn(w.get_executor(), "sleeper", [&]() -> asio::awaitable<void> {
    co_await moonpool::sim::sleep(1h);
    resumed = true;
  });
  w.run_for(1s);
  sleeper.abort();
  w.run();
  EXPECT_EQ(sleeper.status(), join_status::cancelled);
  EXPECT_FALSE(resumed);
  EXPECT_EQ(w.now(), 1s) << "the aborted sleep's expiry must be gone";
  EXPECT_EQ(w.pending_events(), 0u);
}

TEST(Task, AbortAfterFinishKeepsTheValue) {
  world w{6};
  auto handle = moonpool::sim::spawn(w.get_executor(), "answer", answer_after(1s));
  w.run();
  handle.abort();
  w.run();
  EXPECT_EQ(handle.status(), join_status::finished);
  EXPECT_EQ(handle.get(), 42);
}

TEST(Task, DetachedTasksKeepRunning) {
  world w{7};
  bool finished = false;
  moonpool::sim::spawn(w.get_executor(), "detached", [&]() -> asio::awaitable<void> {
    co_await moonpool::sim::sleep(5s);
    finished = true;
  }).detach();
  w.run();
  EXPECT_TRUE(finished);
}

TEST(Task, TasksSpawnTasks) {
  world w{8};
  int total = 0;
  auto parent = moonpool::sim::spawn(w.get_executor(), "parent", [&]() -> asio::awaitable<int> {
    auto ex = co_await asio::this_coro::executor;
    auto a = moonpool::sim::spawn(ex, "child-a", answer_after(1s));
    auto b = moonpool::sim::spawn(ex, "child-b", answer_after(2s));
    total = co_await a.async_join(asio::use_awaitable) + co_await b.async_join(asio::use_awaitable);
    co_return total;
  });
  w.run();
  EXPECT_EQ(parent.get(), 84);
}

TEST(Task, JoiningTwiceIsAnError) {
  world w{9};
  auto handle = moonpool::sim::spawn(w.get_executor(), "answer", answer_after(1s));
  handle.async_join([](std::exception_ptr, int) {});
  EXPECT_THROW(handle.async_join([](std::exception_ptr, int) {}), std::logic_error);
  w.run();
}

TEST(Task, GetBeforeTheWorldRanExplainsItself) {
  world w{10};
  auto handle = moonpool::sim::spawn(w.get_executor(), "answer", answer_after(1s));
  try {
    (void)handle.get();
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("world.run()"), std::string::npos) << e.what();
  }
}

TEST(Task, TasksAliveWhenTheWorldDiesAreMarkedDestroyed) {
  auto handle = [] {
    world w{11};
    auto h = moonpool::sim::spawn(w.get_executor(), "forever", answer_after(1h));
    w.run_for(1s);
    return h;
  }();
  EXPECT_EQ(handle.status(), join_status::destroyed);
}
