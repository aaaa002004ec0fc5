#include "moonpool/sim/net/socket.hpp"

#include <stdexcept>

#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/task.hpp"

namespace moonpool::sim::tcp {
namespace asio_error = boost::asio::error;
using boost::system::error_code;

namespace {

detail::host_record& host_of(const socket::executor_type& ex, detail::world_state& state,
                             const char* who) {
  const detail::task_record* task = detail::task_of(ex, state);
  if (task == nullptr || task->host == nullptr) {
    throw std::logic_error(std::string(who) +
                           " needs the executor of a simulated host (world.add_host(address)"
                           ".get_executor(), or a task spawned from it) so that it has an "
                           "address; this executor belongs to no host");
  }
  return *task->host;
}

}  // namespace

socket::socket(const executor_type& ex)
    : executor_(ex),
      state_(&detail::state_of(ex, "moonpool::sim::tcp::socket")),
      host_(&host_of(ex, *state_, "moonpool::sim::tcp::socket")),
      network_(&detail::net::network_of(*state_)) {}

socket::socket(const executor_type& ex, std::shared_ptr<detail::net::connection> conn, int side)
    : executor_(ex),
      state_(&detail::state_of(ex, "moonpool::sim::tcp::socket")),
      host_(conn->ends[side].host),
      network_(&detail::net::network_of(*state_)),
      conn_(std::move(conn)),
      side_(side),
      open_(true) {}

socket::socket(socket&& other) noexcept
    : executor_(std::move(other.executor_)),
      state_(other.state_),
      host_(other.host_),
      network_(other.network_),
      conn_(std::move(other.conn_)),
      side_(other.side_),
      open_(std::exchange(other.open_, false)) {}

socket& socket::operator=(socket&& other) noexcept {
  if (this != &other) {
    close_connection();
    executor_ = std::move(other.executor_);
    state_ = other.state_;
    host_ = other.host_;
    network_ = other.network_;
    conn_ = std::move(other.conn_);
    side_ = other.side_;
    open_ = std::exchange(other.open_, false);
  }
  return *this;
}

socket::~socket() {
  close_connection();
}

void socket::close_connection() noexcept {
  open_ = false;
  if (!conn_) {
    return;
  }
  auto conn = std::move(conn_);
  // A world being destroyed destroys its operations without running them.
  if (!state_->closing()) {
    network_->close_end(conn, side_);
  }
}

void socket::close() {
  close_connection();
}

void socket::close(error_code& ec) {
  close_connection();
  ec = {};
}

void socket::shutdown(shutdown_type what) {
  error_code ec;
  shutdown(what, ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket::shutdown");
  }
}

void socket::shutdown(shutdown_type what, error_code& ec) {
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

void socket::cancel() {
  error_code ec;
  cancel(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket::cancel");
  }
}

void socket::cancel(error_code& ec) {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return;
  }
  ec = {};
  if (conn_) {
    network_->cancel_end(conn_, side_);
  }
}

endpoint socket::local_endpoint() const {
  error_code ec;
  endpoint result = local_endpoint(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket::local_endpoint");
  }
  return result;
}

endpoint socket::local_endpoint(error_code& ec) const {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return {};
  }
  ec = {};
  return conn_ ? conn_->ends[side_].local : endpoint(host_->address, 0);
}

endpoint socket::remote_endpoint() const {
  error_code ec;
  endpoint result = remote_endpoint(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::socket::remote_endpoint");
  }
  return result;
}

endpoint socket::remote_endpoint(error_code& ec) const {
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

std::size_t socket::available() const {
  return conn_ ? network_->available(*conn_, side_) : 0;
}

void socket::set_stable(bool stable) {
  if (conn_) {
    conn_->stable = stable;
  }
}

error_code socket::io_precondition() const {
  if (!open_) {
    return asio_error::bad_descriptor;
  }
  if (!conn_) {
    return asio_error::not_connected;
  }
  return {};
}

error_code socket::connect_precondition() const {
  // A socket whose last connect failed may try again, as with Asio.
  if (conn_ && !(conn_->ends[side_].reset && !conn_->ends[side_].established)) {
    return asio_error::already_connected;
  }
  return {};
}

void socket::begin_connect(const endpoint& target, std::uint64_t op_id) {
  if (conn_) {
    close_connection();
  }
  open_ = true;
  conn_ = network_->new_client_connection(*host_);
  network_->submit_connect(conn_, target, op_id);
}

void socket::connect_cancellation::operator()(boost::asio::cancellation_type_t) const {
  if (conn->ends[0].connect_op == op_id) {
    network->cancel_end(conn, 0);
  }
}

}  // namespace moonpool::sim::tcp
