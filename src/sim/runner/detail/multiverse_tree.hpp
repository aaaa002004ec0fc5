#pragma once
// The multiverse of an exploration as a tree a page can draw: every root
// seed, and below it the forks that lead to each bug the report keeps.
// The explorer does not keep every timeline it ran (thousands), only the
// recipes of the distinct failures (the first 32), so the tree is the union
// of those recipes' paths; its totals are the summary's counts.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/runner/report.hpp"

namespace moonpool::sim::detail {

// A child timeline, reached from its parent node through `forks` (more
// than one when a stretch of the path never branches toward another bug:
// one node per branching, not one per fork, keeps a 20-fork path readable).
struct multiverse_node {
  std::vector<explore::recipe_step> forks;
  // Bugs (indices into exploration_summary::recipes) whose timeline is the
  // one this node ends at.
  std::vector<std::size_t> bugs;
  std::vector<multiverse_node> children;
};

struct multiverse_root {
  std::uint64_t seed = 0;
  // The root timeline's own result, when the report holds it.
  const seed_result* timeline = nullptr;
  multiverse_node tree;  // no forks: the root timeline itself
  std::size_t bugs_below = 0;
};

// Roots in the order the report lists its seeds (root-seed order), then any
// root a bug names that the report's seeds do not (a report cut short);
// children in the order their first bug was found.
[[nodiscard]] std::vector<multiverse_root> build_multiverse(
    std::span<const seed_result> roots, std::span<const explore::found_bug> bugs);

}  // namespace moonpool::sim::detail
