#pragma once
// moonpool::sim::tcp::socket: a simulated TCP stream socket.
//
// basic_tcp_socket<Executor> mirrors boost::asio::basic_stream_socket<tcp,
// Executor>: it satisfies AsyncReadStream and AsyncWriteStream (Beast,
// asio::async_read/async_write and ssl::stream run over it unchanged), has
// socket_base's members (tcp::socket::shutdown_send, reuse_address, ...),
// rebind_executor (so use_awaitable.as_default_on(socket) works), the
// constructors from an executor or an execution context (with or without
// a protocol to open), open/close/shutdown/cancel, endpoints, options, and
// async_connect, async_read_some and async_write_some with any completion
// token and per-operation cancellation. Several pending reads (or writes)
// queue in FIFO order, as on a real socket.
//
// A socket belongs to the simulated host whose executor made it: a host's
// executor, or anything made from one (a strand, any_io_executor, the
// executor of ctx.io_context()). Name it moonpool::sim::tcp::socket.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <type_traits>

#include "moonpool/sim/net/detail/socket_core.hpp"

namespace moonpool::sim {

template <class Executor = boost::asio::any_io_executor>
class basic_tcp_socket : public detail::net::socket_core {
 public:
  using executor_type = Executor;
  using lowest_layer_type = basic_tcp_socket;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_tcp_socket<OtherExecutor>;
  };

  explicit basic_tcp_socket(const executor_type& ex)
      : socket_core(boost::asio::any_io_executor(ex)), executor_(ex) {}
  basic_tcp_socket(const executor_type& ex, const protocol_type& protocol) : basic_tcp_socket(ex) {
    open(protocol);
  }
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  explicit basic_tcp_socket(ExecutionContext& context)
      : basic_tcp_socket(executor_type(context.get_executor())) {}
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  basic_tcp_socket(ExecutionContext& context, const protocol_type& protocol)
      : basic_tcp_socket(executor_type(context.get_executor()), protocol) {}
  // Attaches an accepted connection (used by the acceptor).
  basic_tcp_socket(const executor_type& ex, std::shared_ptr<detail::net::connection> conn, int side)
      : socket_core(boost::asio::any_io_executor(ex), std::move(conn), side), executor_(ex) {}

  basic_tcp_socket(basic_tcp_socket&&) noexcept = default;
  basic_tcp_socket& operator=(basic_tcp_socket&&) noexcept = default;
  // From a socket with another executor type, as Asio allows.
  template <class OtherExecutor>
  requires(!std::is_same_v<OtherExecutor, Executor> &&
           std::is_convertible_v<OtherExecutor, Executor>)
      basic_tcp_socket(basic_tcp_socket<OtherExecutor>&& other)  // NOLINT: implicit, as in Asio
      : socket_core(std::move(other)), executor_(other.get_executor()) {}
  template <class OtherExecutor>
  requires(!std::is_same_v<OtherExecutor, Executor> &&
           std::is_convertible_v<OtherExecutor, Executor>) basic_tcp_socket&
  operator=(basic_tcp_socket<OtherExecutor>&& other) {
    executor_ = other.get_executor();
    socket_core::operator=(std::move(other));
    return *this;
  }

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  lowest_layer_type& lowest_layer() noexcept { return *this; }
  const lowest_layer_type& lowest_layer() const noexcept { return *this; }

  template <class ConnectToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_connect(
      const endpoint_type& peer,
      ConnectToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return socket_core::async_connect(peer, std::forward<ConnectToken>(token));
  }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(
      const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return socket_core::async_read_some(buffers, std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(
      const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return socket_core::async_write_some(buffers, std::forward<WriteToken>(token));
  }

 private:
  Executor executor_;
};

}  // namespace moonpool::sim
