#include "moonpool/sim/net/detail/acceptor_core.hpp"

#include <boost/system/system_error.hpp>
#include <stdexcept>

#include "moonpool/sim/detail/state_of.hpp"

namespace moonpool::sim::detail::net {
namespace asio_error = boost::asio::error;
using boost::system::error_code;

namespace {

void throw_if(const error_code& ec, const char* what) {
  if (ec) {
    throw boost::system::system_error(ec, std::string("moonpool::sim::tcp::acceptor::") + what);
  }
}

}  // namespace

acceptor_core::acceptor_core(const executor_type& ex)
    : executor_(ex),
      state_(&sim::detail::state_of(ex, "moonpool::sim::tcp::acceptor")),
      host_(&sim::detail::require_host(ex, "moonpool::sim::tcp::acceptor")),
      network_(&network_of(*state_)) {}

acceptor_core::acceptor_core(acceptor_core&& other) noexcept
    : executor_(std::move(other.executor_)),
      state_(other.state_),
      host_(other.host_),
      network_(other.network_),
      listener_(std::move(other.listener_)),
      options_(std::move(other.options_)),
      open_(std::exchange(other.open_, false)) {}

acceptor_core& acceptor_core::operator=(acceptor_core&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    state_ = other.state_;
    host_ = other.host_;
    network_ = other.network_;
    listener_ = std::move(other.listener_);
    options_ = std::move(other.options_);
    open_ = std::exchange(other.open_, false);
  }
  return *this;
}

acceptor_core::~acceptor_core() {
  close();
}

void acceptor_core::open(const protocol_type& protocol) {
  error_code ec;
  open(protocol, ec);
  throw_if(ec, "open");
}

void acceptor_core::open(const protocol_type&, error_code& ec) {
  if (open_) {
    ec = asio_error::already_open;
    return;
  }
  open_ = true;
  ec = {};
}

void acceptor_core::bind(const endpoint_type& local) {
  error_code ec;
  bind(local, ec);
  throw_if(ec, "bind");
}

void acceptor_core::bind(const endpoint_type& local, error_code& ec) {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return;
  }
  if (listener_) {
    ec = asio_error::invalid_argument;  // already bound
    return;
  }
  // The listener claims the port now, as bind() does; it takes connections
  // from the moment it exists (a real socket refuses them until listen(),
  // a window that code which binds and listens in a row never sees).
  listener_ = network_->listen(*host_, local, ec);
}

void acceptor_core::listen(int backlog) {
  error_code ec;
  listen(backlog, ec);
  throw_if(ec, "listen");
}

void acceptor_core::listen(int, error_code& ec) {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return;
  }
  ec = {};
  if (!listener_) {
    listener_ = network_->listen(*host_, endpoint_type(host_->address, 0), ec);
  }
}

acceptor_core::endpoint_type acceptor_core::local_endpoint() const {
  error_code ec;
  endpoint_type result = local_endpoint(ec);
  throw_if(ec, "local_endpoint");
  return result;
}

acceptor_core::endpoint_type acceptor_core::local_endpoint(error_code& ec) const {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return {};
  }
  ec = {};
  return listener_ ? listener_->local : endpoint_type(host_->address, 0);
}

void acceptor_core::close() {
  if (listener_ && !state_->closing()) {
    network_->close_listener(listener_);
  }
  listener_.reset();
  open_ = false;
}

void acceptor_core::close(error_code& ec) {
  close();
  ec = {};
}

void acceptor_core::cancel() {
  error_code ec;
  cancel(ec);
  throw_if(ec, "cancel");
}

void acceptor_core::cancel(error_code& ec) {
  if (!open_) {
    ec = asio_error::bad_descriptor;
    return;
  }
  ec = {};
  if (listener_) {
    network_->cancel_accepts(*listener_);
  }
}

void acceptor_core::fail(std::uint64_t op_id, error_code ec) {
  if (std::unique_ptr<parked_op> op = state_->unpark(op_id)) {
    static_cast<accept_op_base&>(*op).complete(ec, nullptr);
  }
}

void acceptor_core::accept_cancellation::operator()(boost::asio::cancellation_type_t) const {
  if (std::unique_ptr<parked_op> op = state->unpark(op_id)) {
    static_cast<accept_op_base&>(*op).complete(asio_error::operation_aborted, nullptr);
  }
}

}  // namespace moonpool::sim::detail::net
