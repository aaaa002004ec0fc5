#pragma once
// A one-shot signal that coroutines can wait for: the simulated counterpart
// of a cancellation token's "cancelled" future.
//
//   co_await shutdown.async_wait(boost::asio::use_awaitable);   // parks
//   shutdown.notify();                                          // wakes all
//
// Waiting after notify() completes at once (through the executor). A waiter
// is outstanding work: if nothing ever notifies and nothing else can happen,
// the world reports a deadlock naming the waiting task.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <utility>
#include <vector>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/detail/state_of.hpp"

namespace moonpool::sim {

class notification {
 public:
  using executor_type = boost::asio::any_io_executor;

  explicit notification(const executor_type& ex)
      : executor_(ex), state_(&detail::state_of(ex, "moonpool::sim::notification")) {}
  notification(notification&& other) noexcept
      : executor_(std::move(other.executor_)),
        state_(other.state_),
        waiters_(std::exchange(other.waiters_, {})),
        notified_(other.notified_) {}
  notification& operator=(notification&&) = delete;
  notification(const notification&) = delete;
  notification& operator=(const notification&) = delete;
  // Waiters still parked complete with operation_aborted, as with any Asio
  // I/O object that is destroyed.
  ~notification() {
    if (state_->closing()) {
      return;
    }
    for (std::uint64_t op_id : std::exchange(waiters_, {})) {
      detail::complete_parked<boost::system::error_code>(*state_, op_id,
                                                         boost::asio::error::operation_aborted);
    }
  }

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  [[nodiscard]] bool notified() const noexcept { return notified_; }

  // Wakes every waiter (and every later one) with success.
  void notify() {
    notified_ = true;
    for (std::uint64_t op_id : std::exchange(waiters_, {})) {
      detail::complete_parked<boost::system::error_code>(*state_, op_id,
                                                         boost::system::error_code());
    }
  }

  template <class WaitToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_wait(WaitToken&& token = {}) {
    return boost::asio::async_initiate<WaitToken, void(boost::system::error_code)>(
        [this](auto handler) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          const std::uint64_t op_id = detail::park_handler<boost::system::error_code>(
              *state_, std::move(handler), executor_);
          // A process waiting for its shutdown signal is at rest.
          state_->describe_parked(op_id, "a notification (e.g. the shutdown signal)",
                                  /*idle=*/true);
          if (notified_) {
            detail::complete_parked<boost::system::error_code>(*state_, op_id,
                                                               boost::system::error_code());
            return;
          }
          waiters_.push_back(op_id);
          if (slot.is_connected()) {
            slot.template emplace<cancellation>(cancellation{state_, op_id});
          }
        },
        token);
  }

 private:
  struct cancellation {
    detail::world_state* state;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const {
      detail::complete_parked<boost::system::error_code>(*state, op_id,
                                                         boost::asio::error::operation_aborted);
    }
  };

  executor_type executor_;
  detail::world_state* state_;
  std::vector<std::uint64_t> waiters_;
  bool notified_ = false;
};

}  // namespace moonpool::sim
