#include "moonpool/sim/net/acceptor.hpp"

#include <boost/system/system_error.hpp>
#include <stdexcept>

#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/task.hpp"

namespace moonpool::sim::tcp {

acceptor::acceptor(const executor_type& ex, const endpoint& local)
    : executor_(ex),
      state_(&sim::detail::state_of(ex, "moonpool::sim::tcp::acceptor")),
      network_(&sim::detail::net::network_of(*state_)) {
  const sim::detail::task_record* task = sim::detail::task_of(ex, *state_);
  if (task == nullptr || task->host == nullptr) {
    throw std::logic_error(
        "moonpool::sim::tcp::acceptor needs the executor of a simulated host "
        "(world.add_host(address).get_executor(), or a task spawned from it); this executor "
        "belongs to no host");
  }
  boost::system::error_code ec;
  listener_ = network_->listen(*task->host, local, ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::tcp::acceptor: cannot listen on " +
                                              local.address().to_string() + ":" +
                                              std::to_string(local.port()));
  }
}

acceptor& acceptor::operator=(acceptor&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    state_ = other.state_;
    network_ = other.network_;
    listener_ = std::move(other.listener_);
  }
  return *this;
}

acceptor::~acceptor() {
  close();
}

endpoint acceptor::local_endpoint() const {
  if (!listener_) {
    throw boost::system::system_error(boost::asio::error::bad_descriptor,
                                      "moonpool::sim::tcp::acceptor::local_endpoint");
  }
  return listener_->local;
}

void acceptor::close() {
  if (listener_ && !state_->closing()) {
    network_->close_listener(listener_);
  }
  listener_.reset();
}

void acceptor::close(boost::system::error_code& ec) {
  close();
  ec = {};
}

void acceptor::cancel() {
  if (listener_) {
    network_->cancel_accepts(*listener_);
  }
}

void acceptor::fail(std::uint64_t op_id, boost::system::error_code ec) {
  if (std::unique_ptr<sim::detail::parked_op> op = state_->unpark(op_id)) {
    static_cast<sim::detail::net::accept_op_base&>(*op).complete(ec, nullptr);
  }
}

void acceptor::accept_cancellation::operator()(boost::asio::cancellation_type_t) const {
  if (std::unique_ptr<sim::detail::parked_op> op = state->unpark(op_id)) {
    static_cast<sim::detail::net::accept_op_base&>(*op).complete(
        boost::asio::error::operation_aborted, nullptr);
  }
}

}  // namespace moonpool::sim::tcp
