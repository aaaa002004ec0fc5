#pragma once
// Coroutine helpers over simulated time.
//
//   co_await moonpool::sim::sleep(std::chrono::hours(1));
//   auto reply = co_await moonpool::sim::timeout(std::chrono::seconds(5), read_reply());
//
// timeout() cancels the operation when the limit passes first and throws
// boost::system::system_error(boost::asio::error::timed_out); otherwise it
// returns the operation's value or rethrows the operation's own exception.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
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

inline boost::asio::awaitable<void> sleep_until(steady_timer::time_point deadline) {
  steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// sim::clock and std::chrono::steady_clock read the same simulated time.
inline boost::asio::awaitable<void> sleep_until(clock::time_point deadline) {
  return sleep_until(steady_timer::time_point(deadline.time_since_epoch()));
}

// Runs `op` with a deadline. If `op` finishes first, its value is returned or
// its exception rethrown (unlike asio's `||`, which reports
// multiple_exceptions when both branches end in an error). If the deadline
// passes first, `op` is cancelled and system_error(timed_out) is thrown.
template <class T>
boost::asio::awaitable<T> timeout(std::chrono::nanoseconds limit, boost::asio::awaitable<T> op) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  steady_timer deadline(ex, limit);
  auto outcome =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, std::move(op), asio::deferred), deadline.async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  const auto& order = std::get<0>(outcome);
  if (order[0] == 1) {
    throw boost::system::system_error(asio::error::timed_out, "moonpool::sim::timeout");
  }
  if (const std::exception_ptr& error = std::get<1>(outcome)) {
    std::rethrow_exception(error);
  }
  if constexpr (!std::is_void_v<T>) {
    co_return std::move(std::get<2>(outcome));
  }
}

}  // namespace moonpool::sim
