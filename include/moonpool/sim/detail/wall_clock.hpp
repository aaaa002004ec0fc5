#pragma once
// The real monotonic clock, for the engine's own measurements (a seed's
// wall time, --time-limit, progress). Inside a simulation the standard
// clocks read simulated time (see clock_interposer.cpp), so the engine must
// not use them to measure itself.

#include <chrono>

namespace moonpool::sim::detail {

// Nanoseconds on the real monotonic clock.
[[nodiscard]] std::chrono::nanoseconds wall_now() noexcept;

// Keeps the clock interposer linked into every program that uses a world.
void link_clock_interposer() noexcept;
// Keeps the escape reporter (OS entropy, sockets, threads) linked too.
void link_escape_interposer() noexcept;
// Makes fatal signals inside a simulation name their seed (crash_report.cpp).
void install_crash_report() noexcept;

}  // namespace moonpool::sim::detail
