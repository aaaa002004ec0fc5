#include "moonpool/sim/steady_timer.hpp"

#include <algorithm>
#include <stdexcept>

namespace moonpool::sim {

clock::time_point clock::now() {
  const detail::world_state* state = detail::world_state::current();
  if (state == nullptr) {
    throw std::logic_error(
        "moonpool::sim::clock::now() was called outside a simulation; call it from code the "
        "world is running (inside world.run()), or read world.now() instead");
  }
  return time_point(state->now());
}

steady_timer::steady_timer(const executor_type& ex)
    : executor_(ex),
      impl_(std::make_unique<impl>(
          impl{&detail::state_of(ex, "moonpool::sim::steady_timer"), time_point{}, {}})) {}

steady_timer::steady_timer(const executor_type& ex, time_point expiry) : steady_timer(ex) {
  impl_->expiry = expiry;
}

steady_timer::steady_timer(const executor_type& ex, duration expiry) : steady_timer(ex) {
  expires_after(expiry);
}

steady_timer& steady_timer::operator=(steady_timer&& other) noexcept {
  if (this != &other) {
    if (impl_) {
      cancel_waits(impl_->waits.size());
    }
    executor_ = std::move(other.executor_);
    impl_ = std::move(other.impl_);
  }
  return *this;
}

steady_timer::~steady_timer() {
  // While the world is being destroyed its pending operations are destroyed
  // without running; there is nothing left to cancel.
  if (impl_ && !impl_->waits.empty() && !impl_->state->closing()) {
    cancel_waits(impl_->waits.size());
  }
}

std::size_t steady_timer::expires_at(time_point expiry) {
  const std::size_t cancelled = cancel();
  impl_->expiry = expiry;
  return cancelled;
}

std::size_t steady_timer::expires_after(duration delay) {
  const std::size_t cancelled = cancel();
  impl_->expiry = time_point(impl_->state->now() + delay);
  return cancelled;
}

std::size_t steady_timer::cancel() {
  return cancel_waits(impl_->waits.size());
}

std::size_t steady_timer::cancel_one() {
  return cancel_waits(1);
}

std::size_t steady_timer::cancel_waits(std::size_t most) {
  // Entries whose wait was already cancelled through its cancellation slot
  // are dropped without counting.
  std::size_t cancelled = 0;
  while (cancelled < most && !impl_->waits.empty()) {
    const wait w = impl_->waits.front();
    impl_->waits.erase(impl_->waits.begin());
    // The event goes even when the wait is gone: a host's work destroyed by
    // a kill drops the parked wait first and then this timer, and an event
    // left behind would fire into the freed timer.
    impl_->state->cancel_event(w.event_id);
    if (detail::complete_parked(*impl_->state, w.op_id,
                                boost::system::error_code(boost::asio::error::operation_aborted))) {
      ++cancelled;
    }
  }
  return cancelled;
}

std::uint64_t steady_timer::schedule_completion(std::uint64_t op_id) {
  impl* timer = impl_.get();
  if (timer->expiry == time_point::max()) {
    // Never expires: only cancellation completes the wait. Scheduling an
    // event at the end of time would keep the world running until then.
    return 0;
  }
  // The event may point at the timer: a timer cancels its events before it
  // dies, and a dying world destroys events without running them.
  return timer->state->schedule_at(
      timer->expiry.time_since_epoch(), trace_kind::timer_fired, {op_id, 0, 0}, [timer, op_id] {
        std::erase_if(timer->waits, [op_id](const wait& w) { return w.op_id == op_id; });
        detail::complete_parked(*timer->state, op_id, boost::system::error_code());
      });
}

void steady_timer::wait_cancellation::operator()(boost::asio::cancellation_type_t) const {
  // Unpark first: if the wait already completed (or the timer is gone, which
  // cancels all its waits), this is a no-op and touches nothing else.
  std::unique_ptr<detail::parked_op> op = state->unpark(target.op_id);
  if (!op) {
    return;
  }
  state->cancel_event(target.event_id);
  static_cast<detail::pending_op<boost::system::error_code>&>(*op).complete(
      boost::asio::error::operation_aborted);
}

}  // namespace moonpool::sim
