#pragma once
// What one seed's run produced: one row of a report.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "moonpool/sim/storage/storage_faults.hpp"

namespace moonpool::sim {

// With --explore: what exploring one root seed did, its share of the
// report's exploration summary. Kept per seed so that the reports of shards
// add up to the summary of the unsharded run (report_merge.hpp).
struct root_exploration {
  std::uint64_t timelines = 0;
  std::uint64_t fork_points = 0;
  std::uint64_t bugs = 0;
  std::uint64_t energy_left = 0;
  std::uint32_t max_depth_reached = 0;
  std::string branching;      // "fork" or "reexecute"
  std::uint64_t recipes = 0;  // distinct failures it found (their recipes, up to the cap)
  friend bool operator==(const root_exploration&, const root_exploration&) = default;
};

struct seed_result {
  std::uint64_t seed = 0;
  // The seed's place in the unsharded run's list of seeds: the explicit
  // seeds (--seed) first, in order, then the derived ones by number. A
  // shard runs some of the places; its report says which.
  std::uint64_t index = 0;
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
  // With --explore: what exploring this root seed did.
  std::optional<root_exploration> exploration;
  friend bool operator==(const seed_result&, const seed_result&) = default;
};

}  // namespace moonpool::sim
