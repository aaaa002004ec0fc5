#include "moonpool/sim/log.hpp"

#include <cstdio>
#include <string>

#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim {
namespace detail {

log_destination current_log_destination() noexcept {
  const world_state* world = world_state::current();
  if (world == nullptr) {
    return log_destination::standard_error;
  }
  return world->recording() ? log_destination::trace : log_destination::discard;
}

void write_log(log_destination destination, std::string_view message) {
  switch (destination) {
    case log_destination::discard:
      return;
    case log_destination::trace:
      // Not hashed: log lines are for readers and must not move a seed's
      // hash (trace.hpp).
      world_state::current()->trace_unhashed(trace_kind::user_log, {}, message);
      return;
    case log_destination::standard_error: {
      std::string line(message);
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), stderr);
      return;
    }
  }
}

}  // namespace detail

void log(std::string_view message) {
  detail::write_log(detail::current_log_destination(), message);
}

}  // namespace moonpool::sim
