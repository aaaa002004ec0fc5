#pragma once
// The implementation of moonpool::sim::tcp::socket, for every executor type.
//
// basic_tcp_socket<Executor> (socket.hpp) is the type users name; it adds
// the executor type and the default completion token on top of this class,
// which does the work with a type-erased executor. Several pending reads
// (or writes) queue in FIFO order, as on a real socket. A socket belongs to
// the simulated host whose executor made it (any wrapper of a host's
// executor: strand, any_io_executor, a sim::io_context's executor).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/system_error.hpp>
#include <memory>
#include <string>
#include <utility>

#include "moonpool/sim/net/detail/io_ops.hpp"
#include "moonpool/sim/net/detail/socket_options.hpp"

namespace moonpool::sim::detail::net {

using endpoint = boost::asio::ip::tcp::endpoint;

class socket_core : public boost::asio::socket_base {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = endpoint;

  explicit socket_core(const executor_type& ex);
  // Attaches an accepted connection (used by the acceptor).
  socket_core(const executor_type& ex, std::shared_ptr<connection> conn, int side);

  socket_core(socket_core&& other) noexcept;
  socket_core& operator=(socket_core&& other) noexcept;
  socket_core(const socket_core&) = delete;
  socket_core& operator=(const socket_core&) = delete;
  // Closes gracefully, as destroying a real socket does.
  ~socket_core();

  [[nodiscard]] const executor_type& core_executor() const noexcept { return executor_; }

  [[nodiscard]] bool is_open() const noexcept { return open_; }
  void open(const protocol_type& = protocol_type::v4()) { open_ = true; }
  void open(const protocol_type&, boost::system::error_code& ec) {
    open_ = true;
    ec = {};
  }
  void close();
  void close(boost::system::error_code& ec);
  void shutdown(shutdown_type what);
  void shutdown(shutdown_type what, boost::system::error_code& ec);
  void cancel();
  void cancel(boost::system::error_code& ec);

  [[nodiscard]] endpoint local_endpoint() const;
  [[nodiscard]] endpoint local_endpoint(boost::system::error_code& ec) const;
  [[nodiscard]] endpoint remote_endpoint() const;
  [[nodiscard]] endpoint remote_endpoint(boost::system::error_code& ec) const;
  // Bytes received and not yet read.
  [[nodiscard]] std::size_t available() const;

  // Socket options are kept as the kernel keeps them (get_option reads back
  // what set_option wrote). The simulation honours linger with a zero
  // timeout (close() then resets the connection, as on Linux); no_delay,
  // keep_alive, reuse_address and buffer sizes change nothing here, because
  // the simulated stack has no Nagle delay, no keep-alive probes, no
  // TIME_WAIT and its own configured buffers (docs/migrating.md).
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option) {
    boost::system::error_code ec;
    set_option(option, ec);
    boost::asio::detail::throw_error(ec, "set_option");
  }
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption& option, boost::system::error_code& ec) {
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
  void non_blocking(bool mode) { non_blocking_ = mode; }
  void non_blocking(bool mode, boost::system::error_code& ec) {
    non_blocking_ = mode;
    ec = {};
  }
  [[nodiscard]] bool non_blocking() const noexcept { return non_blocking_; }

  // Exempts this connection from chaos (partial I/O, clogs, bit flips,
  // random close); latency and partitions still apply.
  void set_stable(bool stable);

  template <class ConnectToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_connect(const endpoint& peer, ConnectToken&& token = {}) {
    return boost::asio::async_initiate<ConnectToken, void(boost::system::error_code)>(
        [this](auto handler, const endpoint& target) {
          this->start_connect(std::move(handler), target);
        },
        token, peer);
  }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token = {}) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBufferSequence& b) {
          using op = read_op<MutableBufferSequence, decltype(handler), executor_type>;
          this->template start_io<op>(std::move(handler), b, /*is_read=*/true);
        },
        token, buffers);
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token = {}) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& b) {
          using op = write_op<ConstBufferSequence, decltype(handler), executor_type>;
          this->template start_io<op>(std::move(handler), b, /*is_read=*/false);
        },
        token, buffers);
  }

 private:
  template <class Op, class Handler, class Buffers>
  void start_io(Handler handler, const Buffers& buffers, bool is_read) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const boost::system::error_code refused = io_precondition();
    auto op = std::make_unique<Op>(buffers, std::move(handler), executor_);
    // Said before parking: no second lookup on the hot path.
    op->waits_for = is_read ? "a read on a simulated socket" : "a write on a simulated socket";
    const std::uint64_t op_id = state_->park(std::move(op));
    if (refused) {
      sim::detail::complete_parked<boost::system::error_code, std::size_t>(*state_, op_id, refused,
                                                                           0);
      return;
    }
    if (slot.is_connected()) {
      slot.template emplace<io_cancellation>(io_cancellation{state_, op_id});
    }
    if (is_read) {
      network_->submit_read(conn_, side_, op_id);
    } else {
      network_->submit_write(conn_, side_, op_id);
    }
  }

  struct connect_cancellation {
    net::network* owner;
    std::shared_ptr<connection> conn;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const;
  };

  template <class Handler>
  void start_connect(Handler handler, const endpoint& target) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const std::uint64_t op_id = sim::detail::park_handler<boost::system::error_code>(
        *state_, std::move(handler), executor_);
    state_->describe_parked(op_id, "a connect");
    if (const boost::system::error_code refused = connect_precondition()) {
      sim::detail::complete_parked<boost::system::error_code>(*state_, op_id, refused);
      return;
    }
    begin_connect(target, op_id);
    if (slot.is_connected()) {
      slot.template emplace<connect_cancellation>(connect_cancellation{network_, conn_, op_id});
    }
  }

  [[nodiscard]] boost::system::error_code io_precondition() const;
  [[nodiscard]] boost::system::error_code connect_precondition() const;
  void begin_connect(const endpoint& target, std::uint64_t op_id);
  void close_connection() noexcept;
  // Linger on with a zero timeout: close() resets instead of closing.
  [[nodiscard]] bool abortive_close() const;

  executor_type executor_;
  world_state* state_;
  host_record* host_;
  network* network_;
  std::shared_ptr<connection> conn_;
  socket_options options_;
  int side_ = 0;
  bool open_ = false;
  bool non_blocking_ = false;
};

}  // namespace moonpool::sim::detail::net
