#pragma once
// The operations of real::file, in the shape async_run expects. Each holds
// the file's shared state, so a file moved or closed meanwhile is safe: a
// closed or cancelled file makes a pending operation abort.

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <memory>
#include <optional>
#include <tuple>

#include "moonpool/real/storage/detail/file_state.hpp"
#include "moonpool/sim/storage/open_options.hpp"

namespace moonpool::real::detail {

using io_outcome = std::tuple<error_code, std::size_t>;

// What every file operation checks first: refusals decided when it
// started, then a cancellation or close since.
class file_op_base {
 public:
  file_op_base(std::shared_ptr<file_state> state, std::optional<std::uint64_t> offset)
      : state_(std::move(state)), offset_(offset) {}

  void start() {
    if (!state_ || !state_->is_open()) {
      refused_ = boost::asio::error::bad_descriptor;
      return;
    }
    generation_ = state_->generation;
    if (!offset_) {
      if (state_->stream_busy) {
        refused_ = boost::asio::error::in_progress;
        return;
      }
      state_->stream_busy = owns_stream_ = true;
    }
  }

 protected:
  // The error to complete with before doing anything, if any.
  [[nodiscard]] error_code precheck(bool cancelled) {
    if (owns_stream_) {
      state_->stream_busy = false;
    }
    if (refused_) {
      return refused_;
    }
    if (cancelled || state_->generation != generation_ || !state_->is_open()) {
      return boost::asio::error::operation_aborted;
    }
    return {};
  }

  std::shared_ptr<file_state> state_;
  std::optional<std::uint64_t> offset_;  // none: a stream operation

 private:
  std::uint64_t generation_ = 0;
  error_code refused_;
  bool owns_stream_ = false;
};

// Up to io_buffers_max buffers of a sequence, as an array a span can view.
template <class Buffer, class BufferSequence>
std::size_t first_buffers(const BufferSequence& buffers, std::array<Buffer, io_buffers_max>& out) {
  std::size_t count = 0;
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers) && count < io_buffers_max; ++it) {
    const Buffer buffer(*it);
    if (buffer.size() != 0) {
      out[count++] = buffer;
    }
  }
  return count;
}

template <class MutableBufferSequence>
class read_op : public file_op_base {
 public:
  read_op(std::shared_ptr<file_state> state, std::optional<std::uint64_t> offset,
          const MutableBufferSequence& buffers)
      : file_op_base(std::move(state), offset), buffers_(buffers) {}

  io_outcome finish(bool cancelled) {
    if (const error_code ec = precheck(cancelled)) {
      return {ec, 0};
    }
    if (!state_->reads()) {
      return {boost::asio::error::bad_descriptor, 0};
    }
    std::array<boost::asio::mutable_buffer, io_buffers_max> parts;
    const std::size_t count = first_buffers(buffers_, parts);
    if (count == 0) {
      return {error_code(), 0};  // as with Asio's files: an empty read completes with 0
    }
    const std::uint64_t at = offset_.value_or(state_->position);
    const io_result r = pread_some(state_->fd, at, std::span(parts.data(), count));
    if (r.ec) {
      return {r.ec, 0};
    }
    if (r.bytes == 0) {
      return {boost::asio::error::eof, 0};
    }
    if (!offset_) {
      state_->position = at + r.bytes;
    }
    return {error_code(), r.bytes};
  }

 private:
  MutableBufferSequence buffers_;
};

template <class ConstBufferSequence>
class write_op : public file_op_base {
 public:
  write_op(std::shared_ptr<file_state> state, std::optional<std::uint64_t> offset,
           const ConstBufferSequence& buffers)
      : file_op_base(std::move(state), offset), buffers_(buffers) {}

  io_outcome finish(bool cancelled) {
    if (const error_code ec = precheck(cancelled)) {
      return {ec, 0};
    }
    if (!state_->writes()) {
      return {boost::asio::error::bad_descriptor, 0};
    }
    std::array<boost::asio::const_buffer, io_buffers_max> parts;
    const std::size_t count = first_buffers(buffers_, parts);
    if (count == 0) {
      return {error_code(), 0};
    }
    std::uint64_t at = offset_.value_or(state_->position);
    if (!offset_ && sim::has(state_->options, sim::open_options::append)) {
      // Stream writes go to the end; positional ones keep their offset
      // (no O_APPEND, whose pwrite ignores the offset on Linux).
      error_code ec;
      at = file_size(state_->fd, ec);
      if (ec) {
        return {ec, 0};
      }
    }
    const io_result r = pwrite_some(state_->fd, at, std::span(parts.data(), count));
    if (r.ec) {
      return {r.ec, 0};
    }
    if (!offset_) {
      state_->position = at + r.bytes;
    }
    return {error_code(), r.bytes};
  }

 private:
  ConstBufferSequence buffers_;
};

class sync_op : public file_op_base {
 public:
  sync_op(std::shared_ptr<file_state> state, sim::sync_kind kind)
      // An offset: a sync is not a stream operation and may overlap one.
      : file_op_base(std::move(state), std::uint64_t{0}), kind_(kind) {}

  std::tuple<error_code> finish(bool cancelled) {
    if (const error_code ec = precheck(cancelled)) {
      return {ec};
    }
    const bool metadata = kind_ == sim::sync_kind::data_and_metadata;
    if (const error_code ec = sync_file(state_->fd, metadata)) {
      return {ec};
    }
    return {metadata ? sync_directory(state_->directory) : error_code()};
  }

 private:
  sim::sync_kind kind_;
};

}  // namespace moonpool::real::detail
