#pragma once
// moonpool::sim::tcp::socket: a simulated TCP stream socket.
//
// It satisfies Asio's AsyncReadStream and AsyncWriteStream, so Beast,
// asio::async_read/async_write and ssl::stream run over it unchanged. It
// mirrors boost::asio::ip::tcp::socket's stream surface: async_connect,
// async_read_some, async_write_some (any completion token, per-operation
// cancellation), shutdown, close, cancel, endpoints, is_open. Several
// pending reads (or writes) queue in FIFO order, as on a real socket.
//
// A socket belongs to the simulated host whose executor made it
// (world.add_host(...).get_executor(), or any task spawned from it).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/system_error.hpp>
#include <memory>

#include "moonpool/sim/net/detail/io_ops.hpp"

namespace moonpool::sim::tcp {

using endpoint = boost::asio::ip::tcp::endpoint;

class socket {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = endpoint;
  using lowest_layer_type = socket;
  using shutdown_type = boost::asio::socket_base::shutdown_type;

  explicit socket(const executor_type& ex);
  template <class ExecutionContext>
  requires requires(ExecutionContext& c) { c.get_executor(); }
  explicit socket(ExecutionContext& context) : socket(executor_type(context.get_executor())) {}
  // Attaches an accepted connection (used by the acceptor).
  socket(const executor_type& ex, std::shared_ptr<detail::net::connection> conn, int side);

  socket(socket&& other) noexcept;
  socket& operator=(socket&& other) noexcept;
  socket(const socket&) = delete;
  socket& operator=(const socket&) = delete;
  // Closes gracefully, as destroying a real socket does.
  ~socket();

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  lowest_layer_type& lowest_layer() noexcept { return *this; }
  const lowest_layer_type& lowest_layer() const noexcept { return *this; }

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

  // Socket options are accepted and ignored: the simulated stack has no
  // Nagle, no keep-alive timers and no kernel buffers to size.
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption&) {}
  template <class SettableSocketOption>
  void set_option(const SettableSocketOption&, boost::system::error_code& ec) {
    ec = {};
  }
  void non_blocking(bool) {}

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
          using op = detail::net::read_op<MutableBufferSequence, decltype(handler), executor_type>;
          this->template start_io<op>(std::move(handler), b, /*is_read=*/true);
        },
        token, buffers);
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token = {}) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& b) {
          using op = detail::net::write_op<ConstBufferSequence, decltype(handler), executor_type>;
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
    const std::uint64_t op_id = state_->park(std::move(op));
    if (refused) {
      detail::complete_parked<boost::system::error_code, std::size_t>(*state_, op_id, refused, 0);
      return;
    }
    if (slot.is_connected()) {
      slot.template emplace<detail::net::io_cancellation>(
          detail::net::io_cancellation{state_, op_id});
    }
    if (is_read) {
      network_->submit_read(conn_, side_, op_id);
    } else {
      network_->submit_write(conn_, side_, op_id);
    }
  }

  struct connect_cancellation {
    detail::net::network* network;
    std::shared_ptr<detail::net::connection> conn;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const;
  };

  template <class Handler>
  void start_connect(Handler handler, const endpoint& target) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const std::uint64_t op_id =
        detail::park_handler<boost::system::error_code>(*state_, std::move(handler), executor_);
    if (const boost::system::error_code refused = connect_precondition()) {
      detail::complete_parked<boost::system::error_code>(*state_, op_id, refused);
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

  executor_type executor_;
  detail::world_state* state_;
  detail::host_record* host_;
  detail::net::network* network_;
  std::shared_ptr<detail::net::connection> conn_;
  int side_ = 0;
  bool open_ = false;
};

}  // namespace moonpool::sim::tcp
