#include "render.hpp"

#include <algorithm>
#include <cstdio>

namespace moonpool::trace_tool {
namespace {

constexpr std::size_t width_max = 24;
constexpr std::size_t time_width = 14;  // "999.000000000s"

void cell(std::string& out, const std::string& text, std::size_t width) {
  out += text;
  out.append(width > text.size() ? width - text.size() : 0, ' ');
  out += "  ";
}

std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// A value as key=value shows it: quoted when it holds a space or is empty.
std::string value_text(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t\"") == std::string::npos) {
    return value;
  }
  std::string quoted = "\"";
  for (char c : value) {
    quoted += c == '"' ? "\\\"" : std::string(1, c);
  }
  return quoted + "\"";
}

}  // namespace

std::string seconds(std::uint64_t t_ns) {
  char text[40];
  std::snprintf(text, sizeof text, "%llu.%09llus",
                static_cast<unsigned long long>(t_ns / 1'000'000'000),
                static_cast<unsigned long long>(t_ns % 1'000'000'000));
  return text;
}

columns fit(std::span<const trace_line* const> rows, bool with_seed) {
  columns layout;
  layout.seed = with_seed;
  auto widen = [](std::size_t& width, const std::string& text) {
    width = std::max(width, std::min(std::max<std::size_t>(text.size(), 1), width_max));
  };
  for (const trace_line* line : rows) {
    widen(layout.seed_width, line->seed);
    widen(layout.host_width, line->host);
    widen(layout.task_width, line->task);
    widen(layout.event_width, line->event);
  }
  return layout;
}

std::string header(const columns& layout) {
  std::string out;
  cell(out, "time", time_width);
  if (layout.seed) {
    cell(out, "seed", layout.seed_width);
  }
  cell(out, "host", layout.host_width);
  cell(out, "task", layout.task_width);
  cell(out, "event", layout.event_width);
  out += "fields";
  return out;
}

std::string row(const trace_line& line, const columns& layout) {
  std::string out;
  cell(out, seconds(line.t_ns), time_width);
  if (layout.seed) {
    cell(out, or_dash(line.seed), layout.seed_width);
  }
  cell(out, or_dash(line.host), layout.host_width);
  cell(out, or_dash(line.task), layout.task_width);
  cell(out, line.event, layout.event_width);
  for (std::size_t i = 0; i < line.fields.size(); ++i) {
    out += (i == 0 ? "" : " ") + line.fields[i].first + "=" + value_text(line.fields[i].second);
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

}  // namespace moonpool::trace_tool
