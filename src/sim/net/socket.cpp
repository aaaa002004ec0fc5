#include "moonpool/sim/net/detail/socket_core.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/task.hpp"

namespace moonpool::sim::detail::net {
namespace asio_error = boost::asio::error;
using boost::system::error_code;

socket_core::socket_core(const executor_type& ex)
    : executor_(ex),
      state_(&sim::detail::state_of(ex, "moonpool::sim::tcp::socket")),
      host_(&sim::detail::require_host(ex, "moonpool::sim::tcp::socket")),
      network_(&network_of(*state_)) {}

socket_core::socket_core(const executor_type& ex, std::shared_ptr<connection> conn, int side)
    : executor_(ex),
      state_(&sim::detail::state_of(ex, "moonpool::sim::tcp::socket")),
      host_(conn->ends[side].host),
      network_(&network_of(*state_)),
      conn_(std::move(conn)),
      side_(side),
      open_(true) {}

socket_core::socket_core(socket_core&& other) noexcept
    : executor_(std::move(other.executor_)),
      state_(other.state_),
      host_(other.host_),
      network_(other.network_),
      conn_(std::move(other.conn_)),
      options_(std::move(other.options_)),
      side_(other.side_),
      open_(std::exchange(other.open_, false)),
      non_blocking_(other.non_blocking_) {}

socket_core& socket_core::operator=(socket_core&& other) noexcept {
  if (this != &other) {
    close_connection();
    executor_ = std::move(other.executor_);
    state_ = other.state_;
    host_ = other.host_;
    network_ = other.network_;
    conn_ = std::move(other.conn_);
    options_ = std::move(other.options_);
    side_ = other.side_;
    open_ = std::exchange(other.open_, false);
    non_blocking_ = other.non_blocking_;
  }
  return *this;
}

socket_core::~socket_core() {
  close_connection();
}

void socket_core::close_connection() noexcept {
  open_ = false;
  if (!conn_) {
    return;
  }
  auto conn = std::move(conn_);
  // A world being destroyed destroys its operations without running them.
  if (!state_->closing()) {
    if (abortive_close()) {
      network_->abort_end(conn, side_);
    } else {
      network_->close_end(conn, side_);
    }
  }
}

bool socket_core::abortive_close() const {
  boost::asio::socket_base::linger value;
  return options_.find(value) && value.enabled() && value.timeout() == 0;
}

void socket_core::close() {
  close_connection();
}

void socket_core::close(error_code& ec) {
  close_connection();
  ec = {};
}

void socket_core::shutdown(shutdown_type what) {
  error_code ec;
  shutdown(what, ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket_core::shutdown");
  }
}

void socket_core::shutdown(shutdown_type what, error_code& ec) {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return;
  }
  if (!conn_ || !conn_->ends[side_].established) {
    ec = asio_error::not_connected;
    return;
  }
  ec = {};
  const bool send = what != boost::asio::socket_base::shutdown_receive;
  const bool receive = what != boost::asio::socket_base::shutdown_send;
  network_->shutdown_end(conn_, side_, send, receive);
}

void socket_core::cancel() {
  error_code ec;
  cancel(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket_core::cancel");
  }
}

void socket_core::cancel(error_code& ec) {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return;
  }
  ec = {};
  if (conn_) {
    network_->cancel_end(conn_, side_);
  }
}

endpoint socket_core::local_endpoint() const {
  error_code ec;
  endpoint result = local_endpoint(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket_core::local_endpoint");
  }
  return result;
}

endpoint socket_core::local_endpoint(error_code& ec) const {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return {};
  }
  ec = {};
  return conn_ ? conn_->ends[side_].local : endpoint(host_->address, 0);
}

endpoint socket_core::remote_endpoint() const {
  error_code ec;
  endpoint result = remote_endpoint(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket_core::remote_endpoint");
  }
  return result;
}

endpoint socket_core::remote_endpoint(error_code& ec) const {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return {};
  }
  if (!conn_ || !conn_->ends[side_].established) {
    ec = asio_error::not_connected;
    return {};
  }
  ec = {};
  return conn_->ends[side_].remote;
}

std::size_t socket_core::available() const {
  return conn_ ? network_->available(*conn_, side_) : 0;
}

void socket_core::set_stable(bool stable) {
  if (conn_) {
    conn_->stable = stable;
  }
}

error_code socket_core::io_precondition() const {
  if (!open_) {
    return asio_error::bad_descriptor;
  }
  if (!conn_) {
    return asio_error::not_connected;
  }
  return {};
}

error_code socket_core::connect_precondition() const {
  // A socket whose last connect failed may try again, as with Asio.
  if (conn_ && !(conn_->ends[side_].reset && !conn_->ends[side_].established)) {
    return asio_error::already_connected;
  }
  return {};
}

void socket_core::begin_connect(const endpoint& target, std::uint64_t op_id) {
  if (conn_) {
    close_connection();
  }
  open_ = true;
  conn_ = network_->new_client_connection(*host_);
  network_->submit_connect(conn_, target, op_id);
}

void socket_core::connect_cancellation::operator()(boost::asio::cancellation_type_t) const {
  if (conn->ends[0].connect_op == op_id) {
    owner->cancel_end(conn, 0);
  }
}

}  // namespace moonpool::sim::detail::net
