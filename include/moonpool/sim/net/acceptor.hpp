#pragma once
// moonpool::sim::tcp::acceptor: listens on a simulated host's address.
//
// Mirrors boost::asio::ip::tcp::acceptor: constructing it with an endpoint
// opens, binds and listens; async_accept (any completion token; optionally
// with the executor the new socket should use, or a socket to accept into)
// takes connections from a FIFO backlog; close() aborts pending accepts and
// resets connections that were never accepted.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "moonpool/sim/net/socket.hpp"

namespace moonpool::sim::tcp {

class acceptor {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = endpoint;

  // Opens, binds and listens. An unspecified address means the host's own;
  // port 0 picks a free port. Throws system_error (address_in_use,
  // address_not_available) like Asio.
  acceptor(const executor_type& ex, const endpoint& local);
  template <class ExecutionContext>
  requires requires(ExecutionContext& c) { c.get_executor(); }
  acceptor(ExecutionContext& context, const endpoint& local)
      : acceptor(executor_type(context.get_executor()), local) {}

  acceptor(acceptor&&) noexcept = default;
  acceptor& operator=(acceptor&& other) noexcept;
  acceptor(const acceptor&) = delete;
  acceptor& operator=(const acceptor&) = delete;
  ~acceptor();

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  [[nodiscard]] bool is_open() const noexcept { return listener_ && listener_->open; }
  [[nodiscard]] endpoint local_endpoint() const;
  void close();
  void close(boost::system::error_code& ec);
  void cancel();
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption&) {}

  // Completes with (error_code, socket); the socket uses this acceptor's
  // executor.
  template <class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(AcceptToken&& token = {}) {
    return async_accept(executor_, std::forward<AcceptToken>(token));
  }

  // Completes with (error_code, socket); the socket uses `socket_executor`.
  template <class Executor,
            class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  requires(!std::is_same_v<std::decay_t<Executor>, socket>) auto async_accept(
      const Executor& socket_executor, AcceptToken&& token = {}) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code, socket)>(
        [this](auto handler, executor_type socket_ex) {
          using op = move_accept_op<decltype(handler)>;
          // Read the slot before the handler is moved away (argument
          // evaluation order is unspecified).
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          this->submit(std::make_unique<op>(std::move(handler), executor_, std::move(socket_ex)),
                       slot);
        },
        token, executor_type(socket_executor));
  }

  // Accepts into `peer`, which must not be connected; completes with
  // (error_code).
  template <class AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(socket& peer, AcceptToken&& token = {}) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code)>(
        [this](auto handler, socket* into) {
          using op = into_accept_op<decltype(handler)>;
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          this->submit(std::make_unique<op>(std::move(handler), executor_, into), slot);
        },
        token, &peer);
  }

 private:
  template <class Handler>
  class move_accept_op final : public sim::detail::net::accept_op_base {
   public:
    move_accept_op(Handler&& handler, const executor_type& io_ex, executor_type socket_ex)
        : holder_(std::move(handler), io_ex), socket_executor_(std::move(socket_ex)) {}
    void complete(boost::system::error_code ec,
                  std::shared_ptr<sim::detail::net::connection> conn) override {
      if (conn) {
        holder_.post(ec, socket(socket_executor_, std::move(conn), 1));
      } else {
        holder_.post(ec, socket(socket_executor_));
      }
    }

   private:
    sim::detail::handler_holder<Handler, executor_type> holder_;
    executor_type socket_executor_;
  };

  template <class Handler>
  class into_accept_op final : public sim::detail::net::accept_op_base {
   public:
    into_accept_op(Handler&& handler, const executor_type& io_ex, socket* into)
        : holder_(std::move(handler), io_ex), into_(into) {}
    void complete(boost::system::error_code ec,
                  std::shared_ptr<sim::detail::net::connection> conn) override {
      if (conn) {
        *into_ = socket(into_->get_executor(), std::move(conn), 1);
      }
      holder_.post(ec);
    }

   private:
    sim::detail::handler_holder<Handler, executor_type> holder_;
    socket* into_;
  };

  struct accept_cancellation {
    sim::detail::world_state* state;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const;
  };

  template <class Slot>
  void submit(std::unique_ptr<sim::detail::net::accept_op_base> op, Slot slot) {
    const std::uint64_t op_id = state_->park(std::move(op));
    if (!is_open()) {
      fail(op_id, boost::asio::error::bad_descriptor);
      return;
    }
    if (slot.is_connected()) {
      slot.template emplace<accept_cancellation>(accept_cancellation{state_, op_id});
    }
    network_->submit_accept(listener_, op_id);
  }

  void fail(std::uint64_t op_id, boost::system::error_code ec);

  executor_type executor_;
  sim::detail::world_state* state_;
  sim::detail::net::network* network_;
  std::shared_ptr<sim::detail::net::listener> listener_;
};

}  // namespace moonpool::sim::tcp
