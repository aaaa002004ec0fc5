#pragma once
// moonpool::sim::tcp::acceptor: listens on a simulated host's address.
//
// basic_tcp_acceptor<Executor> mirrors boost::asio::basic_socket_acceptor:
// constructed closed from an executor or an execution context, then open(),
// set_option(), bind() and listen() (each throwing or taking an
// error_code); or constructed with an endpoint, which does all four. An
// unspecified address means the host's own; port 0 picks a free port.
// async_accept (any completion token, per-operation cancellation) takes
// connections from a FIFO backlog and completes with a socket on this
// acceptor's executor, on a given executor or execution context (as
// Beast's servers do with net::make_strand(ioc)), or into a given socket.
// close() aborts pending accepts and resets connections never accepted.
// rebind_executor makes use_awaitable.as_default_on(acceptor) work.

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>
#include <type_traits>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/net/detail/acceptor_core.hpp"
#include "moonpool/sim/net/socket.hpp"

namespace moonpool::sim {

template <class Executor = boost::asio::any_io_executor>
class basic_tcp_acceptor : public detail::net::acceptor_core {
 public:
  using executor_type = Executor;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_tcp_acceptor<OtherExecutor>;
  };

  explicit basic_tcp_acceptor(const executor_type& ex)
      : acceptor_core(boost::asio::any_io_executor(ex)), executor_(ex) {}
  basic_tcp_acceptor(const executor_type& ex, const protocol_type& protocol)
      : basic_tcp_acceptor(ex) {
    open(protocol);
  }
  // Opens, binds and listens, as Asio's constructor does.
  basic_tcp_acceptor(const executor_type& ex, const endpoint_type& local, bool reuse_address = true)
      : basic_tcp_acceptor(ex) {
    open(local.protocol());
    if (reuse_address) {
      set_option(boost::asio::socket_base::reuse_address(true));
    }
    bind(local);
    listen();
  }
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  explicit basic_tcp_acceptor(ExecutionContext& context)
      : basic_tcp_acceptor(executor_type(context.get_executor())) {}
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  basic_tcp_acceptor(ExecutionContext& context, const endpoint_type& local,
                     bool reuse_address = true)
      : basic_tcp_acceptor(executor_type(context.get_executor()), local, reuse_address) {}

  basic_tcp_acceptor(basic_tcp_acceptor&&) noexcept = default;
  basic_tcp_acceptor& operator=(basic_tcp_acceptor&&) noexcept = default;
  template <class OtherExecutor>
  requires(!std::is_same_v<OtherExecutor, Executor> &&
           std::is_convertible_v<OtherExecutor, Executor>)
      basic_tcp_acceptor(basic_tcp_acceptor<OtherExecutor>&& other)  // NOLINT: implicit, as in Asio
      : acceptor_core(std::move(other)), executor_(other.get_executor()) {}

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }

  // Completes with (error_code, socket) on this acceptor's executor.
  template <class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(
      AcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return accept_as<basic_tcp_socket<executor_type>>(executor_, std::forward<AcceptToken>(token));
  }

  // Completes with (error_code, socket); the socket uses `socket_executor`.
  template <class SocketExecutor,
            class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  requires boost::asio::execution::is_executor<SocketExecutor>::value ||
      boost::asio::is_executor<SocketExecutor>::value auto
      async_accept(const SocketExecutor& socket_executor,
                   AcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return accept_as<basic_tcp_socket<SocketExecutor>>(socket_executor,
                                                       std::forward<AcceptToken>(token));
  }

  // Completes with (error_code, socket); the socket uses the context's
  // executor (for a sim::io_context, the host's).
  template <class ExecutionContext,
            class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  auto async_accept(
      ExecutionContext& context,
      AcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    using socket_executor = typename ExecutionContext::executor_type;
    return accept_as<basic_tcp_socket<socket_executor>>(context.get_executor(),
                                                        std::forward<AcceptToken>(token));
  }

  // Accepts into `peer`, which must not be connected; completes with
  // (error_code).
  template <class SocketExecutor,
            class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(
      basic_tcp_socket<SocketExecutor>& peer,
      AcceptToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code)>(
        [this](auto handler, basic_tcp_socket<SocketExecutor>* into) {
          using op = into_accept_op<decltype(handler), SocketExecutor>;
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          this->submit(std::make_unique<op>(std::move(handler), core_executor(), into), slot);
        },
        token, &peer);
  }

 private:
  template <class Socket, class SocketExecutor, class AcceptToken>
  auto accept_as(const SocketExecutor& socket_executor, AcceptToken&& token) {
    using socket_type = Socket;
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code, socket_type)>(
        [this](auto handler, typename socket_type::executor_type socket_ex) {
          using op = move_accept_op<decltype(handler), socket_type>;
          // Read the slot before the handler is moved away (argument
          // evaluation order is unspecified).
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          this->submit(
              std::make_unique<op>(std::move(handler), core_executor(), std::move(socket_ex)),
              slot);
        },
        token, typename socket_type::executor_type(socket_executor));
  }

  template <class Handler, class Socket>
  class move_accept_op final : public detail::net::accept_op_base {
   public:
    move_accept_op(Handler&& handler, const boost::asio::any_io_executor& io_ex,
                   typename Socket::executor_type socket_ex)
        : holder_(std::move(handler), io_ex), socket_executor_(std::move(socket_ex)) {}
    void complete(boost::system::error_code ec,
                  std::shared_ptr<detail::net::connection> conn) override {
      if (conn) {
        holder_.post(ec, Socket(socket_executor_, std::move(conn), 1));
      } else {
        holder_.post(ec, Socket(socket_executor_));
      }
    }

   private:
    detail::handler_holder<Handler, boost::asio::any_io_executor> holder_;
    typename Socket::executor_type socket_executor_;
  };

  template <class Handler, class SocketExecutor>
  class into_accept_op final : public detail::net::accept_op_base {
   public:
    into_accept_op(Handler&& handler, const boost::asio::any_io_executor& io_ex,
                   basic_tcp_socket<SocketExecutor>* into)
        : holder_(std::move(handler), io_ex), into_(into) {}
    void complete(boost::system::error_code ec,
                  std::shared_ptr<detail::net::connection> conn) override {
      if (conn) {
        *into_ = basic_tcp_socket<SocketExecutor>(into_->get_executor(), std::move(conn), 1);
      }
      holder_.post(ec);
    }

   private:
    detail::handler_holder<Handler, boost::asio::any_io_executor> holder_;
    basic_tcp_socket<SocketExecutor>* into_;
  };

  Executor executor_;
};

}  // namespace moonpool::sim
