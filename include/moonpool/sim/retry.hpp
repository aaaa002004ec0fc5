#pragma once
// Deadlines and retries that report instead of throwing.
//
// sim::timeout throws on expiry, and C++ forbids co_await inside a catch
// block, so a retry loop built on it needs a flag and a second loop. These
// return what happened as a value:
//
//   auto reply = co_await moonpool::sim::with_timeout(2s, read_reply(socket));
//   if (!reply) { log(reply.error.message()); }        // timed_out, eof, ...
//
//   auto put = co_await moonpool::sim::retry(
//       moonpool::sim::backoff{.attempts = 5, .first_delay = 100ms, .per_attempt = 1s},
//       [&] { return client.put(key, value); });           // a fresh attempt each time
//   if (put) { use(*put.value); }
//
// Errors carried by boost::system::system_error become the result's error
// code; any other exception propagates. Delays run on simulated time (they
// are sim::sleep), so a backoff of minutes costs nothing.

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <optional>
#include <type_traits>
#include <utility>

#include "moonpool/sim/random.hpp"
#include "moonpool/sim/sleep.hpp"

namespace moonpool::sim {

// What an operation ended with: a value, or the error it failed with.
template <class T>
struct attempt_result {
  boost::system::error_code error;
  std::optional<T> value;
  std::size_t attempts = 1;
  explicit operator bool() const noexcept { return !error; }
};
template <>
struct attempt_result<void> {
  boost::system::error_code error;
  std::size_t attempts = 1;
  explicit operator bool() const noexcept { return !error; }
};

// `op` under a deadline; expiry is the error boost::asio::error::timed_out.
// A zero limit means no deadline.
template <class T>
boost::asio::awaitable<attempt_result<T>> with_timeout(std::chrono::nanoseconds limit,
                                                       boost::asio::awaitable<T> op) {
  attempt_result<T> result;
  try {
    if constexpr (std::is_void_v<T>) {
      if (limit.count() > 0) {
        co_await timeout(limit, std::move(op));
      } else {
        co_await std::move(op);
      }
    } else {
      // One co_await per statement: g++ 12 miscompiles a co_await inside a
      // conditional expression.
      if (limit.count() > 0) {
        T value = co_await timeout(limit, std::move(op));
        result.value.emplace(std::move(value));
      } else {
        T value = co_await std::move(op);
        result.value.emplace(std::move(value));
      }
    }
  } catch (const boost::system::system_error& e) {
    result.error = e.code();
  }
  co_return result;
}

// How retry() spaces its attempts: the n-th wait is first_delay * factor^(n-1),
// capped at max_delay; with `jitter`, each wait is drawn uniformly from
// [wait / 2, wait] (from that stream: pass ctx.random() so that it is
// seeded and counted).
struct backoff {
  std::size_t attempts = 5;
  std::chrono::nanoseconds first_delay = std::chrono::milliseconds(100);
  std::chrono::nanoseconds max_delay = std::chrono::seconds(10);
  std::uint32_t factor = 2;
  std::chrono::nanoseconds per_attempt{0};  // deadline of each attempt; zero: none
  random_stream* jitter = nullptr;
};

// Runs make_attempt() (a callable returning awaitable<T>) until an attempt
// succeeds or `policy.attempts` have failed; returns the last attempt's
// result, with how many attempts were made. `should_retry(error)` (default:
// every error) may stop early on errors that a retry cannot mend.
template <class MakeAttempt, class ShouldRetry>
auto retry(backoff policy, MakeAttempt make_attempt, ShouldRetry should_retry)
    -> boost::asio::awaitable<
        attempt_result<typename std::invoke_result_t<MakeAttempt&>::value_type>> {
  using value_type = typename std::invoke_result_t<MakeAttempt&>::value_type;
  std::chrono::nanoseconds wait = policy.first_delay;
  attempt_result<value_type> result;
  const std::size_t attempts = std::max<std::size_t>(policy.attempts, 1);
  for (std::size_t attempt = 1;; ++attempt) {
    result = co_await with_timeout(policy.per_attempt, make_attempt());
    result.attempts = attempt;
    if (!result.error || attempt == attempts || !should_retry(result.error)) {
      co_return result;
    }
    std::chrono::nanoseconds pause = std::min(wait, policy.max_delay);
    if (policy.jitter != nullptr && pause.count() > 1) {
      const auto half = static_cast<std::uint64_t>(pause.count() / 2);
      pause = std::chrono::nanoseconds(
          static_cast<std::int64_t>(half + policy.jitter->below(half + 1)));
    }
    co_await sleep(pause);
    wait = std::min(wait * policy.factor, policy.max_delay);
  }
}

template <class MakeAttempt>
auto retry(backoff policy, MakeAttempt make_attempt) {
  return retry(policy, std::move(make_attempt),
               [](const boost::system::error_code&) { return true; });
}

}  // namespace moonpool::sim
