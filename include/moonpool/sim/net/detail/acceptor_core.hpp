#pragma once
// The implementation of moonpool::sim::tcp::acceptor, for every executor
// type: opening, binding, listening, options, and the queue of pending
// accepts. basic_tcp_acceptor<Executor> (acceptor.hpp) adds the typed
// async_accept overloads on top.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "moonpool/sim/net/detail/network.hpp"
#include "moonpool/sim/net/detail/socket_options.hpp"

namespace moonpool::sim::detail::net {

class acceptor_core : public boost::asio::socket_base {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = boost::asio::ip::tcp::endpoint;

  // Closed; open(), bind() and listen() follow.
  explicit acceptor_core(const executor_type& ex);
  acceptor_core(acceptor_core&& other) noexcept;
  acceptor_core& operator=(acceptor_core&& other) noexcept;
  acceptor_core(const acceptor_core&) = delete;
  acceptor_core& operator=(const acceptor_core&) = delete;
  ~acceptor_core();

  [[nodiscard]] bool is_open() const noexcept { return open_; }
  void open(const protocol_type& protocol = protocol_type::v4());
  void open(const protocol_type& protocol, boost::system::error_code& ec);
  // Claims the address: the host's own (or unspecified for it), port 0 for
  // a free one. address_not_available for another host's address,
  // address_in_use when taken.
  void bind(const endpoint_type& local);
  void bind(const endpoint_type& local, boost::system::error_code& ec);
  // Starts taking connections (binding a free port first if unbound).
  void listen(int backlog = max_listen_connections);
  void listen(int backlog, boost::system::error_code& ec);
  void close();
  void close(boost::system::error_code& ec);
  void cancel();
  void cancel(boost::system::error_code& ec);
  [[nodiscard]] endpoint_type local_endpoint() const;
  [[nodiscard]] endpoint_type local_endpoint(boost::system::error_code& ec) const;

  // Options are kept and read back; reuse_address needs no effect here (the
  // simulated stack has no TIME_WAIT: a closed port is free at once).
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option) {
    boost::system::error_code ec;
    set_option(option, ec);
    boost::asio::detail::throw_error(ec, "set_option");
  }
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option, boost::system::error_code& ec) {
    if (!open_) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    options_.set(option);
    ec = {};
  }
  template <class GettableSocketOption>
  void get_option(GettableSocketOption& option) const {
    boost::system::error_code ec;
    get_option(option, ec);
    boost::asio::detail::throw_error(ec, "get_option");
  }
  template <class GettableSocketOption>
  void get_option(GettableSocketOption& option, boost::system::error_code& ec) const {
    options_.get(option);
    ec = {};
  }
  void non_blocking(bool) {}
  void non_blocking(bool, boost::system::error_code& ec) { ec = {}; }

 protected:
  [[nodiscard]] const executor_type& core_executor() const noexcept { return executor_; }
  [[nodiscard]] world_state& state() const noexcept { return *state_; }

  template <class Slot>
  void submit(std::unique_ptr<accept_op_base> op, Slot slot) {
    op->waits_for = "an accept";
    op->idle = true;  // a server's normal rest, never the cause of a deadlock
    const std::uint64_t op_id = state_->park(std::move(op));
    if (!listener_ || !listener_->open) {
      fail(op_id, open_ && !listener_ ? boost::asio::error::invalid_argument  // not listening
                                      : boost::asio::error::bad_descriptor);
      return;
    }
    if (slot.is_connected()) {
      slot.template emplace<accept_cancellation>(accept_cancellation{state_, op_id});
    }
    network_->submit_accept(listener_, op_id);
  }

 private:
  struct accept_cancellation {
    world_state* state;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const;
  };

  void fail(std::uint64_t op_id, boost::system::error_code ec);

  executor_type executor_;
  world_state* state_;
  host_record* host_;
  network* network_;
  std::shared_ptr<listener> listener_;
  socket_options options_;
  bool open_ = false;
};

}  // namespace moonpool::sim::detail::net
