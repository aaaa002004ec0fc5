#pragma once
// Log lines from simulated code, with simulated time, host and task.
//
//   moonpool::sim::log("leader of term ", term, " with ", votes, " votes");
//
// The parts are written one after the other with operator<<. Inside a
// simulation whose trace is kept (--trace PATH, world_options::record_trace)
// each call adds a "user.log" record to the trace: the message at the
// current simulated time, with the running task and its host. Log records
// are not part of trace_hash: adding, removing or changing a log line never
// changes a seed's hash, so a failing seed keeps its hash while you add
// lines to understand it. When the trace is not kept a call costs one check
// and formats nothing. Outside a simulation (the same code running in
// production) the message goes to stderr as one line, so code shared by both
// worlds keeps its log.

#include <concepts>
#include <sstream>
#include <string_view>

namespace moonpool::sim {

namespace detail {

enum class log_destination : unsigned char {
  discard,  // in a simulation that keeps no trace
  trace,    // in a simulation that keeps its trace
  standard_error,
};
[[nodiscard]] log_destination current_log_destination() noexcept;
void write_log(log_destination destination, std::string_view message);

}  // namespace detail

void log(std::string_view message);

template <class... Parts>
requires(sizeof...(Parts) > 1 ||
         (sizeof...(Parts) == 1 && !(std::convertible_to<const Parts&, std::string_view> &&
                                     ...))) void log(const Parts&... parts) {
  const detail::log_destination destination = detail::current_log_destination();
  if (destination == detail::log_destination::discard) {
    return;
  }
  std::ostringstream message;
  (message << ... << parts);
  detail::write_log(destination, message.view());
}

}  // namespace moonpool::sim
