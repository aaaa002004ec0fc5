#pragma once
// --check-determinism: every seed runs twice, each in a world of its own,
// both recording their traces, and the seed fails if the two differ. The
// failure names the first record where they part (with its simulated time,
// host and task) and what each run did there, so that the search for the
// leak (state kept across seeds, OS randomness, pointer order, threads)
// starts at the right event.

#include <cstdint>
#include <functional>

#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim::detail {

// Runs `run` twice; the second run's assertions are not counted. Returns
// the first run's result, failed when the runs differ. `trace` (may be
// null) receives the first run's trace.
[[nodiscard]] seed_result run_twice_and_compare(
    std::uint64_t seed, iteration_trace* trace,
    const std::function<seed_result(iteration_trace*)>& run);

}  // namespace moonpool::sim::detail
