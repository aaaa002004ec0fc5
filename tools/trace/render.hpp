#pragma once
// Trace records as aligned text columns: simulated time, host, task,
// event, then the record's fields as key=value.

#include <span>
#include <string>

#include "trace_file.hpp"

namespace moonpool::trace_tool {

struct columns {
  bool seed = false;  // a seed column, for files that hold several seeds
  std::size_t seed_width = 4;
  std::size_t host_width = 4;
  std::size_t task_width = 4;
  std::size_t event_width = 5;
};

// Widths that fit `rows` (each column at most 24 characters wide: a longer
// value pushes its row's later columns right rather than being cut).
[[nodiscard]] columns fit(std::span<const trace_line* const> rows, bool with_seed);

[[nodiscard]] std::string header(const columns& layout);
[[nodiscard]] std::string row(const trace_line& line, const columns& layout);

// "12.000345000s".
[[nodiscard]] std::string seconds(std::uint64_t t_ns);

}  // namespace moonpool::trace_tool
