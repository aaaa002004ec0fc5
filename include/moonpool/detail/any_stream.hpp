#pragma once
// Machinery behind moonpool::any_stream and moonpool::any_acceptor: which
// world an executor belongs to, the one branch that picks the socket, and
// the handler adapter that turns an accepted concrete socket into an
// any_stream while keeping the caller's associated executor, allocator and
// cancellation slot.

#include <boost/asio/associator.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <boost/system/error_code.hpp>
#include <type_traits>
#include <utility>
#include <variant>

#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::detail {

// True when `ex` (any wrapper of it: any_io_executor, strand, a host's
// io_context executor) runs inside a simulated world.
template <class Executor>
[[nodiscard]] bool is_simulated_executor(const Executor& ex) {
  boost::asio::execution_context& context = boost::asio::query(ex, boost::asio::execution::context);
  return boost::asio::has_service<sim::detail::world_service>(context);
}

// Calls `f` with the alternative the variant holds. Two alternatives, one
// branch: cheaper to read (and to inline) than std::visit's table.
template <class Variant, class F>
decltype(auto) visit2(Variant& v, F&& f) {
  static_assert(std::variant_size_v<std::remove_const_t<Variant>> == 2);
  if (v.index() == 0) {
    return std::forward<F>(f)(*std::get_if<0>(&v));
  }
  return std::forward<F>(f)(*std::get_if<1>(&v));
}

// The completion handler given to a concrete acceptor: wraps the socket it
// delivers into `Stream`.
template <class Handler, class Stream>
class accept_into {
 public:
  explicit accept_into(Handler&& handler) : handler_(std::move(handler)) {}

  template <class Socket>
  void operator()(boost::system::error_code ec, Socket socket) {
    std::move(handler_)(ec, Stream(std::move(socket)));
  }

  [[nodiscard]] const Handler& inner() const noexcept { return handler_; }

 private:
  Handler handler_;
};

}  // namespace moonpool::detail

// The adapter has the associated executor, allocator and cancellation slot
// of the handler it wraps, so per-operation cancellation and the caller's
// executor work through it.
namespace boost::asio {
template <template <class, class> class Associator, class Handler, class Stream,
          class DefaultCandidate>
struct associator<Associator, moonpool::detail::accept_into<Handler, Stream>, DefaultCandidate> {
  using type = typename Associator<Handler, DefaultCandidate>::type;

  static type get(const moonpool::detail::accept_into<Handler, Stream>& h) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.inner());
  }
  static auto get(const moonpool::detail::accept_into<Handler, Stream>& h,
                  const DefaultCandidate& c) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(h.inner(), c)) {
    return Associator<Handler, DefaultCandidate>::get(h.inner(), c);
  }
};
}  // namespace boost::asio
