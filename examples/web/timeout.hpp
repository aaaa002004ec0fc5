#pragma once
// A deadline on any awaitable, over any timer with Asio's steady_timer
// surface (boost::asio::steady_timer in production, moonpool::sim::steady_timer
// in simulation: the bundle's P::steady_timer).
//
// If `op` finishes first its value is returned or its exception rethrown;
// if the deadline passes first `op` is cancelled, awaited, and
// system_error(timed_out) is thrown. moonpool::sim::timeout does the same
// on the simulated timer only.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <exception>
#include <type_traits>
#include <utility>

namespace web {

template <class Timer, class T>
boost::asio::awaitable<T> with_timeout(std::chrono::nanoseconds limit,
                                       boost::asio::awaitable<T> op) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  Timer deadline(ex);
  deadline.expires_after(std::chrono::duration_cast<typename Timer::duration>(limit));
  auto outcome =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, std::move(op), asio::deferred), deadline.async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  if (std::get<0>(outcome)[0] == 1) {
    throw boost::system::system_error(asio::error::timed_out, "web::with_timeout");
  }
  if (const std::exception_ptr& error = std::get<1>(outcome)) {
    std::rethrow_exception(error);
  }
  if constexpr (!std::is_void_v<T>) {
    co_return std::move(std::get<2>(outcome));
  }
}

// A pause on the bundle's timer.
template <class Timer>
boost::asio::awaitable<void> pause(std::chrono::nanoseconds delay) {
  namespace asio = boost::asio;
  Timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::duration_cast<typename Timer::duration>(delay));
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace web
