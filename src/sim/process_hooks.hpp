#pragma once
// What the first world in a process sets up for the whole process. The
// interposers (clock_interposer.cpp, escape_interposer.cpp) replace C and
// C++ runtime functions by being linked in; referencing them from
// world_state.cpp keeps a static library from leaving them out.

namespace moonpool::sim::detail {

void link_clock_interposer() noexcept;
void link_escape_interposer() noexcept;
// Makes fatal signals and exit() inside a simulation name their seed
// (crash_report.cpp). Idempotent.
void install_crash_report() noexcept;

}  // namespace moonpool::sim::detail
