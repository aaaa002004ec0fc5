#pragma once
// moonpool::any_stream: one TCP stream type for both worlds. It holds
// either a real boost::asio::ip::tcp::socket or a simulated
// moonpool::sim::tcp::socket, and is an AsyncReadStream and AsyncWriteStream
// (Beast HTTP, asio::async_read/async_write run over it) with any
// completion token and per-operation cancellation.
//
// It is for code that is not a template over the provider bundle: such a
// service is simulated by changing only where its sockets are made.
//
//   // before: tcp::socket socket{ex};
//   moonpool::any_stream socket{ex};     // real or simulated, as `ex` is
//   co_await socket.async_connect(server, asio::use_awaitable);
//   co_await http::async_write(socket, request, asio::use_awaitable);
//
// The set of sockets is closed (two), so the erasure is a variant and one
// branch per call: the caller's completion handler reaches the concrete
// socket unchanged, with no allocation and no erased handler
// (docs/PERFORMANCE.md measures what the branch costs). any_acceptor
// (moonpool/any_acceptor.hpp) accepts into any_stream.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>
#include <variant>

#include "moonpool/detail/any_stream.hpp"
#include "moonpool/sim/net/socket.hpp"

namespace moonpool {

class any_stream : public boost::asio::socket_base {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = boost::asio::ip::tcp::endpoint;
  using real_socket = boost::asio::ip::tcp::socket;
  using sim_socket = sim::basic_tcp_socket<>;
  // For asio::ssl::stream<any_stream> and beast::get_lowest_layer.
  using lowest_layer_type = any_stream;

  // A closed socket of the world `ex` belongs to: simulated when `ex` runs
  // inside a simulated world (a host's executor or any wrapper of it),
  // real otherwise.
  explicit any_stream(const executor_type& ex)
      : socket_(detail::is_simulated_executor(ex) ? variant(std::in_place_index<1>, ex)
                                                  : variant(std::in_place_index<0>, ex)) {}
  // Takes over a socket, connected or not.
  explicit any_stream(real_socket socket) : socket_(std::in_place_index<0>, std::move(socket)) {}
  explicit any_stream(sim_socket socket) : socket_(std::in_place_index<1>, std::move(socket)) {}

  any_stream(any_stream&&) noexcept = default;
  any_stream& operator=(any_stream&&) noexcept = default;
  any_stream(const any_stream&) = delete;
  any_stream& operator=(const any_stream&) = delete;
  // Destroying closes the socket and aborts its pending operations, as the
  // held socket's destructor does.
  ~any_stream() = default;

  [[nodiscard]] executor_type get_executor() noexcept {
    return detail::visit2(socket_, [](auto& s) -> executor_type { return s.get_executor(); });
  }
  [[nodiscard]] bool is_simulated() const noexcept { return socket_.index() == 1; }
  // The held socket, or null when it is the other kind.
  [[nodiscard]] real_socket* real() noexcept { return std::get_if<0>(&socket_); }
  [[nodiscard]] sim_socket* simulated() noexcept { return std::get_if<1>(&socket_); }
  lowest_layer_type& lowest_layer() noexcept { return *this; }
  const lowest_layer_type& lowest_layer() const noexcept { return *this; }

  // --- state, as on a socket (the throwing forms throw system_error) --------
  [[nodiscard]] bool is_open() const noexcept {
    return detail::visit2(socket_, [](const auto& s) { return s.is_open(); });
  }
  void close() {
    detail::visit2(socket_, [](auto& s) { s.close(); });
  }
  void close(boost::system::error_code& ec) {
    detail::visit2(socket_, [&](auto& s) { s.close(ec); });
  }
  void shutdown(shutdown_type what) {
    detail::visit2(socket_, [&](auto& s) { s.shutdown(what); });
  }
  void shutdown(shutdown_type what, boost::system::error_code& ec) {
    detail::visit2(socket_, [&](auto& s) { s.shutdown(what, ec); });
  }
  // Pending operations complete with operation_aborted.
  void cancel() {
    detail::visit2(socket_, [](auto& s) { s.cancel(); });
  }
  void cancel(boost::system::error_code& ec) {
    detail::visit2(socket_, [&](auto& s) { s.cancel(ec); });
  }
  [[nodiscard]] endpoint_type local_endpoint() const {
    return detail::visit2(socket_, [](const auto& s) { return s.local_endpoint(); });
  }
  [[nodiscard]] endpoint_type local_endpoint(boost::system::error_code& ec) const {
    return detail::visit2(socket_, [&](const auto& s) { return s.local_endpoint(ec); });
  }
  [[nodiscard]] endpoint_type remote_endpoint() const {
    return detail::visit2(socket_, [](const auto& s) { return s.remote_endpoint(); });
  }
  [[nodiscard]] endpoint_type remote_endpoint(boost::system::error_code& ec) const {
    return detail::visit2(socket_, [&](const auto& s) { return s.remote_endpoint(ec); });
  }
  [[nodiscard]] std::size_t available() const {
    return detail::visit2(socket_, [](const auto& s) { return s.available(); });
  }
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option) {
    detail::visit2(socket_, [&](auto& s) { s.set_option(option); });
  }
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option, boost::system::error_code& ec) {
    detail::visit2(socket_, [&](auto& s) { s.set_option(option, ec); });
  }
  template <class GettableSocketOption>
  void get_option(GettableSocketOption& option) const {
    detail::visit2(socket_, [&](const auto& s) { s.get_option(option); });
  }
  template <class GettableSocketOption>
  void get_option(GettableSocketOption& option, boost::system::error_code& ec) const {
    detail::visit2(socket_, [&](const auto& s) { s.get_option(option, ec); });
  }

  // --- asynchronous operations: any completion token, per-operation
  // cancellation; completions as on the held socket ----------------------------
  template <class ConnectToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_connect(const endpoint_type& peer, ConnectToken&& token = {}) {
    return boost::asio::async_initiate<ConnectToken, void(boost::system::error_code)>(
        initiate_connect{this}, token, peer);
  }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token = {}) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        initiate_read_some{this}, token, buffers);
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token = {}) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        initiate_write_some{this}, token, buffers);
  }

 private:
  using variant = std::variant<real_socket, sim_socket>;

  // Initiations hand the caller's handler, as it is, to the held socket.
  struct initiate_connect {
    any_stream* self;
    template <class Handler>
    void operator()(Handler&& handler, const endpoint_type& peer) const {
      detail::visit2(self->socket_,
                     [&](auto& s) { s.async_connect(peer, std::forward<Handler>(handler)); });
    }
  };
  struct initiate_read_some {
    any_stream* self;
    template <class Handler, class Buffers>
    void operator()(Handler&& handler, const Buffers& buffers) const {
      detail::visit2(self->socket_,
                     [&](auto& s) { s.async_read_some(buffers, std::forward<Handler>(handler)); });
    }
  };
  struct initiate_write_some {
    any_stream* self;
    template <class Handler, class Buffers>
    void operator()(Handler&& handler, const Buffers& buffers) const {
      detail::visit2(self->socket_,
                     [&](auto& s) { s.async_write_some(buffers, std::forward<Handler>(handler)); });
    }
  };

  variant socket_;
};

}  // namespace moonpool
