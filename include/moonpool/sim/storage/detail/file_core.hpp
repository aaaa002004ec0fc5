#pragma once
// The implementation of moonpool::sim::file, for every executor type.
//
// basic_file<Executor> (file.hpp) is the type users name; it adds the
// executor type and the default completion token on top of this class,
// which does the work with a type-erased executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <cstdint>
#include <optional>

#include "moonpool/sim/storage/detail/file_ops.hpp"

namespace moonpool::sim::detail::fs {

class file_core {
 public:
  using executor_type = boost::asio::any_io_executor;

  // A closed file: every operation fails with bad_descriptor.
  explicit file_core(const executor_type& ex);
  // A file attached to an open handle of `owner` (made by async_open).
  file_core(const executor_type& ex, disk* owner, std::uint64_t handle);

  file_core(file_core&& other) noexcept;
  file_core& operator=(file_core&& other) noexcept;
  file_core(const file_core&) = delete;
  file_core& operator=(const file_core&) = delete;
  // Closes: pending operations complete with operation_aborted.
  ~file_core();

  [[nodiscard]] bool is_open() const noexcept { return disk_ != nullptr; }
  void close();
  void close(boost::system::error_code& ec);
  // Cancels every pending operation (operation_aborted).
  void cancel();
  void cancel(boost::system::error_code& ec);

  // The size every read sees now (completed writes included).
  [[nodiscard]] std::uint64_t size() const;
  [[nodiscard]] std::uint64_t size(boost::system::error_code& ec) const;
  // Truncates or extends (with zero bytes) at once; durable after a sync.
  void resize(std::uint64_t n);
  void resize(std::uint64_t n, boost::system::error_code& ec);

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some_at(std::uint64_t offset, const MutableBufferSequence& buffers,
                          ReadToken&& token) {
    return start_read(std::optional<std::uint64_t>(offset), buffers,
                      std::forward<ReadToken>(token));
  }
  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some_at(std::uint64_t offset, const ConstBufferSequence& buffers,
                           WriteToken&& token) {
    return start_write(std::optional<std::uint64_t>(offset), buffers,
                       std::forward<WriteToken>(token));
  }
  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    return start_read(std::nullopt, buffers, std::forward<ReadToken>(token));
  }
  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    return start_write(std::nullopt, buffers, std::forward<WriteToken>(token));
  }

  template <class SyncToken>
  auto async_sync(sync_kind kind, SyncToken&& token) {
    return boost::asio::async_initiate<SyncToken, void(boost::system::error_code)>(
        [this](auto handler, sync_kind k) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          const std::uint64_t op_id = sim::detail::park_handler<boost::system::error_code>(
              *state_, std::move(handler), executor_);
          if (disk_ == nullptr) {
            sim::detail::complete_parked<boost::system::error_code>(
                *state_, op_id, boost::asio::error::bad_descriptor);
            return;
          }
          connect(slot, op_id);
          disk_->submit_sync(handle_, k, op_id);
        },
        token, kind);
  }

 private:
  template <class Slot>
  void connect(Slot& slot, std::uint64_t op_id) {
    if (slot.is_connected()) {
      slot.template emplace<op_cancellation>(op_cancellation{disk_, op_id});
    }
  }

  template <class MutableBufferSequence, class ReadToken>
  auto start_read(std::optional<std::uint64_t> offset, const MutableBufferSequence& buffers,
                  ReadToken&& token) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, std::optional<std::uint64_t> at, const MutableBufferSequence& b) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          using op = read_op<MutableBufferSequence, decltype(handler), executor_type>;
          const std::uint64_t op_id =
              state_->park(std::make_unique<op>(b, std::move(handler), executor_));
          state_->describe_parked(op_id, "a file operation");
          if (completed_without_disk(op_id, b)) {
            return;
          }
          connect(slot, op_id);
          disk_->submit_read(handle_, at, op_id);
        },
        token, offset, buffers);
  }

  template <class ConstBufferSequence, class WriteToken>
  auto start_write(std::optional<std::uint64_t> offset, const ConstBufferSequence& buffers,
                   WriteToken&& token) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, std::optional<std::uint64_t> at, const ConstBufferSequence& b) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          const std::uint64_t op_id =
              sim::detail::park_handler<boost::system::error_code, std::size_t>(
                  *state_, std::move(handler), executor_);
          state_->describe_parked(op_id, "a file operation");
          if (completed_without_disk(op_id, b)) {
            return;
          }
          connect(slot, op_id);
          disk_->submit_write(handle_, at, gather_bytes(b), op_id);
        },
        token, offset, buffers);
  }

  // Completes a parked read or write that needs no disk (a closed file:
  // bad_descriptor; no buffer space: 0 bytes at once, as Asio's files do)
  // and says so.
  template <class Buffers>
  bool completed_without_disk(std::uint64_t op_id, const Buffers& buffers) {
    boost::system::error_code refused;
    if (disk_ == nullptr) {
      refused = boost::asio::error::bad_descriptor;
    } else if (boost::asio::buffer_size(buffers) != 0) {
      return false;
    }
    sim::detail::complete_parked<boost::system::error_code, std::size_t>(*state_, op_id, refused,
                                                                         0);
    return true;
  }

  executor_type executor_;
  world_state* state_;
  disk* disk_ = nullptr;  // null: closed
  std::uint64_t handle_ = 0;
};

}  // namespace moonpool::sim::detail::fs
