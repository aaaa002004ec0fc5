#include "moonpool/sim/io_context.hpp"

#include <stdexcept>
#include <string>

#include "asio_reactor.hpp"
#include "moonpool/sim/host.hpp"

namespace moonpool::sim {
namespace {

[[noreturn]] void throw_driven_by_world(const char* what) {
  throw std::logic_error(
      std::string("moonpool::sim::io_context::") + what +
      "(): a simulated host is driven by its world, not by its io_context; in a Process, start "
      "the work and co_await ctx.async_wait_shutdown() where main() called ioc.run()");
}

}  // namespace

io_context::io_context(detail::world_state& state, detail::host_record& host)
    : boost::asio::io_context(1), state_(&state), host_(&host), timer_queues_(nullptr) {
  boost::asio::make_service<detail::world_service>(*this).attach(state, &host);
  timer_queues_ = &detail::adopt_reactor(*this);
}

io_context::~io_context() = default;

io_context::executor_type io_context::get_executor() noexcept {
  return executor_type(*state_, *host_->root);
}

sim::host io_context::host() const noexcept {
  return sim::host(*state_, *host_);
}

io_context::count_type io_context::run() {
  throw_driven_by_world("run");
}
io_context::count_type io_context::run_one() {
  throw_driven_by_world("run_one");
}
io_context::count_type io_context::poll() {
  throw_driven_by_world("poll");
}
io_context::count_type io_context::poll_one() {
  throw_driven_by_world("poll_one");
}

sim::io_context& host::context() const {
  return state_->host_context(*record_);
}

void io_context::drive() {
  boost::asio::io_context::restart();
  boost::asio::io_context::poll();
}

void io_context::shut_down() {
  shutdown();
}

}  // namespace moonpool::sim
