#pragma once
// A FIFO of bytes stored as the chunks they arrived in, so that appending a
// 1 MiB write and handing it out in small reads costs no per-byte work.

#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <deque>
#include <string>

namespace moonpool::sim::detail::net {

class byte_queue {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  void append(std::string chunk) {
    if (!chunk.empty()) {
      size_ += chunk.size();
      chunks_.push_back(std::move(chunk));
    }
  }

  // Removes and returns the first `count` bytes (count <= size()).
  std::string take(std::size_t count);

  // Copies up to `count` bytes into `buffers` and removes them; returns how
  // many were copied.
  template <class MutableBufferSequence>
  std::size_t take_into(const MutableBufferSequence& buffers, std::size_t count) {
    std::size_t copied = 0;
    auto target = boost::asio::buffer_sequence_begin(buffers);
    const auto end = boost::asio::buffer_sequence_end(buffers);
    std::size_t target_offset = 0;
    while (copied < count && target != end && !chunks_.empty()) {
      boost::asio::mutable_buffer out = boost::asio::mutable_buffer(*target) + target_offset;
      if (out.size() == 0) {
        ++target;
        target_offset = 0;
        continue;
      }
      const std::string& front = chunks_.front();
      const std::size_t n = boost::asio::buffer_copy(
          out, boost::asio::buffer(front.data() + head_, front.size() - head_), count - copied);
      copied += n;
      target_offset += n;
      consume_front(n);
    }
    return copied;
  }

  void clear() noexcept {
    chunks_.clear();
    head_ = 0;
    size_ = 0;
  }

 private:
  void consume_front(std::size_t n);

  std::deque<std::string> chunks_;
  std::size_t head_ = 0;  // bytes of chunks_.front() already taken
  std::size_t size_ = 0;
};

// Copies up to `count` bytes of a const buffer sequence into one string.
template <class ConstBufferSequence>
std::string gather(const ConstBufferSequence& buffers, std::size_t count) {
  std::string out(count, '\0');
  const std::size_t n = boost::asio::buffer_copy(boost::asio::buffer(out), buffers, count);
  out.resize(n);
  return out;
}

}  // namespace moonpool::sim::detail::net
