#pragma once
// moonpool::real::file: an open file on the real file system, with the
// members, signatures and errors of moonpool::sim::file, so one piece of
// code runs on either (docs/storage.md, "The production provider").
//
// Every asynchronous operation runs its system call (pread, pwrite,
// fdatasync, fsync) on the file's executor after the initiating call has
// returned, then completes through the handler's associated executor: any
// completion token, per-operation cancellation (an operation that has not
// run yet completes with operation_aborted and does nothing). Closing,
// cancelling or destroying the file aborts what has not run yet. A read at
// or past the end completes with boost::asio::error::eof, as Asio's files
// do. The calls block the executor's thread while they run: this is a
// provider for services whose disk is fast (or that give storage its own
// io_context), not an asynchronous I/O engine.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/system_error.hpp>
#include <memory>
#include <optional>

#include "moonpool/real/storage/detail/async_run.hpp"
#include "moonpool/real/storage/detail/file_ops.hpp"
#include "moonpool/sim/storage/open_options.hpp"

namespace moonpool::real {

using sim::open_options;
using sim::sync_kind;

template <class Executor = boost::asio::any_io_executor>
class basic_file {
 public:
  using executor_type = Executor;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_file<OtherExecutor>;
  };

  // A closed file.
  explicit basic_file(const executor_type& ex) : executor_(ex) {}
  // Used by storage::async_open.
  basic_file(const executor_type& ex, std::shared_ptr<detail::file_state> state)
      : executor_(ex), state_(std::move(state)) {}

  basic_file(basic_file&&) noexcept = default;
  basic_file& operator=(basic_file&& other) noexcept {
    if (this != &other) {
      close_quietly();
      executor_ = std::move(other.executor_);
      state_ = std::move(other.state_);
    }
    return *this;
  }
  basic_file(const basic_file&) = delete;
  basic_file& operator=(const basic_file&) = delete;
  // Closes: operations that have not run yet complete with operation_aborted.
  ~basic_file() { close_quietly(); }

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  [[nodiscard]] bool is_open() const noexcept { return state_ && state_->is_open(); }

  void close() { close_quietly(); }
  void close(boost::system::error_code& ec) {
    close_quietly();
    ec = {};
  }
  // Aborts every operation that has not run yet (operation_aborted).
  void cancel() { throw_on(cancel_checked(), "moonpool::real::file::cancel"); }
  void cancel(boost::system::error_code& ec) { ec = cancel_checked(); }

  // The size now (fstat).
  [[nodiscard]] std::uint64_t size() const {
    boost::system::error_code ec;
    const std::uint64_t n = size(ec);
    throw_on(ec, "moonpool::real::file::size");
    return n;
  }
  [[nodiscard]] std::uint64_t size(boost::system::error_code& ec) const {
    if (!is_open()) {
      ec = boost::asio::error::bad_descriptor;
      return 0;
    }
    return detail::file_size(state_->fd, ec);
  }
  // Truncates or extends with zero bytes (ftruncate); needs write.
  void resize(std::uint64_t n) {
    boost::system::error_code ec;
    resize(n, ec);
    throw_on(ec, "moonpool::real::file::resize");
  }
  void resize(std::uint64_t n, boost::system::error_code& ec) {
    ec = is_open() && state_->writes() ? detail::truncate_file(state_->fd, n)
                                       : boost::asio::error::bad_descriptor;
  }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some_at(
      std::uint64_t offset, const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run_io(detail::read_op<MutableBufferSequence>(state_, offset, buffers),
                  std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some_at(
      std::uint64_t offset, const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run_io(detail::write_op<ConstBufferSequence>(state_, offset, buffers),
                  std::forward<WriteToken>(token));
  }

  // At the file object's position; one stream operation at a time (a
  // second one fails with in_progress). With open_options::append, writes
  // go to the end of the file.
  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(
      const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run_io(detail::read_op<MutableBufferSequence>(state_, std::nullopt, buffers),
                  std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(
      const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run_io(detail::write_op<ConstBufferSequence>(state_, std::nullopt, buffers),
                  std::forward<WriteToken>(token));
  }

  // sync_kind::data: fdatasync; data_and_metadata: fsync, then fsync of the
  // directory the file was opened in (the name it was opened by; a later
  // rename's directory needs async_sync_directory).
  template <class SyncToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_sync(sync_kind kind,
                  SyncToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return detail::async_run<void(boost::system::error_code)>(
        executor_, std::forward<SyncToken>(token), detail::sync_op(state_, kind));
  }

 private:
  template <class Operation, class Token>
  auto run_io(Operation operation, Token&& token) {
    return detail::async_run<void(boost::system::error_code, std::size_t)>(
        executor_, std::forward<Token>(token), std::move(operation));
  }

  [[nodiscard]] boost::system::error_code cancel_checked() {
    if (!is_open()) {
      return boost::asio::error::bad_descriptor;
    }
    state_->cancel();
    return {};
  }
  void close_quietly() noexcept {
    if (state_) {
      state_->close();
      state_.reset();
    }
  }
  static void throw_on(const boost::system::error_code& ec, const char* what) {
    if (ec) {
      throw boost::system::system_error(ec, what);
    }
  }

  Executor executor_;
  std::shared_ptr<detail::file_state> state_;  // null: closed
};

using file = basic_file<>;

}  // namespace moonpool::real
