#pragma once
// The one way a real storage operation completes: started in the initiating
// call, run later on the I/O object's executor (asio::post), its handler
// invoked through its associated executor, never inside the initiating call.
//
// An operation is a movable object with
//   void start();                          // in the initiating call
//   std::tuple<error_code, T...> finish(bool cancelled);   // posted
// `cancelled` says a cancellation signal (any type) arrived before the
// operation ran: it then completes with operation_aborted and does nothing,
// as a simulated operation cancelled before it completes.

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <tuple>
#include <utility>

namespace moonpool::real::detail {

template <class Signature, class Token, class Executor, class Operation>
auto async_run(const Executor& ex, Token&& token, Operation operation) {
  return boost::asio::async_compose<Token, Signature>(
      [ex, operation = std::move(operation), posted = false](auto& self) mutable {
        if (!posted) {
          posted = true;
          self.reset_cancellation_state(boost::asio::enable_total_cancellation());
          operation.start();
          boost::asio::post(ex, std::move(self));
          return;
        }
        const bool cancelled = self.cancelled() != boost::asio::cancellation_type::none;
        std::apply([&self](auto&&... values) { self.complete(std::move(values)...); },
                   operation.finish(cancelled));
      },
      token, ex);
}

}  // namespace moonpool::real::detail
