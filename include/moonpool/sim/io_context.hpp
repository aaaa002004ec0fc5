#pragma once
// moonpool::sim::io_context: a simulated host, seen as an Asio io_context.
//
// Code written against boost::asio::io_context& (a listener that stores
// the context and calls net::make_strand(ioc) for each connection, a socket
// or timer built from the context) runs on a simulated host once that
// parameter's type names this class:
//
//   class listener {
//     listener(moonpool::sim::io_context& ioc, tcp::endpoint endpoint)
//         : ioc_(ioc), acceptor_(net::make_strand(ioc)) { ... }
//   };
//   // in a Process:
//   std::make_shared<listener>(ctx.io_context(), endpoint)->run();
//
// Every host has one (Context::io_context(), host::context()). Its
// executor is the host's (executor_type is sim::executor, so make_strand
// gives a strand over the simulated executor), and it is the execution
// context that every executor of the host reports: Asio's own services
// (boost::asio::steady_timer, Beast's WebSocket timers) keep the host's
// operations here, on simulated time. When the host's process dies the
// world replaces it, and the Asio operations of the dead process die with
// the old one.
//
// The world drives it: run(), run_one(), run_for(), run_until(), poll()
// and poll_one() throw std::logic_error saying so (a Process awaits
// Context::async_wait_shutdown() instead of calling ioc.run()).

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "moonpool/sim/executor.hpp"

namespace boost::asio::detail {
class timer_queue_set;
}

namespace moonpool::sim {

class host;

class io_context : public boost::asio::io_context {
 public:
  using executor_type = sim::executor;

  // Made by the world for each host; see world_state::host_context().
  io_context(detail::world_state& state, detail::host_record& host);
  io_context(const io_context&) = delete;
  io_context& operator=(const io_context&) = delete;
  ~io_context();

  // The host's executor (its root task).
  [[nodiscard]] executor_type get_executor() noexcept;
  [[nodiscard]] sim::host host() const noexcept;

  count_type run();
  count_type run_one();
  count_type poll();
  count_type poll_one();
  template <class Rep, class Period>
  count_type run_for(const std::chrono::duration<Rep, Period>&) {
    return run();
  }
  template <class Clock, class Duration>
  count_type run_until(const std::chrono::time_point<Clock, Duration>&) {
    return run();
  }

  // For the world: runs the Asio handlers that are ready, never blocking.
  void drive();
  // For the world: destroys every pending Asio operation without running it.
  void shut_down();
  // For the world: the reactor's timer queues (Asio's timers in this context).
  [[nodiscard]] const boost::asio::detail::timer_queue_set& timer_queues() const noexcept {
    return *timer_queues_;
  }

 private:
  detail::world_state* state_;
  detail::host_record* host_;
  const boost::asio::detail::timer_queue_set* timer_queues_;
};

}  // namespace moonpool::sim
