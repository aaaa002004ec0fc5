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
#include <functional>
#include <optional>
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
  // When it was found: wall time since the exploration began, and the
  // number of timelines explored by then (over every root seed so far).
  double found_after_seconds = 0;
  std::uint64_t found_at_timeline = 0;
};

// How many distinct failures a summary keeps the recipe of: the first found,
// in root-seed order (every bug is counted in `bugs` all the same).
inline constexpr std::size_t recipes_kept = 32;

// What exploring one or more root seeds did.
struct exploration_summary {
  std::uint64_t roots = 0;        // root seeds explored
  std::uint64_t timelines = 0;    // children run (forked or re-executed)
  std::uint64_t fork_points = 0;  // discoveries that split at least once
  std::uint64_t bugs = 0;         // children that failed
  std::uint64_t energy_left = 0;  // of the last root seed's global energy
  std::uint32_t max_depth_reached = 0;
  std::vector<found_bug> recipes;  // distinct failures, the first recipes_kept found
  std::string coverage_signal;     // "assertions" or "edges"
  // "fork" or "reexecute" (what automatic branching chose), or "mixed".
  std::string branching;
  double seconds = 0;  // wall time of the whole exploration
  std::optional<double> first_bug_seconds;
  std::optional<std::uint64_t> first_bug_timeline;
  exploration_config config;  // as run
};

// How a timeline's run ended, as the explorer needs it.
struct timeline_end {
  bool ok = true;
  std::string error;
  std::string trace_hash;
};

// Runs the simulation's root seed `where.root_seed` once, following the
// recipe's steps (SimulationBuilder's replay); `root_timeline` says whether
// the run is the root seed's own timeline (whose last run is the root
// seed's result: record its trace).
using timeline_runner = std::function<timeline_end(const recipe& where, bool root_timeline)>;

// Starts exploring in this process: maps the shared state. Throws
// std::invalid_argument for a bad config, std::runtime_error when the
// platform refuses (mmap).
void start(const exploration_config& config);
// Ends exploring; the summary covers every root seed since start().
exploration_summary stop();
[[nodiscard]] bool running() noexcept;

// Explores one root seed: runs it, splitting at every discovery by fork or
// by re-execution, and returns how the root timeline itself ended.
timeline_end explore_root(std::uint64_t seed, const timeline_runner& run);

// In a process forked to explore root seeds for its parent: a state of its
// own, so that workers running side by side do not share one.
void become_worker();
// Parallel root seeds: a process that explored root seeds for its parent
// takes each one's share of the summary, and the parent adds them in
// root-seed order.
[[nodiscard]] exploration_summary take_root_summary();
void add_root_summary(const exploration_summary& root);
[[nodiscard]] std::string encode_summary(const exploration_summary& root);
[[nodiscard]] exploration_summary decode_summary(std::string_view bytes);

// What the explorer prints while it runs: a progress line rewritten on a
// terminal, and each bug as soon as it is found (with its replay command).
struct progress_options {
  bool terminal = false;
  bool stream_bugs = false;
  std::string program;  // for the replay command
};
void set_progress(progress_options options);

// True in a child timeline, from the point where it left its parent.
[[nodiscard]] bool in_child() noexcept;
// True in a forked child process. A forked child ends its run with
// finish_child, which merges its coverage and exits the process.
[[nodiscard]] bool forked_child() noexcept;
[[noreturn]] void finish_child(bool ok, std::string_view error, std::string_view trace_hash);
// A forked child about to die inside its seed (a fatal signal, exit(), a
// handler that never returned) tells its parent why; the parent records
// the timeline's recipe with this cause.
void child_aborted(std::string_view cause) noexcept;
// The recipe of the re-executed child timeline running in this process
// (the one a crash here belongs to); empty at the root or when forked.
[[nodiscard]] std::optional<recipe> reexecuted_timeline();
// A run of a re-executed timeline that killed the worker exploring its
// root seed. The root seed is explored again by a new worker, which ends
// that timeline there as failed with `error` (as a forked child's death
// would), instead of making the run again.
struct known_crash {
  std::vector<recipe_step> steps;
  std::uint64_t quiet_through = 0;
  std::string error;
};
void set_known_crashes(std::vector<known_crash> known);
// A worker's run beacon: shared memory its parent maps before the fork
// (run_beacon_size() bytes), where the worker keeps the re-executed run
// under way; read_run_beacon tells the parent, after the worker died,
// which run it died in (no error), or nothing if none was under way.
[[nodiscard]] std::size_t run_beacon_size() noexcept;
void set_run_beacon(void* memory) noexcept;
[[nodiscard]] std::optional<known_crash> read_run_beacon(const void* memory);

// The novelty signal a run uses ("edges" when the code was built with
// MOONPOOL_SANCOV, else "assertions"), and the number of edges seen so far.
[[nodiscard]] std::string_view coverage_signal() noexcept;
[[nodiscard]] std::size_t edges_covered() noexcept;
// Outside exploration: folds the edges the last seed ran into the history
// (the until-stable signal).
void fold_edges() noexcept;

}  // namespace moonpool::explore
