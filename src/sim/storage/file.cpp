#include "moonpool/sim/storage/detail/file_core.hpp"

#include <utility>

#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/storage/storage.hpp"

namespace moonpool::sim::detail::fs {
using boost::system::error_code;

disk& disk_for(const boost::asio::any_io_executor& ex, const char* who) {
  world_state& state = sim::detail::state_of(ex, who);
  return storage_of(state).disk_of(sim::detail::require_host(ex, who));
}

file_core::file_core(const executor_type& ex)
    : executor_(ex), state_(&sim::detail::state_of(ex, "moonpool::sim::file")) {}

file_core::file_core(const executor_type& ex, disk* owner, std::uint64_t handle)
    : executor_(ex), state_(&owner->state()), disk_(owner), handle_(handle) {}

file_core::file_core(file_core&& other) noexcept
    : executor_(std::move(other.executor_)),
      state_(other.state_),
      disk_(std::exchange(other.disk_, nullptr)),
      handle_(std::exchange(other.handle_, 0)) {}

file_core& file_core::operator=(file_core&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    state_ = other.state_;
    disk_ = std::exchange(other.disk_, nullptr);
    handle_ = std::exchange(other.handle_, 0);
  }
  return *this;
}

file_core::~file_core() {
  close();
}

void file_core::close() {
  disk* owner = std::exchange(disk_, nullptr);
  // A world being destroyed destroys its operations without running them.
  if (owner != nullptr && !state_->closing()) {
    owner->close_handle(handle_);
  }
  handle_ = 0;
}

void file_core::close(error_code& ec) {
  close();
  ec = {};
}

void file_core::cancel() {
  error_code ec;
  cancel(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::file::cancel");
  }
}

void file_core::cancel(error_code& ec) {
  if (disk_ == nullptr) {
    ec = boost::asio::error::bad_descriptor;
    return;
  }
  ec = {};
  disk_->cancel_handle(handle_);
}

std::uint64_t file_core::size() const {
  error_code ec;
  const std::uint64_t n = size(ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::file::size");
  }
  return n;
}

std::uint64_t file_core::size(error_code& ec) const {
  if (disk_ == nullptr) {
    ec = boost::asio::error::bad_descriptor;
    return 0;
  }
  return disk_->size(handle_, ec);
}

void file_core::resize(std::uint64_t n) {
  error_code ec;
  resize(n, ec);
  if (ec) {
    throw boost::system::system_error(ec, "moonpool::sim::file::resize");
  }
}

void file_core::resize(std::uint64_t n, error_code& ec) {
  if (disk_ == nullptr) {
    ec = boost::asio::error::bad_descriptor;
    return;
  }
  disk_->resize(handle_, n, ec);
}

}  // namespace moonpool::sim::detail::fs
