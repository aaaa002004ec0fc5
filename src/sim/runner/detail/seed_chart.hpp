#pragma once
// The seeds of a run as an inline SVG chart: each seed's event count (x)
// against its simulated time (y), failing seeds in red. A run of up to
// seed_chart_dot_limit seeds draws a dot per seed, each naming its seed on
// hover; a larger one is binned into a grid of cells shaded by how many
// seeds fall in each (failing seeds in a red layer above the passing ones),
// so 100,000 seeds stay a readable picture and a file of a few hundred
// kilobytes at most.

#include <cstddef>
#include <span>
#include <string>

#include "moonpool/sim/runner/report.hpp"

namespace moonpool::sim::detail {

inline constexpr std::size_t seed_chart_dot_limit = 1000;
inline constexpr std::size_t seed_chart_columns = 60;
inline constexpr std::size_t seed_chart_rows = 30;

// <svg id="seed-chart" data-mode="dots|binned" data-seeds="N"
// data-marks="M" ...>; every mark (a dot or a cell) has data-mark.
[[nodiscard]] std::string seed_chart_svg(std::span<const seed_result> seeds);

}  // namespace moonpool::sim::detail
