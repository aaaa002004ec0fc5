#include "seed_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "html_text.hpp"

namespace moonpool::sim::detail {
namespace {

constexpr double chart_width = 880;
constexpr double chart_height = 390;
constexpr double plot_left = 76;
constexpr double plot_right = chart_width - 20;
constexpr double plot_top = 36;
constexpr double plot_bottom = chart_height - 48;
constexpr double plot_width = plot_right - plot_left;
constexpr double plot_height = plot_bottom - plot_top;
constexpr int ticks_wanted = 5;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// An axis from 0 to a round maximum in round steps (1, 2 or 5 times a power
// of ten), so that tick labels read as plain numbers.
struct axis {
  double max = 1;
  double step = 1;
};

axis round_axis(double largest) {
  if (!(largest > 0)) {
    largest = 1;
  }
  const double raw = largest / ticks_wanted;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double step = magnitude * (normalized <= 1   ? 1
                                   : normalized <= 2 ? 2
                                   : normalized <= 5 ? 5
                                                     : 10);
  return {std::ceil(largest / step - 1e-9) * step, step};
}

std::string compact(double value) {
  char text[32];
  if (value >= 1e6) {
    std::snprintf(text, sizeof text, "%gM", value / 1e6);
  } else if (value >= 1e3) {
    std::snprintf(text, sizeof text, "%gk", value / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%g", value);
  }
  return text;
}

// Simulated time is labelled in one unit for the whole axis.
struct time_unit {
  const char* name;
  double per_second;
};
time_unit unit_for(double axis_max_seconds) {
  if (axis_max_seconds < 1e-3) {
    return {"µs", 1e6};
  }
  if (axis_max_seconds < 1) {
    return {"ms", 1e3};
  }
  return {"s", 1};
}

struct scales {
  axis events;
  axis seconds;
  [[nodiscard]] double x(double events_value) const {
    return plot_left + events_value / events.max * plot_width;
  }
  [[nodiscard]] double y(double seconds_value) const {
    return plot_bottom - seconds_value / seconds.max * plot_height;
  }
};

double seconds_of(const seed_result& s) {
  return static_cast<double>(s.sim_time.count()) / 1e9;
}

void append_axes(std::string& svg, const scales& s) {
  const time_unit unit = unit_for(s.seconds.max);
  svg += "<g class=\"grid\">";
  for (double v = 0; v <= s.events.max + s.events.step / 2; v += s.events.step) {
    const std::string x = number(s.x(v));
    svg += "<line x1=\"" + x + "\" y1=\"" + number(plot_top) + "\" x2=\"" + x + "\" y2=\"" +
           number(plot_bottom) + "\"/><text class=\"tick\" x=\"" + x + "\" y=\"" +
           number(plot_bottom + 16) + "\" text-anchor=\"middle\">" + compact(v) + "</text>";
  }
  for (double v = 0; v <= s.seconds.max + s.seconds.step / 2; v += s.seconds.step) {
    char label[32];
    std::snprintf(label, sizeof label, "%g", v * unit.per_second);
    const std::string y = number(s.y(v));
    svg += "<line x1=\"" + number(plot_left) + "\" y1=\"" + y + "\" x2=\"" + number(plot_right) +
           "\" y2=\"" + y + "\"/><text class=\"tick\" x=\"" + number(plot_left - 8) + "\" y=\"" +
           y + "\" dy=\"4\" text-anchor=\"end\">" + label + "</text>";
  }
  svg += "</g><text class=\"axis-label\" x=\"" + number(plot_left + plot_width / 2) + "\" y=\"" +
         number(chart_height - 8) + "\" text-anchor=\"middle\">events per seed</text>";
  svg += "<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"" +
         number(-(plot_top + plot_height / 2)) + "\" y=\"16\" text-anchor=\"middle\">" +
         "simulated time per seed (" + unit.name + ")</text>";
}

void append_legend(std::string& svg, bool binned) {
  const std::string y = number(plot_top - 18);
  svg += "<g class=\"legend\">";
  if (binned) {
    svg += "<rect class=\"ok\" x=\"" + number(plot_left) + "\" y=\"" + number(plot_top - 27) +
           "\" width=\"12\" height=\"12\"/><text x=\"" + number(plot_left + 18) + "\" y=\"" + y +
           "\" dy=\"4\">passed</text><rect class=\"failed\" x=\"" + number(plot_left + 90) +
           "\" y=\"" + number(plot_top - 27) + "\" width=\"12\" height=\"12\"/><text x=\"" +
           number(plot_left + 108) + "\" y=\"" + y +
           "\" dy=\"4\">failed</text><text class=\"note\" x=\"" + number(plot_left + 180) +
           "\" y=\"" + y + "\" dy=\"4\">seeds binned; a darker cell holds more seeds</text>";
  } else {
    svg += "<circle class=\"ok\" cx=\"" + number(plot_left + 6) + "\" cy=\"" + y +
           "\" r=\"4\"/><text x=\"" + number(plot_left + 16) + "\" y=\"" + y +
           "\" dy=\"4\">passed</text><circle class=\"failed\" cx=\"" + number(plot_left + 96) +
           "\" cy=\"" + y + "\" r=\"4\"/><text x=\"" + number(plot_left + 106) + "\" y=\"" + y +
           "\" dy=\"4\">failed</text><text class=\"note\" x=\"" + number(plot_left + 180) +
           "\" y=\"" + y + "\" dy=\"4\">one dot per seed; hover for its seed</text>";
  }
  svg += "</g>";
}

std::size_t append_dots(std::string& svg, std::span<const seed_result> seeds, const scales& s) {
  // Passing seeds first, so that no failing dot hides under them.
  for (const bool failed : {false, true}) {
    for (const seed_result& seed : seeds) {
      if (seed.ok == failed) {
        continue;
      }
      svg += "<circle data-mark=\"\" class=\"" + std::string(failed ? "failed" : "ok") +
             "\" cx=\"" + number(s.x(static_cast<double>(seed.events))) + "\" cy=\"" +
             number(s.y(seconds_of(seed))) + "\" r=\"3.5\"><title>seed " +
             std::to_string(seed.seed) + (failed ? " (failed)" : "") + ": " +
             grouped_count(seed.events) + " events, " + readable_duration(seconds_of(seed)) +
             " simulated</title></circle>";
    }
  }
  return seeds.size();
}

std::size_t append_cells(std::string& svg, std::span<const seed_result> seeds, const scales& s) {
  constexpr std::size_t cells = seed_chart_columns * seed_chart_rows;
  std::vector<std::uint64_t> passed(cells, 0);
  std::vector<std::uint64_t> failed(cells, 0);
  for (const seed_result& seed : seeds) {
    const auto bin = [](double value, double max, std::size_t count) {
      const double at = std::floor(value / max * static_cast<double>(count));
      return std::min(count - 1, static_cast<std::size_t>(std::max(0.0, at)));
    };
    const std::size_t column =
        bin(static_cast<double>(seed.events), s.events.max, seed_chart_columns);
    const std::size_t row = bin(seconds_of(seed), s.seconds.max, seed_chart_rows);
    (seed.ok ? passed : failed)[row * seed_chart_columns + column] += 1;
  }
  const double cell_width = plot_width / seed_chart_columns;
  const double cell_height = plot_height / seed_chart_rows;
  std::size_t marks = 0;
  for (const bool failing : {false, true}) {
    const std::vector<std::uint64_t>& counts = failing ? failed : passed;
    const double busiest = static_cast<double>(*std::max_element(counts.begin(), counts.end()));
    // Failing cells are drawn smaller, inside the passing cell they share.
    const double inset = failing ? 0.2 : 0.0;
    for (std::size_t i = 0; i < cells; ++i) {
      if (counts[i] == 0) {
        continue;
      }
      const double column = static_cast<double>(i % seed_chart_columns);
      const double row = static_cast<double>(i / seed_chart_columns);
      // Shade by the logarithm of the count: one seed stays visible beside
      // ten thousand.
      const double shade =
          0.2 + 0.8 * std::log1p(static_cast<double>(counts[i])) / std::log1p(busiest);
      char opacity[16];
      std::snprintf(opacity, sizeof opacity, "%.2f", shade);
      const double events_low = column / seed_chart_columns * s.events.max;
      const double seconds_low = row / seed_chart_rows * s.seconds.max;
      svg += "<rect data-mark=\"\" class=\"" + std::string(failing ? "failed" : "ok") + "\" x=\"" +
             number(plot_left + (column + inset) * cell_width) + "\" y=\"" +
             number(plot_bottom - (row + 1 - inset) * cell_height) + "\" width=\"" +
             number(cell_width * (1 - 2 * inset)) + "\" height=\"" +
             number(cell_height * (1 - 2 * inset)) + "\" fill-opacity=\"" + opacity + "\"><title>" +
             grouped_count(counts[i]) + (failing ? " failing" : " passing") +
             " seeds: " + compact(std::round(events_low)) + " to " +
             compact(std::round(events_low + s.events.max / seed_chart_columns)) + " events, " +
             readable_duration(seconds_low) + " to " +
             readable_duration(seconds_low + s.seconds.max / seed_chart_rows) +
             " simulated</title></rect>";
      ++marks;
    }
  }
  return marks;
}

}  // namespace

std::string seed_chart_svg(std::span<const seed_result> seeds) {
  double most_events = 0;
  double most_seconds = 0;
  for (const seed_result& seed : seeds) {
    most_events = std::max(most_events, static_cast<double>(seed.events));
    most_seconds = std::max(most_seconds, seconds_of(seed));
  }
  const scales s{round_axis(most_events), round_axis(most_seconds)};
  const bool binned = seeds.size() > seed_chart_dot_limit;
  std::string marks;
  const std::size_t mark_count =
      binned ? append_cells(marks, seeds, s) : append_dots(marks, seeds, s);
  std::string svg =
      "<svg id=\"seed-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
      "viewBox=\"0 0 " +
      number(chart_width) + " " + number(chart_height) +
      "\" role=\"img\" aria-label=\"events and simulated time of each seed\" "
      "data-mode=\"" +
      std::string(binned ? "binned" : "dots") + "\" data-seeds=\"" + std::to_string(seeds.size()) +
      "\" data-marks=\"" + std::to_string(mark_count) + "\">";
  append_legend(svg, binned);
  append_axes(svg, s);
  svg += "<g class=\"marks\">" + marks + "</g></svg>";
  return svg;
}

}  // namespace moonpool::sim::detail
