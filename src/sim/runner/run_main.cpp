#include "moonpool/sim/runner/run_main.hpp"
#include "command_line.hpp"
#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

namespace moonpool::sim {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

// A report (JSON or HTML) goes to PATH.partial and is renamed over PATH
// once whole, so a run that is killed leaves the previous report in place,
// never an empty or half-written one. A special file (/dev/stdout, a pipe)
// is written directly. The report is rendered after the run, from the
// finished SimulationReport: writing it cannot change what the seeds did.
class report_writer {
 public:
  using renderer = std::function<std::string(const SimulationReport&)>;
  report_writer(std::string flag, std::string path, renderer render)
      : flag_(std::move(flag)), path_(std::move(path)), render_(render) {}

  // Opens the file now, so a bad path is found before any seed runs. True
  // when there is no report to write.
  bool open() {
    if (path_.empty()) {
      return true;
    }
    struct stat existing {};
    const bool special = stat(path_.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode);
    partial_ = special ? path_ : path_ + ".partial";
    file_.open(partial_);
    return static_cast<bool>(file_);
  }
  [[nodiscard]] bool active() const { return file_.is_open(); }
  [[nodiscard]] const std::string& flag() const { return flag_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  // Writes the whole report and puts it in place; false on any error.
  bool write(const SimulationReport& report) {
    file_ << render_(report) << std::flush;
    const bool written = static_cast<bool>(file_);
    file_.close();
    return written && (partial_ == path_ || std::rename(partial_.c_str(), path_.c_str()) == 0);
  }
  // The run will not happen (a usage error came after open): leave no
  // empty PATH.partial behind.
  void discard() {
    if (active()) {
      file_.close();
      if (partial_ != path_) {
        std::remove(partial_.c_str());
      }
    }
  }

 private:
  std::string flag_;
  std::string path_;
  renderer render_;
  std::string partial_;
  std::ofstream file_;
};

// A line redrawn in place on a terminal while seeds run: how many ran (of
// how many, when that is known), how many failed, the rate and, with a
// total, the time left. Redrawn at most ten times a second, so thousands of
// short seeds do not become thousands of writes. Wall-clock time is read
// here only for display; nothing inside a simulation sees it.
class progress_line {
 public:
  progress_line(bool enabled, std::optional<std::uint64_t> total)
      : enabled_(enabled), total_(total) {}
  void update(std::uint64_t done, std::uint64_t failed, std::chrono::nanoseconds elapsed) {
    if (!enabled_ || (elapsed - last_drawn_ < redraw_every && done != total_)) {
      return;
    }
    last_drawn_ = elapsed;
    const double seconds = static_cast<double>(elapsed.count()) / 1e9;
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    char line[160];
    int length = 0;
    if (total_) {
      length = std::snprintf(line, sizeof line, "\r%llu/%llu seeds, %llu failed, %.0f seeds/s",
                             static_cast<unsigned long long>(done),
                             static_cast<unsigned long long>(*total_),
                             static_cast<unsigned long long>(failed), rate);
      if (rate > 0 && *total_ > done) {
        const double left = static_cast<double>(*total_ - done) / rate;
        length += std::snprintf(line + length, sizeof line - static_cast<std::size_t>(length),
                                left < 10 ? ", %.1f s left" : ", %.0f s left", left);
      }
    } else {
      length = std::snprintf(line, sizeof line, "\r%llu seeds, %llu failed, %.0f seeds/s",
                             static_cast<unsigned long long>(done),
                             static_cast<unsigned long long>(failed), rate);
    }
    // Pad over what a longer previous line left on screen.
    const int width = std::max(length, drawn_width_);
    std::fprintf(stderr, "%-*s", width, line);
    std::fflush(stderr);
    drawn_width_ = length;
  }
  void finish() {
    if (enabled_ && drawn_width_ > 0) {
      std::fputs("\n", stderr);
      drawn_width_ = 0;
    }
  }

 private:
  static constexpr std::chrono::milliseconds redraw_every{100};
  bool enabled_;
  std::optional<std::uint64_t> total_;
  std::chrono::nanoseconds last_drawn_{-redraw_every};
  int drawn_width_ = 0;
};

// How many seeds a run will take, when that is known before it starts
// (the same count SimulationBuilder::run derives: explicit seeds, then
// derived ones when no seed was named or a count was asked for too; a shard
// takes every shard_count-th of each).
std::optional<std::uint64_t> planned_seeds(const run_options& options,
                                           std::uint64_t default_iterations) {
  if (options.time_limit || options.until_stable || options.replay) {
    return std::nullopt;
  }
  const auto in_shard = [&options](std::uint64_t count) {
    return count / options.shard_count +
           (count % options.shard_count > options.shard_index ? 1 : 0);
  };
  std::uint64_t total = in_shard(options.seeds.size());
  if (options.seeds.empty() || options.iterations) {
    total += in_shard(options.iterations.value_or(default_iterations));
  }
  return total;
}

}  // namespace

int run_main(int argc, char** argv, const SimulationBuilder& simulation) {
  const std::string program = argc > 0 ? argv[0] : "simulation";
  detail::command_line command;
  try {
    command = detail::parse_command_line(argc, argv, simulation);
  } catch (const detail::usage_error& e) {
    std::cerr << detail::printable(program) << ": " << e.what() << "\n";
    return exit_usage;
  }
  if (command.help) {
    std::cout << *command.help;
    return exit_ok;
  }
  run_options& options = command.options;
  const std::string& trace_path = command.trace_path;
  const bool quiet = command.quiet;
  const bool verbose = command.verbose;

  // Open output files first: a bad path is a usage error, found before any
  // seed runs.
  report_writer report_files[] = {{"--report-json", command.report_json,
                                   [](const SimulationReport& r) { return r.to_json() + "\n"; }},
                                  {"--report-html", command.report_html,
                                   [](const SimulationReport& r) { return r.to_html(); }}};
  const auto discard_reports = [&report_files] {
    for (report_writer& report_file : report_files) {
      report_file.discard();
    }
  };
  for (report_writer& report_file : report_files) {
    if (!report_file.open()) {
      discard_reports();
      std::cerr << detail::printable(program) << ": cannot write " << report_file.flag()
                << " file '" << detail::printable(report_file.path()) << "'\n";
      return exit_usage;
    }
  }
  std::ofstream trace_file;
  if (!trace_path.empty()) {
    trace_file.open(trace_path);
    if (!trace_file) {
      discard_reports();
      std::cerr << detail::printable(program) << ": cannot write --trace file '"
                << detail::printable(trace_path) << "'\n";
      return exit_usage;
    }
  }
  // The progress line is redrawn in place. An exploration draws its own
  // (timelines, depth, bugs, rate), and with --verbose prints each bug,
  // with its replay command, as soon as it is found.
  const bool terminal = !quiet && !verbose && isatty(STDERR_FILENO) != 0;
  progress_line progress(terminal && !options.explore,
                         planned_seeds(options, simulation.default_iterations()));
  if (options.explore) {
    explore::set_progress({terminal, verbose, std::string(program)});
  }
  const auto start = detail::wall_now();
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  options.on_seed = [&](const seed_result& r, const iteration_trace& trace) {
    ++done;
    failed += r.ok ? 0 : 1;
    if (verbose) {
      std::cerr << "seed " << r.seed << (r.ok ? " ok" : " FAILED") << " trace " << r.trace_hash
                << " events " << r.events << " sim " << r.sim_time.count() << " ns"
                << (r.ok ? "" : ": " + r.error) << "\n";
    }
    for (const std::string& line : trace.json_lines) {
      trace_file << "{\"seed\":\"" << r.seed << "\"," << line.substr(1) << "\n";
    }
    progress.update(done, failed, detail::wall_now() - start);
  };
  // The process is dying inside a seed: keep what was run.
  options.on_abort = [&](const SimulationReport& so_far) {
    progress.finish();
    trace_file.flush();
    std::cerr << so_far.to_text(/*brief=*/true);
    for (report_writer& report_file : report_files) {
      if (report_file.active() && report_file.write(so_far)) {
        std::cerr << "moonpool: the report of the seeds run so far (marked incomplete) is in '"
                  << report_file.path() << "'\n";
      }
    }
  };

  SimulationReport report;
  try {
    report = simulation.run(options);
  } catch (const std::invalid_argument& e) {
    progress.finish();
    discard_reports();
    std::cerr << detail::printable(program) << ": " << detail::printable(e.what()) << "\n";
    return exit_usage;
  } catch (const std::runtime_error& e) {
    progress.finish();
    discard_reports();
    std::cerr << detail::printable(program) << ": " << e.what() << "\n";
    return exit_failed;
  }
  progress.finish();
  std::cerr << report.to_text(/*brief=*/quiet);
  bool all_written = true;
  for (report_writer& report_file : report_files) {
    if (report_file.active() && !report_file.write(report)) {
      std::cerr << detail::printable(program) << ": could not finish writing " << report_file.flag()
                << " file '" << detail::printable(report_file.path()) << "'"
                << (report.ok() ? "" : "; seeds failed (listed above)") << "\n";
      all_written = false;
    }
  }
  // Failed seeds stay the louder news: they decide the status.
  if (!report.ok()) {
    return exit_failed;
  }
  return all_written ? exit_ok : exit_usage;
}

}  // namespace moonpool::sim
