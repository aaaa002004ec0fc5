#pragma once
// The commands of moonpool-trace. Each writes to stdout, returns the exit
// status, and throws bad_input for input it cannot use.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace moonpool::trace_tool {

// Which records `show` prints; an empty list lets every record through.
struct record_filter {
  std::vector<std::string> hosts;           // exact host names
  std::vector<std::string> tasks;           // exact task names
  std::vector<std::string> event_prefixes;  // "net." or "net.transmit"
  std::vector<std::string> seeds;
  std::optional<std::uint64_t> from_ns;  // simulated time, inclusive
  std::optional<std::uint64_t> to_ns;
};

// Simulated seconds ("8.5", "8.5s", "12") as nanoseconds, exactly; throws
// bad_input naming `flag` for anything else.
[[nodiscard]] std::uint64_t parse_seconds(const std::string& text, const std::string& flag);

int show(const std::string& path, const record_filter& filter, std::ostream& out,
         std::ostream& err);
int diff(const std::string& path_a, const std::string& path_b, std::size_t context,
         std::ostream& out);
int stats(const std::string& path, std::ostream& out);

}  // namespace moonpool::trace_tool
