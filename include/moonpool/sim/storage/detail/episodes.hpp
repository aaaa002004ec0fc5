#pragma once
// One host's schedule of one kind of disk episode (stalls, or throttles):
// intervals [start, end) laid end to end with drawn gaps between them, drawn
// lazily as the disk asks about later times. The draws come from a stream
// of the schedule's own, so where episodes fall depends on the seed and the
// host, not on how many operations the code made.

#include <chrono>
#include <cstdint>
#include <deque>

#include "moonpool/sim/random.hpp"
#include "moonpool/sim/storage/storage_config.hpp"

namespace moonpool::sim::detail::fs {

class episode_schedule {
 public:
  struct episode {
    std::chrono::nanoseconds start{0};
    std::chrono::nanoseconds end{0};
    std::uint64_t number = 0;  // 0, 1, 2, ... in the schedule's order
  };

  // The first episode starts a gap after `origin`.
  episode_schedule(std::uint64_t seed, std::chrono::nanoseconds origin) noexcept
      : random_(seed), last_end_(origin) {}

  // The episode holding `t` (>= now), or null. `gap` and `length` are the
  // configuration now: a zero gap turns the schedule off and forgets it, so
  // that turning it on again starts a gap after the moment it is next asked.
  const episode* at(std::chrono::nanoseconds t, std::chrono::nanoseconds now,
                    const storage_latency& gap, const storage_latency& length);

 private:
  random_stream random_;
  std::deque<episode> ahead_;  // drawn, not yet over
  bool off_ = false;
  std::chrono::nanoseconds last_end_;
  std::uint64_t next_number_ = 0;
};

}  // namespace moonpool::sim::detail::fs
