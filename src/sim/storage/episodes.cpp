#include "moonpool/sim/storage/detail/episodes.hpp"

namespace moonpool::sim::detail::fs {

const episode_schedule::episode* episode_schedule::at(std::chrono::nanoseconds t,
                                                      std::chrono::nanoseconds now,
                                                      const storage_latency& gap,
                                                      const storage_latency& length) {
  if (gap.is_zero()) {
    ahead_.clear();
    off_ = true;
    return nullptr;
  }
  if (off_) {
    off_ = false;
    last_end_ = now;
  }
  while (!ahead_.empty() && ahead_.front().end <= now) {
    ahead_.pop_front();
  }
  // storage_config::validate keeps lengths positive, so this ends.
  while (ahead_.empty() || ahead_.back().start <= t) {
    episode next;
    next.start = last_end_ + gap.sample(random_);
    next.end = next.start + length.sample(random_);
    next.number = next_number_++;
    last_end_ = next.end;
    ahead_.push_back(next);
  }
  for (const episode& e : ahead_) {
    if (e.start <= t && t < e.end) {
      return &e;
    }
    if (e.start > t) {
      break;
    }
  }
  return nullptr;
}

}  // namespace moonpool::sim::detail::fs
