#pragma once
// moonpool::any_acceptor: one TCP acceptor type for both worlds. It holds a
// real boost::asio::ip::tcp::acceptor or a simulated
// moonpool::sim::tcp::acceptor and accepts into moonpool::any_stream.
//
//   // before: tcp::acceptor acceptor{ex, {tcp::v4(), port}};
//   moonpool::any_acceptor acceptor{ex, {tcp::v4(), port}};   // real or simulated, as `ex` is
//   moonpool::any_stream socket = co_await acceptor.async_accept(asio::use_awaitable);
//
// In a simulation, the unspecified address means the host's own and port 0
// picks a free port, as on a real stack. async_accept takes any completion
// token and supports per-operation cancellation (the adapter that wraps the
// accepted socket keeps the caller's associated executor, allocator and
// cancellation slot).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "moonpool/any_stream.hpp"
#include "moonpool/detail/any_stream.hpp"
#include "moonpool/sim/net/acceptor.hpp"

namespace moonpool {

class any_acceptor : public boost::asio::socket_base {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = boost::asio::ip::tcp::endpoint;
  using real_acceptor = boost::asio::ip::tcp::acceptor;
  using sim_acceptor = sim::basic_tcp_acceptor<>;

  // A closed acceptor of the world `ex` belongs to (open, bind and listen
  // it yourself).
  explicit any_acceptor(const executor_type& ex)
      : acceptor_(detail::is_simulated_executor(ex) ? variant(std::in_place_index<1>, ex)
                                                    : variant(std::in_place_index<0>, ex)) {}
  // Opens, binds and listens on `local` in the world `ex` belongs to, as
  // Asio's constructor does.
  any_acceptor(const executor_type& ex, const endpoint_type& local, bool reuse_address = true)
      : acceptor_(detail::is_simulated_executor(ex)
                      ? variant(std::in_place_index<1>, ex, local, reuse_address)
                      : variant(std::in_place_index<0>, ex, local, reuse_address)) {}
  explicit any_acceptor(real_acceptor acceptor)
      : acceptor_(std::in_place_index<0>, std::move(acceptor)) {}
  explicit any_acceptor(sim_acceptor acceptor)
      : acceptor_(std::in_place_index<1>, std::move(acceptor)) {}

  any_acceptor(any_acceptor&&) noexcept = default;
  any_acceptor& operator=(any_acceptor&&) noexcept = default;
  any_acceptor(const any_acceptor&) = delete;
  any_acceptor& operator=(const any_acceptor&) = delete;
  ~any_acceptor() = default;

  [[nodiscard]] executor_type get_executor() noexcept {
    return detail::visit2(acceptor_, [](auto& a) -> executor_type { return a.get_executor(); });
  }
  [[nodiscard]] bool is_simulated() const noexcept { return acceptor_.index() == 1; }
  [[nodiscard]] real_acceptor* real() noexcept { return std::get_if<0>(&acceptor_); }
  [[nodiscard]] sim_acceptor* simulated() noexcept { return std::get_if<1>(&acceptor_); }

  // --- set-up and state, as on an acceptor ------------------------------------
  [[nodiscard]] bool is_open() const noexcept {
    return detail::visit2(acceptor_, [](const auto& a) { return a.is_open(); });
  }
  void open(const protocol_type& protocol = protocol_type::v4()) {
    detail::visit2(acceptor_, [&](auto& a) { a.open(protocol); });
  }
  void open(const protocol_type& protocol, boost::system::error_code& ec) {
    detail::visit2(acceptor_, [&](auto& a) { a.open(protocol, ec); });
  }
  void bind(const endpoint_type& local) {
    detail::visit2(acceptor_, [&](auto& a) { a.bind(local); });
  }
  void bind(const endpoint_type& local, boost::system::error_code& ec) {
    detail::visit2(acceptor_, [&](auto& a) { a.bind(local, ec); });
  }
  void listen(int backlog = max_listen_connections) {
    detail::visit2(acceptor_, [&](auto& a) { a.listen(backlog); });
  }
  void listen(int backlog, boost::system::error_code& ec) {
    detail::visit2(acceptor_, [&](auto& a) { a.listen(backlog, ec); });
  }
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option) {
    detail::visit2(acceptor_, [&](auto& a) { a.set_option(option); });
  }
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option, boost::system::error_code& ec) {
    detail::visit2(acceptor_, [&](auto& a) { a.set_option(option, ec); });
  }
  // Pending accepts complete with operation_aborted.
  void close() {
    detail::visit2(acceptor_, [](auto& a) { a.close(); });
  }
  void close(boost::system::error_code& ec) {
    detail::visit2(acceptor_, [&](auto& a) { a.close(ec); });
  }
  void cancel() {
    detail::visit2(acceptor_, [](auto& a) { a.cancel(); });
  }
  void cancel(boost::system::error_code& ec) {
    detail::visit2(acceptor_, [&](auto& a) { a.cancel(ec); });
  }
  [[nodiscard]] endpoint_type local_endpoint() const {
    return detail::visit2(acceptor_, [](const auto& a) { return a.local_endpoint(); });
  }
  [[nodiscard]] endpoint_type local_endpoint(boost::system::error_code& ec) const {
    return detail::visit2(acceptor_, [&](const auto& a) { return a.local_endpoint(ec); });
  }

  // Completes with (error_code, any_stream); the stream uses this
  // acceptor's executor.
  template <class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(AcceptToken&& token = {}) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code, any_stream)>(
        initiate_accept{this}, token);
  }

  // Accepts into `peer`, which must be a closed stream of the same world
  // (else throws std::invalid_argument); completes with (error_code).
  template <class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(any_stream& peer, AcceptToken&& token = {}) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code)>(
        initiate_accept_into{this}, token, &peer);
  }

 private:
  using variant = std::variant<real_acceptor, sim_acceptor>;

  struct initiate_accept {
    any_acceptor* self;
    template <class Handler>
    void operator()(Handler&& handler) const {
      using adapter = detail::accept_into<std::decay_t<Handler>, any_stream>;
      detail::visit2(self->acceptor_,
                     [&](auto& a) { a.async_accept(adapter(std::forward<Handler>(handler))); });
    }
  };
  struct initiate_accept_into {
    any_acceptor* self;
    template <class Handler>
    void operator()(Handler&& handler, any_stream* peer) const;
  };

  variant acceptor_;
};

template <class Handler>
void any_acceptor::initiate_accept_into::operator()(Handler&& handler, any_stream* peer) const {
  if (peer->is_simulated() != self->is_simulated()) {
    // Mixing worlds is a programming error, not an I/O outcome.
    throw std::invalid_argument(
        "any_acceptor::async_accept: the peer stream belongs to the other world");
  }
  if (auto* a = self->real()) {
    a->async_accept(*peer->real(), std::forward<Handler>(handler));
  } else {
    self->simulated()->async_accept(*peer->simulated(), std::forward<Handler>(handler));
  }
}

}  // namespace moonpool
