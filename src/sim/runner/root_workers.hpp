#pragma once
// --explore: every root seed is explored in a worker process of its own,
// several at once (--jobs), and committed in root-seed order.
//
// A worker starts from the same state whatever ran before or beside it: a
// fresh explorer block and an assertion table made from the snapshot taken
// when the exploration began (its counts cleared). So a root seed grows the
// same tree with --jobs 1 or --jobs 8, and the parent adds each worker's
// counts and summary in order.
//
// A worker that dies in a re-executed timeline (a crash, exit() or hang in
// user code) leaves that run in its beacon (shared memory); the root seed is explored again by
// a new worker that ends the timeline there as a failure instead of
// running it (explore::known_crash), so the rest of the tree is still
// explored. A worker that dies anywhere else fails its root seed.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim::detail {

struct explored_root {
  seed_result result;
  iteration_trace trace;
  explore::exploration_summary summary;
};

using root_explorer = std::function<seed_result(std::uint64_t seed, iteration_trace* trace)>;

// Explores `seeds`, at most `jobs` at once, handing each to `commit` in the
// order of `seeds` as soon as every earlier one was committed. `commit`
// returns false to stop: roots not yet committed are then abandoned.
void explore_roots(const std::vector<std::uint64_t>& seeds, std::uint32_t jobs, bool want_trace,
                   const root_explorer& explore,
                   const std::function<bool(explored_root&&)>& commit);

}  // namespace moonpool::sim::detail
