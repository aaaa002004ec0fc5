#include "asio_reactor.hpp"

#include <unistd.h>

#include <boost/asio/detail/reactor.hpp>
#include <climits>
#include <type_traits>

namespace moonpool::sim::detail {
namespace {

using reactor = boost::asio::detail::reactor;
static_assert(std::is_same_v<reactor, boost::asio::detail::epoll_reactor>,
              "moonpool drives Asio timers through the epoll reactor (Linux)");

// Explicit instantiation may name private members; the friend function
// defined by the instantiation hands the member pointer out.
template <class Tag, typename Tag::type Member>
struct grant {
  friend typename Tag::type member(Tag) { return Member; }
};

struct timer_fd_of {
  using type = int reactor::*;
  friend type member(timer_fd_of);
};
struct timer_queues_of {
  using type = boost::asio::detail::timer_queue_set reactor::*;
  friend type member(timer_queues_of);
};

template struct grant<timer_fd_of, &reactor::timer_fd_>;
template struct grant<timer_queues_of, &reactor::timer_queues_>;

constexpr long century_us = 100L * 366 * 24 * 3600 * 1'000'000;

}  // namespace

const asio_timer_queues& adopt_reactor(boost::asio::io_context& context) {
  reactor& r = boost::asio::use_service<reactor>(context);
  int& fd = r.*member(timer_fd_of{});
  if (fd != -1) {
    ::close(fd);  // closing also removes it from the epoll set
    fd = -1;
  }
  return r.*member(timer_queues_of{});
}

std::optional<std::chrono::nanoseconds> next_expiry(const asio_timer_queues& queues) {
  if (queues.all_empty()) {
    return std::nullopt;
  }
  // Microseconds, rounded down (Asio's own resolution here); a timer due
  // within the next microsecond reports one, so time always moves forward.
  const long us = queues.wait_duration_usec(LONG_MAX);
  if (us >= century_us) {
    return std::nullopt;
  }
  return std::chrono::microseconds(us);
}

}  // namespace moonpool::sim::detail
