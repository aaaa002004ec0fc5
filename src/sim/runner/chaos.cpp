#include "moonpool/sim/runner/chaos.hpp"

#include <stdexcept>
#include <string>

namespace moonpool::sim {

void attrition_config::validate() const {
  auto require = [](bool ok, const char* what) {
    if (!ok) {
      throw std::invalid_argument(std::string("attrition_config.") + what);
    }
  };
  require(graceful_weight >= 0 && crash_weight >= 0 && crash_and_wipe_weight >= 0,
          "weights must not be negative");
  require(interval_min > std::chrono::nanoseconds(0) && interval_max >= interval_min,
          "interval_min must be positive and interval_max >= interval_min");
  require(recovery_min >= std::chrono::nanoseconds(0) && recovery_max >= recovery_min,
          "recovery_max must be >= recovery_min >= 0");
  require(grace_min >= std::chrono::nanoseconds(0) && grace_max >= grace_min,
          "grace_max must be >= grace_min >= 0");
}

std::string_view to_string(reboot_kind kind) noexcept {
  switch (kind) {
    case reboot_kind::graceful:
      return "graceful";
    case reboot_kind::crash:
      return "crash";
    case reboot_kind::crash_and_wipe:
      return "crash_and_wipe";
  }
  return "unknown";
}

}  // namespace moonpool::sim
