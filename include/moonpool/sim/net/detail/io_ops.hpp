#pragma once
// The typed operations behind socket reads, writes, connects and accepts:
// each keeps the caller's buffers and handler and exposes what the network
// needs through the interfaces of network.hpp.

#include <boost/asio/buffer.hpp>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/net/detail/network.hpp"

namespace moonpool::sim::detail::net {

template <class MutableBufferSequence, class Handler, class IoExecutor>
class read_op final
    : public basic_pending_op<read_op_base, Handler, IoExecutor, error_code, std::size_t> {
 public:
  read_op(const MutableBufferSequence& buffers, Handler&& handler, const IoExecutor& ex)
      : basic_pending_op<read_op_base, Handler, IoExecutor, error_code, std::size_t>(
            std::move(handler), ex),
        buffers_(buffers) {}
  [[nodiscard]] std::size_t capacity() const override { return boost::asio::buffer_size(buffers_); }
  std::size_t fill(byte_queue& source, std::size_t count) override {
    return source.take_into(buffers_, count);
  }

 private:
  MutableBufferSequence buffers_;
};

template <class ConstBufferSequence, class Handler, class IoExecutor>
class write_op final
    : public basic_pending_op<write_op_base, Handler, IoExecutor, error_code, std::size_t> {
 public:
  write_op(const ConstBufferSequence& buffers, Handler&& handler, const IoExecutor& ex)
      : basic_pending_op<write_op_base, Handler, IoExecutor, error_code, std::size_t>(
            std::move(handler), ex),
        buffers_(buffers) {}
  [[nodiscard]] std::size_t capacity() const override { return boost::asio::buffer_size(buffers_); }
  [[nodiscard]] std::string bytes(std::size_t count) const override {
    return gather(buffers_, count);
  }

 private:
  ConstBufferSequence buffers_;
};

// Cancels one parked read or write (per-operation cancellation). A no-op
// once the op has completed: it only holds ids.
struct io_cancellation {
  world_state* state;
  std::uint64_t op_id;
  void operator()(boost::asio::cancellation_type_t) const {
    complete_parked<error_code, std::size_t>(*state, op_id, boost::asio::error::operation_aborted,
                                             0);
  }
};

}  // namespace moonpool::sim::detail::net
