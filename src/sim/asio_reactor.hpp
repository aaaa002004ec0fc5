#pragma once
// Asio's own timers (boost::asio::steady_timer, system_timer, Beast's
// WebSocket timers) on simulated time.
//
// An Asio timer lives in its context's reactor: a timer queue read against
// Clock::now(), checked when the reactor runs. Inside a simulation now()
// reads simulated time (clock_interposer.cpp), the world polls every
// context from its own loop, and two things remain, both done here:
// - the reactor must check its queues on every poll instead of waiting for
//   its timerfd (armed on the real clock): adopt_reactor() removes the fd,
//   which is Asio's own fallback when timerfd_create fails;
// - the world must know when the earliest Asio timer expires, to move
//   simulated time there when nothing else is due: next_expiry().
// Both need members that Asio keeps private; they are reached through the
// explicit-instantiation access rule, the one standard way to name them.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>

namespace boost::asio::detail {
class timer_queue_set;
}

namespace moonpool::sim::detail {

using asio_timer_queues = boost::asio::detail::timer_queue_set;

// Creates `context`'s reactor now and makes it check its timer queues on
// every run; returns those queues (they live as long as the context). Call
// before any timer exists in the context.
const asio_timer_queues& adopt_reactor(boost::asio::io_context& context);

// The time until the earliest of `queues`' timers expires, from the
// simulated now (zero when one is due); nullopt when none is pending within
// a century (time_point::max() waits forever, as in Asio).
std::optional<std::chrono::nanoseconds> next_expiry(const asio_timer_queues& queues);

}  // namespace moonpool::sim::detail
