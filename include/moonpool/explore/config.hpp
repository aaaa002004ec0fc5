#pragma once
// How the fork explorer spends its budget. Set on the builder
// (SimulationBuilder::exploration) or from the command line (--explore,
// --energy, --jobs, --explore-fixed).

#include <cstdint>
#include <optional>

namespace moonpool::explore {

// Adaptive splitting: a discovery forks children in batches while they keep
// finding something new, and gives up on a mark whose batch found nothing.
struct adaptive_config {
  std::uint32_t batch_size = 4;
  // A mark is not called barren before this many children, on the first
  // root seed and on later ("warm") ones.
  std::uint32_t min_timelines = 8;
  std::uint32_t warm_min_timelines = 4;
  // Never more children than this from one discovery.
  std::uint32_t max_timelines = 200;
  // Energy each mark gets when it fires; a barren mark returns what it did
  // not use to a pool that productive marks draw on once theirs is spent.
  std::uint32_t per_mark_energy = 64;

  void validate() const;
};

struct exploration_config {
  // Forks below this depth only (the root timeline has depth 0).
  std::uint32_t max_depth = 64;
  // Children per root seed, across the whole tree.
  std::uint64_t global_energy = 5000;
  // Fixed-count splitting when set: every discovery forks this many
  // children (while energy lasts). Adaptive splitting otherwise.
  std::optional<std::uint32_t> timelines_per_split;
  adaptive_config adaptive{};
  // Children running at once; 0 means one per core. 1 is sequential: the
  // same root seed then always grows the same tree.
  std::uint32_t jobs = 0;

  void validate() const;
};

}  // namespace moonpool::explore
