#pragma once
// How the fork explorer spends its budget. Set on the builder
// (SimulationBuilder::exploration) or from the command line (--explore,
// --energy, --jobs, --explore-fixed).

#include <cstdint>
#include <optional>
#include <string_view>

namespace moonpool::explore {

// Adaptive splitting: a discovery forks children in batches. The mark keeps
// going for as long as the step it guards could still be as common as
// `rare_step` and unseen (statistically: while the chance that progress that
// likely shows in none of n children, (1 - rare_step)^n, is above
// 1 - `confidence`), and after that while whole batches keep finding
// something new.
struct adaptive_config {
  std::uint32_t batch_size = 4;
  // The rarest step the explorer insists on finding behind a discovery: a
  // mark is barren only once its children make it unlikely (below
  // 1 - confidence) that a step this likely is behind it. The default
  // (1 in 25, 95%) gives up after 74 children that found nothing.
  double rare_step = 0.04;
  double confidence = 0.95;
  // Set to give up after exactly this many fruitless children instead
  // (0: derived from rare_step and confidence).
  std::uint32_t min_timelines = 0;
  // Never more children than this from one discovery.
  std::uint32_t max_timelines = 300;
  // Energy each mark gets when it fires; a barren mark returns what it did
  // not use to a pool that productive marks draw on once theirs is spent.
  std::uint32_t per_mark_energy = 100;

  // Children a mark forks, none finding anything new, before it is barren.
  [[nodiscard]] std::uint32_t barren_after() const;
  void validate() const;
};

// How a split point's children reach it. `fork` copies the process at the
// split (cheap for long prefixes, costly per child where fork() is slow);
// `reexecute` runs each child again from its root seed, following the
// recipe (nothing is copied; a whole seed run per child). `automatic`
// measures both on the first split of each root seed and keeps the
// cheaper. The tree, bugs and recipes are the same either way.
enum class branching { automatic, fork, reexecute };
[[nodiscard]] std::string_view to_string(branching b) noexcept;

struct exploration_config {
  // Forks below this depth only (the root timeline has depth 0).
  std::uint32_t max_depth = 64;
  // Children per root seed, across the whole tree.
  std::uint64_t global_energy = 5000;
  // Fixed-count splitting when set: every discovery forks this many
  // children (while energy lasts). Adaptive splitting otherwise.
  std::optional<std::uint32_t> timelines_per_split;
  adaptive_config adaptive{};
  branching branch = branching::automatic;
  // Root seeds explored at once, each in a process of its own; 0 means one
  // per core. Every root seed grows the same tree whatever this is, and
  // results are reported in root-seed order.
  std::uint32_t jobs = 0;

  void validate() const;
};

}  // namespace moonpool::explore
