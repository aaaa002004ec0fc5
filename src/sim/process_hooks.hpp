#pragma once
// What the first world in a process sets up for the whole process. The
// interposers (clock_interposer.cpp, escape_interposer.cpp) replace C and
// C++ runtime functions by being linked in; referencing them from
// world_state.cpp keeps a static library from leaving them out.

#include <cstddef>

namespace moonpool::sim::detail {

void link_clock_interposer() noexcept;
void link_escape_interposer() noexcept;
// Makes fatal signals and exit() inside a simulation name their seed
// (crash_report.cpp). Idempotent.
void install_crash_report() noexcept;

// Called when the process is about to die inside a seed, with one line
// saying why (a signal, exit(), a handler that never returned; with the
// task and simulated time). The runner sets it to record the seed as failed
// and write its report. It runs in a dying process, perhaps inside a signal
// handler: crash_report.cpp bounds it with alarm() so that a hook that
// deadlocks (a crash inside malloc) still ends.
using abort_hook = void (*)(void* context, const char* cause);
// One hook at a time; null clears it. Returns the previous hook's context.
void set_abort_hook(abort_hook hook, void* context) noexcept;
// Prints `cause` (when no hook is set, with the seed to replay) and runs the
// hook. The caller then ends the process.
void report_abort(const char* cause) noexcept;
// The line report_abort() is given: "seed N <what> in task 'T' at simulated
// time X ns". Not async-signal-safe (snprintf), like everything on this path.
void describe_abort(char* line, std::size_t capacity, const char* what) noexcept;

}  // namespace moonpool::sim::detail
