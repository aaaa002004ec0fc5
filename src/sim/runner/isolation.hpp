#pragma once
// --isolate: one seed in a forked child process.
//
// The child runs the seed and sends its result (and trace, when recorded)
// back through a pipe, then ends with _exit. A child that dies first (a
// fatal signal, exit() from user code, a handler that never returns) sends
// at most the one line its abort hook wrote; the parent turns that, and how
// the child ended, into a failing seed and goes on with the next one. The
// assertion table lives in shared memory (assert.cpp), so the child's
// assertions count in the parent's table. A child that outlives the seed
// timeout by a grace period is killed.

#include <chrono>
#include <cstdint>
#include <functional>

#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim::detail {

[[nodiscard]] seed_result run_isolated(std::uint64_t seed, std::chrono::nanoseconds seed_timeout,
                                       iteration_trace* trace,
                                       const std::function<seed_result(iteration_trace*)>& run);

// In an isolated child, sends `cause` to the parent and returns true;
// false anywhere else.
bool isolated_child_abort(const char* cause) noexcept;

}  // namespace moonpool::sim::detail
