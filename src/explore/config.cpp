#include "moonpool/explore/config.hpp"

#include <stdexcept>
#include <string>

namespace moonpool::explore {

void adaptive_config::validate() const {
  if (batch_size == 0) {
    throw std::invalid_argument("adaptive_config::batch_size must be at least 1");
  }
  if (max_timelines == 0 || min_timelines > max_timelines) {
    throw std::invalid_argument(
        "adaptive_config needs 1 <= max_timelines and min_timelines <= max_timelines (got min " +
        std::to_string(min_timelines) + ", max " + std::to_string(max_timelines) + ")");
  }
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
