#pragma once
// The fork explorer: when a timeline discovers something new (the first pass
// of a sometimes-assertion, a better numeric watermark, a wider
// SOMETIMES_ALL frontier, a new or better SOMETIMES_EACH bucket) the process
// forks. Each child reseeds the simulation stream and continues from that
// point as a different future; the parent waits for its children and then
// continues its own timeline. Any child that fails is a bug, named by a
// recipe (recipe.hpp) that --replay runs again in one process.
//
// POSIX only. The runner (SimulationBuilder::run) drives it; user code only
// sees it through the assertion macros.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/explore/config.hpp"
#include "moonpool/explore/recipe.hpp"

namespace moonpool::explore {

// A failing timeline found by exploration.
struct found_bug {
  recipe where;
  std::string error;
  std::string trace_hash;  // empty when the child died before finishing
  // Other timelines that failed with the same error and trace (siblings
  // forked after the last random draw before the failure).
  std::uint64_t same_failures = 0;
};

// What exploring one or more root seeds did.
struct exploration_summary {
  std::uint64_t timelines = 0;    // children forked
  std::uint64_t fork_points = 0;  // discoveries that forked at least one child
  std::uint64_t bugs = 0;         // children that failed
  std::uint64_t energy_left = 0;  // of the last root seed's global energy
  std::uint32_t max_depth_reached = 0;
  std::vector<found_bug> recipes;  // distinct failures, the first 32 found
  std::string coverage_signal;     // "assertions" or "edges"
};

// Starts exploring in this process: maps the shared state. Throws
// std::invalid_argument for a bad config, std::runtime_error when the
// platform refuses (mmap, semaphores).
void start(const exploration_config& config);
// Ends exploring; the summary covers every root seed since start().
exploration_summary stop();
[[nodiscard]] bool running() noexcept;

// Before and after each root seed.
void begin_root(std::uint64_t seed);
void end_root();

// True in a forked child. A child ends its run with finish_child, which
// merges its coverage and exits the process.
[[nodiscard]] bool in_child() noexcept;
[[noreturn]] void finish_child(bool ok, std::string_view error, std::string_view trace_hash);
// A child about to die inside its seed (a fatal signal, exit(), a handler
// that never returned) tells its parent why; the parent records the
// timeline's recipe with this cause.
void child_aborted(std::string_view cause) noexcept;

// The novelty signal a run uses ("edges" when the code was built with
// MOONPOOL_SANCOV, else "assertions"), and the number of edges seen so far.
[[nodiscard]] std::string_view coverage_signal() noexcept;
[[nodiscard]] std::size_t edges_covered() noexcept;
// Outside exploration: folds the edges the last seed ran into the history
// (the until-stable signal).
void fold_edges() noexcept;

}  // namespace moonpool::explore
