#pragma once
// Coroutine helpers over simulated time.
//
//   co_await moonpool::sim::sleep(std::chrono::hours(1));
//   auto reply = co_await moonpool::sim::timeout(std::chrono::seconds(5), read_reply());
//
// timeout() cancels the operation when the limit passes first and throws
// boost::system::system_error(boost::asio::error::timed_out).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <utility>

#include "moonpool/sim/steady_timer.hpp"

namespace moonpool::sim {

inline boost::asio::awaitable<void> sleep(std::chrono::nanoseconds delay) {
  steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

inline boost::asio::awaitable<void> sleep_until(clock::time_point deadline) {
  steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

template <class T>
boost::asio::awaitable<T> timeout(std::chrono::nanoseconds limit, boost::asio::awaitable<T> op) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto outcome = co_await (std::move(op) || sleep(limit));
  if (outcome.index() == 1) {
    throw boost::system::system_error(boost::asio::error::timed_out, "moonpool::sim::timeout");
  }
  if constexpr (!std::is_void_v<T>) {
    co_return std::get<0>(std::move(outcome));
  }
}

}  // namespace moonpool::sim
