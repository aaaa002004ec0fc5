#include "moonpool/explore/config.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace moonpool::explore {

std::uint32_t adaptive_config::barren_after() const {
  if (min_timelines != 0) {
    return min_timelines;
  }
  // The smallest n with (1 - rare_step)^n <= 1 - confidence.
  const double n = std::ceil(std::log(1.0 - confidence) / std::log1p(-rare_step));
  return n >= 1e6 ? 1'000'000U : static_cast<std::uint32_t>(std::max(1.0, n));
}

void adaptive_config::validate() const {
  if (batch_size == 0) {
    throw std::invalid_argument("adaptive_config::batch_size (--explore-batch) must be at least 1");
  }
  if (max_timelines == 0 || min_timelines > max_timelines) {
    throw std::invalid_argument(
        "adaptive_config needs 1 <= max_timelines (--explore-max-split) and min_timelines "
        "(--explore-min-split) <= max_timelines (got min " +
        std::to_string(min_timelines) + ", max " + std::to_string(max_timelines) + ")");
  }
  if (!(rare_step > 0.0 && rare_step < 1.0)) {
    throw std::invalid_argument(
        "adaptive_config::rare_step (--explore-rare-step) must lie strictly between 0 and 1, e.g. "
        "0.04 for a step that happens once in 25 tries");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument(
        "adaptive_config::confidence (--explore-confidence) must lie strictly between 0 and 1, "
        "e.g. 0.95");
  }
}

std::string_view to_string(branching b) noexcept {
  switch (b) {
    case branching::fork:
      return "fork";
    case branching::reexecute:
      return "reexecute";
    case branching::automatic:
      break;
  }
  return "auto";
}

void exploration_config::validate() const {
  if (max_depth == 0) {
    throw std::invalid_argument("exploration_config::max_depth must be at least 1");
  }
  if (max_depth > 120) {
    throw std::invalid_argument(
        "exploration_config::max_depth is at most 120 (a recipe holds 120 forks)");
  }
  if (timelines_per_split && *timelines_per_split == 0) {
    throw std::invalid_argument("timelines per split (--explore-fixed) must be at least 1");
  }
  adaptive.validate();
}

}  // namespace moonpool::explore
