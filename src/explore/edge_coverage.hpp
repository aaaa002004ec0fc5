#pragma once
// Compiler edge coverage (-fsanitize-coverage), the explorer's optional
// novelty signal. Internal to the explorer and the runner.
//
// Code built with MOONPOOL_SANCOV (clang: inline 8-bit counters; gcc:
// trace-pc, hashed into a counter table) bumps one byte per edge. A
// timeline's counters are bucketed AFL-style (1, 2, 3, 4-7, 8-15, ...) and
// compared with a history shared by every forked timeline: a higher bucket
// anywhere is new behaviour. Without instrumentation everything here is a
// no-op and instrumented() is false.

#include <cstddef>

namespace moonpool::explore::detail::edges {

[[nodiscard]] bool instrumented() noexcept;
// Starts a timeline: zeroes this process's counters.
void zero_counters() noexcept;
// Folds this process's counters into the shared history (race-free across
// processes); true when some edge reached a higher bucket than ever before.
bool fold_into_history() noexcept;
// Edges seen at least once, over every timeline so far.
[[nodiscard]] std::size_t covered() noexcept;
// Forgets the history (a new run).
void reset_history() noexcept;

}  // namespace moonpool::explore::detail::edges
