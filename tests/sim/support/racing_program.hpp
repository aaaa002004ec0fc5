#pragma once
// A program whose output depends only on the executor's scheduling: two
// coroutines that each append their id to a shared log, then yield by
// posting themselves, `steps` times.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <vector>

namespace moonpool::test {

inline boost::asio::awaitable<void> racer(std::shared_ptr<std::vector<int>> log, int id,
                                          int steps) {
  for (int i = 0; i < steps; ++i) {
    log->push_back(id);
    co_await boost::asio::post(co_await boost::asio::this_coro::executor,
                               boost::asio::use_awaitable);
  }
}

template <class Executor>
std::shared_ptr<std::vector<int>> start_two_racers(const Executor& ex, int steps) {
  auto log = std::make_shared<std::vector<int>>();
  boost::asio::co_spawn(ex, racer(log, 1, steps), boost::asio::detached);
  boost::asio::co_spawn(ex, racer(log, 2, steps), boost::asio::detached);
  return log;
}

}  // namespace moonpool::test
