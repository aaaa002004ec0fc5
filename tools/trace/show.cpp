#include <algorithm>
#include <charconv>
#include <ostream>
#include <set>

#include "commands.hpp"
#include "render.hpp"

namespace moonpool::trace_tool {
namespace {

bool any_of_or_none(const std::vector<std::string>& wanted, const std::string& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

bool passes(const trace_line& line, const record_filter& filter) {
  const bool event_wanted =
      filter.event_prefixes.empty() ||
      std::any_of(filter.event_prefixes.begin(), filter.event_prefixes.end(),
                  [&](const std::string& prefix) { return line.event.starts_with(prefix); });
  return event_wanted && any_of_or_none(filter.hosts, line.host) &&
         any_of_or_none(filter.tasks, line.task) && any_of_or_none(filter.seeds, line.seed) &&
         (!filter.from_ns || line.t_ns >= *filter.from_ns) &&
         (!filter.to_ns || line.t_ns <= *filter.to_ns);
}

}  // namespace

std::uint64_t parse_seconds(const std::string& text, const std::string& flag) {
  const std::string number = text.ends_with('s') ? text.substr(0, text.size() - 1) : text;
  const std::size_t point = number.find('.');
  const std::string whole = number.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : number.substr(point + 1);
  std::uint64_t seconds = 0;
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  const bool digits_only = fraction.find_first_not_of("0123456789") == std::string::npos;
  if (whole.empty() || ec != std::errc() || end != whole.data() + whole.size() || !digits_only ||
      fraction.size() > 9 || seconds > 18'000'000'000ULL) {
    throw bad_input(flag + " expects simulated seconds such as 8.5 (at most 9 decimals), got '" +
                    text + "'");
  }
  std::uint64_t nanoseconds = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    nanoseconds = nanoseconds * 10 + (i < fraction.size() ? std::uint64_t(fraction[i] - '0') : 0);
  }
  return seconds * 1'000'000'000ULL + nanoseconds;
}

int show(const std::string& path, const record_filter& filter, std::ostream& out,
         std::ostream& err) {
  const std::vector<trace_line> lines = read_trace(path);
  std::vector<const trace_line*> shown;
  std::set<std::string> seeds;
  for (const trace_line& line : lines) {
    seeds.insert(line.seed);
    if (passes(line, filter)) {
      shown.push_back(&line);
    }
  }
  const columns layout = fit(shown, seeds.size() > 1);
  out << header(layout) << "\n";
  for (const trace_line* line : shown) {
    out << row(*line, layout) << "\n";
  }
  if (shown.empty()) {
    err << "moonpool-trace: none of the " << lines.size() << " records of '" << path
        << "' matches\n";
  }
  return 0;
}

}  // namespace moonpool::trace_tool
