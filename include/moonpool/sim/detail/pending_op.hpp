#pragma once
// A parked asynchronous operation: a completion handler, type-erased, with
// outstanding work held on its associated executor until it completes.
//
// Completion follows Asio's rules: the handler is never invoked inside the
// initiating function; it is posted to its associated executor (by default
// the I/O object's). The handler's cancellation slot is cleared just before
// it runs, from the posted handler, never from inside a cancellation signal.

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <tuple>
#include <utility>

#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim::detail {

template <class... Args>
class pending_op : public parked_op {
 public:
  // Posts the handler with `args`. Call at most once.
  virtual void complete(Args... args) = 0;
};

// A completion handler plus outstanding work on its associated executor
// (by default the I/O object's), until post() hands it over.
template <class Handler, class IoExecutor>
class handler_holder {
 public:
  handler_holder(Handler&& handler, const IoExecutor& io_executor)
      : handler_(std::move(handler)),
        work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_, io_executor),
                                  boost::asio::execution::outstanding_work.tracked)) {}

  // Posts the handler with `args` to its executor. Call at most once.
  template <class... Args>
  void post(Args... args) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    boost::asio::post(work_, [handler = std::move(handler_), slot,
                              arguments = std::make_tuple(std::move(args)...)]() mutable {
      if (slot.is_connected()) {
        slot.clear();
      }
      std::apply(
          [&handler](auto&&... values) {
            std::move(handler)(std::forward<decltype(values)>(values)...);
          },
          std::move(arguments));
    });
  }

 private:
  using work_executor = std::decay_t<decltype(boost::asio::prefer(
      std::declval<boost::asio::associated_executor_t<Handler, IoExecutor>>(),
      boost::asio::execution::outstanding_work.tracked))>;

  Handler handler_;
  work_executor work_;
};

// Implements `Base` (pending_op<Args...> or an interface derived from it, such
// as a read that also knows its buffers) by posting a held handler.
template <class Base, class Handler, class IoExecutor, class... Args>
class basic_pending_op : public Base {
 public:
  basic_pending_op(Handler&& handler, const IoExecutor& io_executor)
      : holder_(std::move(handler), io_executor) {}

  void complete(Args... args) override { holder_.post(std::move(args)...); }

 private:
  handler_holder<Handler, IoExecutor> holder_;
};

template <class Handler, class IoExecutor, class... Args>
using pending_op_impl = basic_pending_op<pending_op<Args...>, Handler, IoExecutor, Args...>;

// Parks `handler` in `state` and returns the op id.
template <class... Args, class Handler, class IoExecutor>
std::uint64_t park_handler(world_state& state, Handler&& handler, const IoExecutor& io_executor) {
  using op_type = pending_op_impl<std::decay_t<Handler>, IoExecutor, Args...>;
  return state.park(std::make_unique<op_type>(std::forward<Handler>(handler), io_executor));
}

// Takes op `op_id` back from `state` and completes it; false if it was gone.
template <class... Args>
bool complete_parked(world_state& state, std::uint64_t op_id, Args... args) {
  std::unique_ptr<parked_op> op = state.unpark(op_id);
  if (!op) {
    return false;
  }
  static_cast<pending_op<Args...>&>(*op).complete(std::move(args)...);
  return true;
}

}  // namespace moonpool::sim::detail
