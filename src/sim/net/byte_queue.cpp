#include "moonpool/sim/net/detail/byte_queue.hpp"

namespace moonpool::sim::detail::net {

void byte_queue::consume_front(std::size_t n) {
  head_ += n;
  size_ -= n;
  if (head_ == chunks_.front().size()) {
    chunks_.pop_front();
    head_ = 0;
  }
}

std::string byte_queue::take(std::size_t count) {
  std::string out;
  out.reserve(count);
  while (out.size() < count) {
    const std::string& front = chunks_.front();
    const std::size_t n = std::min(count - out.size(), front.size() - head_);
    out.append(front, head_, n);
    consume_front(n);
  }
  return out;
}

}  // namespace moonpool::sim::detail::net
