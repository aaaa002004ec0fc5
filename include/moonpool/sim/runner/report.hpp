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
#include <vector>

#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/storage/storage_faults.hpp"

namespace moonpool::sim {

struct seed_result {
  std::uint64_t seed = 0;
  bool ok = true;
  std::string error;  // empty when ok
  std::uint64_t events = 0;
  std::chrono::nanoseconds sim_time{0};
  std::chrono::nanoseconds wall{0};
  std::string trace_hash;
  // A replayed recipe: how many of its steps (forks) the run reached. Fewer
  // than the recipe holds means it came from another binary or the code
  // changed since it was recorded.
  std::optional<std::size_t> recipe_steps_applied;
  // What every disk of the seed's world injected, by kind.
  storage_fault_counts storage_faults;
};

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
};

struct SimulationReport {
  std::string name;
  // The program that ran (argv[0]); replay commands start with it. Empty
  // when the builder was run directly: the commands then show only flags.
  std::string program;
  // The process died inside a seed (a fatal signal, exit(), a handler that
  // never returned): the report holds what ran until then, the dead seed
  // last. stop_reason is then "aborted".
  bool incomplete = false;
  std::uint64_t iterations = 0;
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::vector<std::uint64_t> failing_seeds;
  std::vector<seed_result> seeds;
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
  [[nodiscard]] std::string to_json() const;
  // The summary, failing seeds and (unless brief) the assertion table.
  [[nodiscard]] std::string to_text(bool brief = false) const;
  // One HTML page holding everything it shows (styles, script, charts
  // inline; nothing fetched): summary, failing seeds with replay commands,
  // the multiverse tree of an exploration, the assertion table, a chart of
  // the seeds, storage fault counts. Every text from the run is escaped.
  [[nodiscard]] std::string to_html() const;
};

}  // namespace moonpool::sim
