#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <vector>

#include "commands.hpp"
#include "render.hpp"

namespace moonpool::trace_tool {
namespace {

// Most frequent first, then by name.
void print_counts(std::ostream& out, const char* title,
                  const std::map<std::string, std::size_t>& counts) {
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& x, const auto& y) { return x.second > y.second; });
  out << title << ":\n";
  for (const auto& [name, count] : sorted) {
    std::string number = std::to_string(count);
    number.insert(0, number.size() < 10 ? 10 - number.size() : 0, ' ');
    out << number << "  " << name << "\n";
  }
}

}  // namespace

int stats(const std::string& path, std::ostream& out) {
  const std::vector<trace_line> lines = read_trace(path);
  std::map<std::string, std::size_t> events;
  std::map<std::string, std::size_t> hosts;
  std::set<std::string> seeds;
  std::uint64_t first_ns = UINT64_MAX;
  std::uint64_t last_ns = 0;
  for (const trace_line& line : lines) {
    ++events[line.event];
    ++hosts[line.host.empty() ? "(no host)" : line.host];
    seeds.insert(line.seed);
    first_ns = std::min(first_ns, line.t_ns);
    last_ns = std::max(last_ns, line.t_ns);
  }
  out << path << ": " << lines.size() << " records, " << seeds.size()
      << (seeds.size() == 1 ? " seed" : " seeds");
  if (!lines.empty()) {
    out << ", simulated time " << seconds(first_ns) << " to " << seconds(last_ns);
  }
  out << "\n";
  print_counts(out, "events", events);
  print_counts(out, "hosts", hosts);
  return 0;
}

}  // namespace moonpool::trace_tool
