#pragma once
// A std::chrono clock that reads simulated time.
//
// Use it wherever code takes a clock type as a template parameter. now() reads
// the world whose loop is running on this thread; calling it anywhere else is
// a mistake and throws std::logic_error saying so.

#include <chrono>
#include <cstdint>

namespace moonpool::sim {

struct clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<clock, duration>;
  static constexpr bool is_steady = true;

  static time_point now();
};

}  // namespace moonpool::sim
