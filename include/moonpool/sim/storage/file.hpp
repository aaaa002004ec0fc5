#pragma once
// moonpool::sim::file: an open file on a simulated host's disk.
//
// basic_file<Executor> mirrors boost::asio::basic_random_access_file (and
// basic_stream_file): positional async_read_some_at / async_write_some_at,
// so boost::asio::async_read_at and async_write_at work on it unchanged;
// stream-style async_read_some / async_write_some at the file object's own
// position (so asio::async_read / async_write work too; one stream
// operation at a time); async_sync; size and resize; close and cancel; any
// completion token and per-operation cancellation. Files come from
// sim::storage::async_open. A read at or past the end completes with
// boost::asio::error::eof, as Asio's files do.
//
// Every operation completes through the world's event queue after a sampled
// latency (storage_config); see docs/storage.md for what survives a crash.

#include <boost/asio/any_io_executor.hpp>
#include <type_traits>

#include "moonpool/sim/storage/detail/file_core.hpp"

namespace moonpool::sim {

template <class Executor = boost::asio::any_io_executor>
class basic_file : public detail::fs::file_core {
 public:
  using executor_type = Executor;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_file<OtherExecutor>;
  };

  // A closed file.
  explicit basic_file(const executor_type& ex)
      : file_core(boost::asio::any_io_executor(ex)), executor_(ex) {}
  // Used by async_open.
  basic_file(const executor_type& ex, detail::fs::disk* owner, std::uint64_t handle)
      : file_core(boost::asio::any_io_executor(ex), owner, handle), executor_(ex) {}

  basic_file(basic_file&&) noexcept = default;
  basic_file& operator=(basic_file&&) noexcept = default;

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some_at(
      std::uint64_t offset, const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return file_core::async_read_some_at(offset, buffers, std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some_at(
      std::uint64_t offset, const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return file_core::async_write_some_at(offset, buffers, std::forward<WriteToken>(token));
  }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(
      const MutableBufferSequence& buffers,
      ReadToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return file_core::async_read_some(buffers, std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(
      const ConstBufferSequence& buffers,
      WriteToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return file_core::async_write_some(buffers, std::forward<WriteToken>(token));
  }

  // sync_kind::data: the bytes and size (fdatasync); data_and_metadata:
  // also the file's directory entry (its parent directory is synced).
  template <class SyncToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_sync(sync_kind kind,
                  SyncToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return file_core::async_sync(kind, std::forward<SyncToken>(token));
  }

 private:
  Executor executor_;
};

using file = basic_file<>;

}  // namespace moonpool::sim
