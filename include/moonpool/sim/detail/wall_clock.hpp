#pragma once
// The real monotonic clock, for the engine's own measurements (a seed's
// wall time, --time-limit, progress). Inside a simulation the standard
// clocks read simulated time (see clock_interposer.cpp), so the engine must
// not use them to measure itself.

#include <chrono>

namespace moonpool::sim::detail {

// Nanoseconds on the real monotonic clock.
[[nodiscard]] std::chrono::nanoseconds wall_now() noexcept;

}  // namespace moonpool::sim::detail
