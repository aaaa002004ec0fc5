#pragma once
// What every benchmark in bench/ shares: its command line, its clocks, the
// alternating A/B measurement and the JSON it prints.
//
//   const bench::description d{"bench-x", "", 5, {"sim", "loopback"}};
//   const bench::options opts = bench::parse(argc, argv, d);
//   bench::reject_rest(opts, d);
//   const bench::comparison c =
//       bench::alternate(opts, {"sim", run_sim}, {"loopback", run_real});
//   bench::json_object out;
//   out.number("sim_vs_loopback", c.ratio).print();
//
// Why alternate: the build machine is shared (other builds run beside a
// benchmark), so its speed drifts within seconds. A ratio of two batches
// taken back to back sees the same machine; the median of several such
// per-pair ratios shrugs off the pairs a burst of load landed on. The order
// inside a pair flips every pair (A B, B A, ...) so that neither side always
// runs on a cache the other warmed.
//
// No benchmark asserts on timing; the smoke tests check only that the JSON
// keys are there and hold positive numbers.

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moonpool/sim/detail/wall_clock.hpp"

namespace bench {

// --- clocks ---------------------------------------------------------------------

// Inside a simulation the standard clocks read simulated time (the engine
// interposes them), so a benchmark reads the real monotonic clock through
// the engine's own escape hatch, and CPU time (never simulated) directly.
inline double wall_seconds() {
  return std::chrono::duration<double>(moonpool::sim::detail::wall_now()).count();
}

// CPU time of this thread: what a simulation costs, blind to the time the
// OS gave the core to another process (other builds share this machine).
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct elapsed {
  double wall_s = 0;
  double cpu_s = 0;
};

template <class Body>
elapsed measure(Body&& body) {
  const double wall_start = wall_seconds();
  const double cpu_start = cpu_seconds();
  std::forward<Body>(body)();
  return {wall_seconds() - wall_start, cpu_seconds() - cpu_start};
}

// --- statistics -----------------------------------------------------------------

inline double median(std::vector<double> values) {
  if (values.empty()) {
    return std::nan("");
  }
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// --- command line ---------------------------------------------------------------

struct description {
  std::string_view program;          // "bench-http"
  std::string_view extra_usage;      // flags of this benchmark alone, for the usage line
  int default_pairs = 5;             // measured pairs without --pairs
  std::vector<std::string> sides{};  // names --only accepts (empty: no --only)
  bool takes_pairs = true;           // false: one measurement, --pairs is an error
};

struct options {
  bool json = false;
  // Tiny sizes and one pair: for the smoke tests, seconds at most.
  bool quick = false;
  int pairs = 5;
  // Run only this side's batches (for a profiler); ratios are then null.
  std::string only;
  // Arguments parse() did not know, for the benchmark's own flags.
  std::vector<std::string> rest;
};

[[noreturn]] inline void usage_error(const description& d, const std::string& problem) {
  std::string usage = std::string(d.program) + " [--json] [--quick]";
  if (d.takes_pairs) {
    usage += " [--pairs N]";
  }
  if (!d.sides.empty()) {
    usage += " [--only SIDE]";
  }
  if (!d.extra_usage.empty()) {
    usage += " " + std::string(d.extra_usage);
  }
  std::fprintf(stderr, "%.*s: %s (usage: %s)\n", static_cast<int>(d.program.size()),
               d.program.data(), problem.c_str(), usage.c_str());
  std::exit(2);
}

// A whole positive number no larger than `max`, or a usage error naming the flag.
inline long long parse_count(const description& d, std::string_view flag, const char* text,
                             long long max) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || errno != 0 || value < 1 || value > max) {
    usage_error(d, std::string(flag) + " expects a whole number from 1 to " + std::to_string(max) +
                       ", got '" + text + "'");
  }
  return value;
}

inline options parse(int argc, char** argv, const description& d) {
  options opts;
  opts.pairs = d.default_pairs;
  bool pairs_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--json") {
      opts.json = true;
    } else if (arg == "--quick") {
      opts.quick = true;
    } else if (arg == "--pairs" && d.takes_pairs) {
      if (i + 1 >= argc) {
        usage_error(d, "--pairs needs a number of measured pairs, e.g. --pairs 9");
      }
      opts.pairs = static_cast<int>(parse_count(d, arg, argv[++i], 1000));
      pairs_given = true;
    } else if (arg == "--only" && !d.sides.empty()) {
      std::string names;
      for (const std::string& side : d.sides) {
        names += (names.empty() ? "" : ", ") + side;
      }
      if (i + 1 >= argc) {
        usage_error(d, "--only needs a side to run: one of " + names);
      }
      opts.only = argv[++i];
      if (std::find(d.sides.begin(), d.sides.end(), opts.only) == d.sides.end()) {
        usage_error(d, "--only expects one of " + names + ", got '" + opts.only + "'");
      }
    } else {
      opts.rest.emplace_back(arg);
    }
  }
  if (opts.quick && !pairs_given) {
    opts.pairs = 1;
  }
  return opts;
}

// For a benchmark without flags of its own: anything parse() left is an error.
inline void reject_rest(const options& opts, const description& d) {
  if (!opts.rest.empty()) {
    usage_error(d, "unknown argument '" + opts.rest.front() + "'");
  }
}

// --- alternating pairs ----------------------------------------------------------

// One side of a comparison: a name (for --only and the table) and a batch
// that returns its cost (seconds, or seconds per item: the same unit for
// both sides of a pair).
struct side {
  std::string name;
  std::function<double()> batch;
};

struct comparison {
  std::string a_name;
  std::string b_name;
  double a = 0;      // median cost of side A
  double b = 0;      // median cost of side B
  double ratio = 0;  // median of the per-pair ratios B / A (NaN with --only)
};

// One unmeasured warm-up pair, then opts.pairs measured pairs, the order
// within a pair flipping every pair. With --only, only that side runs (the
// other side's cost and the ratio are NaN); a comparison that names neither
// side under --only is skipped altogether.
inline comparison alternate(const options& opts, const side& a, const side& b) {
  comparison result{a.name, b.name, std::nan(""), std::nan(""), std::nan("")};
  const bool run_a = opts.only.empty() || opts.only == a.name;
  const bool run_b = opts.only.empty() || opts.only == b.name;
  if (!run_a && !run_b) {
    return result;
  }
  if (run_a) {
    static_cast<void>(a.batch());
  }
  if (run_b) {
    static_cast<void>(b.batch());
  }
  std::vector<double> costs_a;
  std::vector<double> costs_b;
  std::vector<double> ratios;
  for (int i = 0; i < opts.pairs; ++i) {
    double cost_a = std::nan("");
    double cost_b = std::nan("");
    if (i % 2 == 0) {
      cost_a = run_a ? a.batch() : cost_a;
      cost_b = run_b ? b.batch() : cost_b;
    } else {
      cost_b = run_b ? b.batch() : cost_b;
      cost_a = run_a ? a.batch() : cost_a;
    }
    if (run_a) {
      costs_a.push_back(cost_a);
    }
    if (run_b) {
      costs_b.push_back(cost_b);
    }
    if (run_a && run_b) {
      ratios.push_back(cost_b / cost_a);
    }
  }
  result.a = median(costs_a);
  result.b = median(costs_b);
  result.ratio = median(ratios);
  return result;
}

// The median of opts.pairs measured runs of one thing, after one warm-up run.
inline double repeat_median(const options& opts, const std::function<double()>& run) {
  static_cast<void>(run());
  std::vector<double> values;
  for (int i = 0; i < opts.pairs; ++i) {
    values.push_back(run());
  }
  return median(values);
}

// --- output ---------------------------------------------------------------------

// A JSON object built key by key, printed on one line. Numbers that are not
// finite (a ratio under --only) print as null.
class json_object {
 public:
  json_object& number(std::string_view key, double value) {
    char text[64];
    if (std::isfinite(value)) {
      std::snprintf(text, sizeof text, "%.6g", value);
    } else {
      std::snprintf(text, sizeof text, "null");
    }
    return raw(key, text);
  }
  json_object& integer(std::string_view key, long long value) {
    return raw(key, std::to_string(value));
  }
  json_object& object(std::string_view key, const json_object& value) {
    return raw(key, value.str());
  }
  // A comparison as {"<a>_s": ..., "<b>_s": ..., "ratio": ...}, costs in
  // the unit the batches returned (named by `unit`, e.g. "s" or "ns").
  json_object& comparison_object(std::string_view key, const comparison& c, std::string_view unit) {
    json_object inner;
    inner.number(c.a_name + "_" + std::string(unit), c.a);
    inner.number(c.b_name + "_" + std::string(unit), c.b);
    inner.number("ratio", c.ratio);
    return object(key, inner);
  }
  [[nodiscard]] std::string str() const { return "{" + body_ + "}"; }
  void print() const { std::printf("%s\n", str().c_str()); }

 private:
  json_object& raw(std::string_view key, std::string_view value) {
    if (!body_.empty()) {
      body_ += ", ";
    }
    body_ += "\"";
    body_ += key;  // keys are ours: plain identifiers, nothing to escape
    body_ += "\": ";
    body_ += value;
    return *this;
  }

  std::string body_;
};

// One line of a readable table: "  label   A 1.23 us   B 4.56 us   B/A 3.70x".
inline void print_comparison(std::string_view label, const comparison& c, double unit_scale,
                             std::string_view unit) {
  std::printf("  %-28.*s %s %10.2f %.*s   %s %10.2f %.*s   ratio %.3fx\n",
              static_cast<int>(label.size()), label.data(), c.a_name.c_str(), c.a * unit_scale,
              static_cast<int>(unit.size()), unit.data(), c.b_name.c_str(), c.b * unit_scale,
              static_cast<int>(unit.size()), unit.data(), c.ratio);
}

}  // namespace bench
