#pragma once
// The standard command line of a simulation binary, parsed apart from
// running it, so that every flag's hostile forms can be tested (and fuzzed)
// without running a seed.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../../common/printable.hpp"
#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim::detail {

// A command line that cannot be run. what() is one printable line naming
// the flag and the fix.
struct usage_error : std::runtime_error {
  explicit usage_error(const std::string& message);
};

struct command_line {
  run_options options;
  std::string report_json;
  std::string report_html;
  std::string trace_path;
  bool quiet = false;
  bool verbose = false;
  // --help was given: print this and exit 0.
  std::optional<std::string> help;
};

// Throws usage_error. Reads no files and runs nothing.
command_line parse_command_line(int argc, const char* const* argv,
                                const SimulationBuilder& simulation);

using moonpool::detail::printable;

}  // namespace moonpool::sim::detail
