#pragma once
// The outcome of a simulation run: per-seed results, the assertion table and
// how the run stopped. Rendered as a text table (stderr), as the JSON of
// DESIGN.md section 4, and as one self-contained HTML page
// (src/sim/runner/report_html.cpp).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moonpool/explore/config.hpp"
#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/runner/seed_result.hpp"
#include "moonpool/sim/runner/seed_rows.hpp"
#include "moonpool/sim/storage/storage_faults.hpp"

namespace moonpool::sim {

// The command that runs one seed, or one explored timeline, of `program`
// again (shell-quoted where needed).
[[nodiscard]] std::string replay_command(std::string_view program, std::uint64_t seed);
// The command that shows a failed seed again: with --check-determinism when
// what failed was the seed's two runs differing (which a single run of it
// cannot show).
[[nodiscard]] std::string replay_command(std::string_view program, const seed_result& failed);
// How the error of a seed whose two runs differed begins
// (run_options::check_determinism).
inline constexpr std::string_view nondeterminism_error_prefix = "not deterministic: ";
[[nodiscard]] std::string replay_command(std::string_view program, const explore::recipe& recipe);

struct assertion_row {
  std::string name;
  std::string kind;  // always, sometimes, reachable, unreachable, ...
  std::uint64_t pass = 0;
  std::uint64_t fail = 0;
  std::string status;                     // pass, fail or miss
  bool reached = false;                   // evaluated at least once
  std::uint64_t frontier = 0;             // sometimes_all: most conditions true at once
  std::uint64_t conditions = 0;           // sometimes_all: how many conditions it names
  std::uint64_t buckets = 0;              // sometimes_each: distinct key combinations seen
  std::optional<std::int64_t> watermark;  // numeric kinds: best value seen
  bool maximize = true;                   // numeric kinds: whether larger is better
  // sometimes_each: every key combination seen (its hash), in increasing
  // order; `buckets` counts them. Two shards that saw one combination see
  // one bucket.
  std::vector<std::uint64_t> bucket_keys;
};

// pass, fail or miss, from a row's counts: an always-type assertion fails on
// a violation and misses when (for the plain and numeric forms) it never
// ran; a sometimes-type one passes once it held (SOMETIMES_ALL: all its
// conditions at once; SOMETIMES_EACH: any bucket) and misses otherwise.
[[nodiscard]] std::string assertion_status(const assertion_row& row);

// What a run was asked to do: the seeds it chooses and how each runs. Two
// reports of one plan, one per shard, merge into the report of the
// unsharded run. Output paths, --jobs and verbosity are not part of it:
// they change no seed's result.
struct run_plan {
  std::vector<std::uint64_t> seeds;  // --seed, in order
  // Derived seeds planned: --iterations (or the builder's default). Empty
  // when the run derives none, or derives until a time limit or until
  // stable.
  std::optional<std::uint64_t> iterations;
  std::uint64_t base_seed = 0;
  std::optional<std::chrono::nanoseconds> time_limit;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> until_stable;  // plateau, cap
  // --explore, with the exploration settings it ran with.
  std::optional<explore::exploration_config> exploration;
  bool isolate = false;
  bool check_determinism = false;
  std::chrono::nanoseconds seed_timeout{0};
};

struct SimulationReport {
  std::string name;
  // The program that ran (argv[0]); replay commands start with it. Empty
  // when the builder was run directly: the commands then show only flags.
  std::string program;
  run_plan plan;
  // --shard I/N: this report holds the seeds of shard I of N (0/1: all).
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  // The process died inside a seed (a fatal signal, exit(), a handler that
  // never returned): the report holds what ran until then, the dead seed
  // last. stop_reason is then "aborted".
  bool incomplete = false;
  std::uint64_t iterations = 0;
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::vector<std::uint64_t> failing_seeds;
  // Every seed's row, in run order, packed (seed_rows.hpp): a long run's
  // report stays small.
  seed_rows seeds;
  std::vector<assertion_row> assertions;
  // until-stable: the cap was reached before coverage settled.
  bool convergence_timeout = false;
  // Why the run stopped: "seeds", "iterations", "time_limit", "until_stable",
  // "until_stable_cap", "replay", "aborted".
  std::string stop_reason;
  // The novelty signal until-stable watched ("assertions").
  std::string coverage_signal;
  std::chrono::nanoseconds wall{0};
  // With --explore: the forked timelines and the bugs they found.
  std::optional<explore::exploration_summary> exploration;
  // With --replay: the recipe that was replayed.
  std::optional<explore::recipe> replayed;

  // The storage faults of every seed, summed.
  [[nodiscard]] storage_fault_counts storage_faults() const noexcept;
  [[nodiscard]] bool ok() const noexcept {
    return failed == 0 && (!exploration || exploration->bugs == 0);
  }
  // The command that shows a failed seed of this run again: the replayed
  // recipe when the run was a --replay, else the seed (the JSON's "replay").
  [[nodiscard]] std::string replay_of(const seed_result& failed) const;
  // The JSON report (docs/runner.md, "The report"), and back: from_json
  // reads what to_json wrote, and throws std::invalid_argument with one
  // line naming the field that is missing or wrong.
  [[nodiscard]] std::string to_json() const;
  [[nodiscard]] static SimulationReport from_json(std::string_view json);
  // The summary, failing seeds and (unless brief) the assertion table.
  [[nodiscard]] std::string to_text(bool brief = false) const;
  // One HTML page holding everything it shows (styles, script, charts
  // inline; nothing fetched): summary, failing seeds with replay commands,
  // the multiverse tree of an exploration, the assertion table, a chart of
  // the seeds, storage fault counts. Every text from the run is escaped.
  [[nodiscard]] std::string to_html() const;
};

}  // namespace moonpool::sim
