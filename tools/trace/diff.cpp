#include <algorithm>
#include <ostream>
#include <set>

#include "commands.hpp"
#include "render.hpp"

namespace moonpool::trace_tool {
namespace {

// "7" or "7, 9": the seeds a trace holds, in the order they come.
std::string seeds_of(const std::vector<trace_line>& lines) {
  std::set<std::string> seen;
  std::string seeds;
  for (const trace_line& line : lines) {
    if (seen.insert(line.seed).second) {
      seeds += (seeds.empty() ? "" : ", ") + (line.seed.empty() ? "(none)" : line.seed);
    }
  }
  return seeds.empty() ? "(none)" : seeds;
}

}  // namespace

// The first record where two traces part, compared without their seeds (two
// runs of one seed must agree; two seeds show where they start to differ).
int diff(const std::string& path_a, const std::string& path_b, std::size_t context,
         std::ostream& out) {
  const std::vector<trace_line> a = read_trace(path_a);
  const std::vector<trace_line> b = read_trace(path_b);
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t first = 0;
  while (first < common && a[first].without_seed == b[first].without_seed) {
    ++first;
  }
  if (first == a.size() && first == b.size()) {
    out << "identical: " << a.size() << (a.size() == 1 ? " record" : " records")
        << " (seeds ignored)\n";
    return 0;
  }
  const std::size_t before = std::min(first, context);
  const std::size_t a_after = std::min(a.size() - first, context + 1);
  const std::size_t b_after = std::min(b.size() - first, context + 1);
  std::vector<const trace_line*> shown;
  for (std::size_t i = first - before; i < first; ++i) {
    shown.push_back(&a[i]);
  }
  for (std::size_t i = 0; i < a_after; ++i) {
    shown.push_back(&a[first + i]);
  }
  for (std::size_t i = 0; i < b_after; ++i) {
    shown.push_back(&b[first + i]);
  }
  const columns layout = fit(shown, false);

  out << "traces differ at record " << first + 1 << ": A '" << path_a << "' line "
      << (first < a.size() ? std::to_string(a[first].line_number) : "(end)") << ", B '" << path_b
      << "' line " << (first < b.size() ? std::to_string(b[first].line_number) : "(end)") << "\n";
  out << "  A: " << a.size() << " records, seed " << seeds_of(a) << "; B: " << b.size()
      << " records, seed " << seeds_of(b) << "; the first " << first << " are the same\n";
  out << "  " << header(layout) << "\n";
  for (std::size_t i = first - before; i < first; ++i) {
    out << "  " << row(a[i], layout) << "\n";
  }
  for (std::size_t i = 0; i < a_after; ++i) {
    out << "A " << row(a[first + i], layout) << "\n";
  }
  if (first == a.size()) {
    out << "A (A ends here, after " << a.size() << " records)\n";
  }
  for (std::size_t i = 0; i < b_after; ++i) {
    out << "B " << row(b[first + i], layout) << "\n";
  }
  if (first == b.size()) {
    out << "B (B ends here, after " << b.size() << " records)\n";
  }
  return 1;
}

}  // namespace moonpool::trace_tool
