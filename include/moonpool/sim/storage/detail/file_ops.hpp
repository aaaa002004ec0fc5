#pragma once
// The typed operations behind file reads and opens: each keeps the caller's
// buffers or handler and exposes what the disk needs through the interfaces
// of disk.hpp. Writes copy their bytes at submission and need no type of
// their own.

#include <boost/asio/buffer.hpp>
#include <string>
#include <string_view>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/storage/detail/disk.hpp"

namespace moonpool::sim::detail::fs {

template <class MutableBufferSequence, class Handler, class IoExecutor>
class read_op final
    : public basic_pending_op<read_op_base, Handler, IoExecutor, error_code, std::size_t> {
 public:
  read_op(const MutableBufferSequence& buffers, Handler&& handler, const IoExecutor& ex)
      : basic_pending_op<read_op_base, Handler, IoExecutor, error_code, std::size_t>(
            std::move(handler), ex),
        buffers_(buffers) {}
  [[nodiscard]] std::size_t capacity() const override { return boost::asio::buffer_size(buffers_); }
  void fill(std::string_view bytes) override {
    boost::asio::buffer_copy(buffers_, boost::asio::buffer(bytes.data(), bytes.size()));
  }

 private:
  MutableBufferSequence buffers_;
};

// The bytes of a buffer sequence, copied.
template <class ConstBufferSequence>
std::string gather_bytes(const ConstBufferSequence& buffers) {
  std::string bytes(boost::asio::buffer_size(buffers), '\0');
  boost::asio::buffer_copy(boost::asio::buffer(bytes), buffers);
  return bytes;
}

// Completes an open with a File (basic_file<Executor>) attached to the
// disk's new handle.
template <class File, class Handler, class IoExecutor>
class open_op final : public open_op_base {
 public:
  open_op(Handler&& handler, const IoExecutor& ex) : holder_(std::move(handler), ex), ex_(ex) {}
  void complete(error_code ec, disk* owner, std::uint64_t handle) override {
    holder_.post(ec, ec ? File(ex_) : File(ex_, owner, handle));
  }

 private:
  handler_holder<Handler, IoExecutor> holder_;
  IoExecutor ex_;
};

// Cancels one storage operation (per-operation cancellation). A no-op once
// the op has completed: it only holds ids.
struct op_cancellation {
  disk* owner;
  std::uint64_t op_id;
  void operator()(boost::asio::cancellation_type_t) const { owner->cancel_op(op_id); }
};

}  // namespace moonpool::sim::detail::fs
