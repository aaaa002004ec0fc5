#pragma once
// Reading a --trace file: one JSON object per line (docs/debugging.md).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace moonpool::trace_tool {

// Input the tool cannot use (a missing file, a line that is not a trace
// record, a bad flag value): one line naming it and the fix; exit status 2.
class bad_input : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct trace_line {
  std::size_t line_number = 0;  // in its file, from 1
  std::string seed;             // decimal digits; empty when the line has none
  std::uint64_t t_ns = 0;
  std::string host;
  std::string task;
  std::string event;
  // The record's own keys and values, in the order they were written;
  // strings as they are, anything else as JSON.
  std::vector<std::pair<std::string, std::string>> fields;
  // The record without its seed, as JSON: what two runs of a seed compare.
  std::string without_seed;
};

// Every record of a trace file, in order; blank lines are skipped. Throws
// bad_input naming the file (and the line) when it cannot be read.
[[nodiscard]] std::vector<trace_line> read_trace(const std::string& path);

}  // namespace moonpool::trace_tool
