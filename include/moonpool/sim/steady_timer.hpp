#pragma once
// The simulated replacement for boost::asio::steady_timer.
//
// Same surface: expires_after / expires_at / expiry / cancel / cancel_one /
// async_wait with any completion token and per-operation cancellation. Waits
// complete on simulated time; cancelled waits complete with
// boost::asio::error::operation_aborted. A wait on an already expired timer
// still completes through the world's event queue (at the current time), so
// it never completes inside async_wait. A timer that expires at
// time_point::max() never fires; only cancellation completes its waits.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "moonpool/sim/clock.hpp"
#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/detail/state_of.hpp"

namespace moonpool::sim {

class steady_timer {
 public:
  using executor_type = boost::asio::any_io_executor;
  // std::chrono::steady_clock, as with Asio's timer: inside a simulation it
  // reads simulated time (zero when the world starts), so code that writes
  // expires_at(steady_clock::now() + 5s) or time_point::max() compiles and
  // means the same thing.
  using clock_type = std::chrono::steady_clock;
  using duration = clock_type::duration;
  using time_point = clock_type::time_point;

  explicit steady_timer(const executor_type& ex);
  steady_timer(const executor_type& ex, time_point expiry);
  steady_timer(const executor_type& ex, duration expiry);
  template <class ExecutionContext>
  requires requires(ExecutionContext& c) { c.get_executor(); }
  explicit steady_timer(ExecutionContext& context) : steady_timer(context.get_executor()) {}

  steady_timer(steady_timer&&) noexcept = default;
  steady_timer& operator=(steady_timer&& other) noexcept;
  steady_timer(const steady_timer&) = delete;
  steady_timer& operator=(const steady_timer&) = delete;
  // Pending waits complete with operation_aborted, as with Asio's timer.
  ~steady_timer();

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  [[nodiscard]] time_point expiry() const noexcept { return impl_->expiry; }

  // Each returns the number of pending waits it cancelled.
  std::size_t expires_at(time_point expiry);
  std::size_t expires_after(duration delay);
  std::size_t cancel();
  std::size_t cancel_one();

  template <class WaitToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_wait(WaitToken&& token = {}) {
    return boost::asio::async_initiate<WaitToken, void(boost::system::error_code)>(
        [this](auto handler) { this->start_wait(std::move(handler)); }, token);
  }

 private:
  struct wait {
    std::uint64_t op_id;
    std::uint64_t event_id;
  };
  struct impl {
    detail::world_state* state;
    time_point expiry;
    std::vector<wait> waits;  // oldest first; may hold already completed ones
  };

  // Cancels one wait (per-operation cancellation). Holds ids only, so it is a
  // harmless no-op once the wait has completed or the timer is gone.
  struct wait_cancellation {
    detail::world_state* state;
    wait target;
    void operator()(boost::asio::cancellation_type_t) const;
  };

  template <class Handler>
  void start_wait(Handler handler) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    detail::world_state& state = *impl_->state;
    const std::uint64_t op_id =
        detail::park_handler<boost::system::error_code>(state, std::move(handler), executor_);
    const wait added{op_id, schedule_completion(op_id)};
    impl_->waits.push_back(added);
    if (slot.is_connected()) {
      slot.template emplace<wait_cancellation>(wait_cancellation{&state, added});
    }
  }

  std::uint64_t schedule_completion(std::uint64_t op_id);
  std::size_t cancel_waits(std::size_t most);

  executor_type executor_;
  std::unique_ptr<impl> impl_;
};

}  // namespace moonpool::sim
