#include "moonpool/sim/runner/run_main.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

namespace moonpool::sim {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint64_t parse_u64(const std::string& text, const char* flag) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw usage_error(std::string(flag) + " expects a whole number, got '" + text + "'");
  }
  return value;
}

// A count that the configuration keeps in 32 bits: larger values are an
// error, not silently truncated.
std::uint32_t parse_u32(const std::string& text, const char* flag) {
  const std::uint64_t value = parse_u64(text, flag);
  if (value > UINT32_MAX) {
    throw usage_error(std::string(flag) + " expects at most " + std::to_string(UINT32_MAX) +
                      ", got '" + text + "'");
  }
  return static_cast<std::uint32_t>(value);
}

double parse_seconds(const std::string& text) {
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  // At most a century: beyond that the value cannot be held in nanoseconds
  // (and "inf" means nothing for a wall-clock budget).
  if (used != text.size() || !(value > 0.0) || !(value <= 3.1e9)) {
    throw usage_error("--time-limit expects a number of seconds between 0 and 3.1e9, got '" + text +
                      "'");
  }
  return value;
}

std::pair<std::uint64_t, std::uint64_t> parse_until_stable(const std::string& text) {
  const auto comma = text.find(',');
  const std::uint64_t plateau = parse_u64(text.substr(0, comma), "--until-stable P[,MAX]");
  const std::uint64_t cap = comma == std::string::npos
                                ? 1000
                                : parse_u64(text.substr(comma + 1), "--until-stable P[,MAX]");
  if (plateau == 0 || cap == 0) {
    throw usage_error("--until-stable P[,MAX] needs P >= 1 and MAX >= 1");
  }
  return {plateau, cap};
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) {
    throw usage_error("--shard expects I/N (e.g. 0/4), got '" + text + "'");
  }
  const std::uint64_t index = parse_u64(text.substr(0, slash), "--shard I/N");
  const std::uint64_t count = parse_u64(text.substr(slash + 1), "--shard I/N");
  if (count == 0 || index >= count) {
    throw usage_error("--shard I/N needs 0 <= I < N, got '" + text + "'");
  }
  return {index, count};
}

class progress_line {
 public:
  explicit progress_line(bool enabled) : enabled_(enabled) {}
  void update(std::uint64_t done, std::uint64_t failed, std::chrono::nanoseconds elapsed) {
    if (!enabled_) {
      return;
    }
    const double rate = elapsed.count() > 0
                            ? 1e9 * static_cast<double>(done) / static_cast<double>(elapsed.count())
                            : 0.0;
    std::fprintf(stderr, "\r%llu seeds, %llu failed, %.0f seeds/s   ",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(failed),
                 rate);
  }
  void finish() {
    if (enabled_) {
      std::fputs("\n", stderr);
    }
  }

 private:
  bool enabled_;
};

}  // namespace

int run_main(int argc, char** argv, const SimulationBuilder& simulation) {
  const std::string program = argc > 0 ? argv[0] : "simulation";
  CLI::App app{"moonpool simulation '" + simulation.simulation_name() + "'"};
  app.set_help_flag("--help,-h", "print every flag with its default");

  std::vector<std::string> seed_texts;
  std::string iterations_text;
  std::string time_limit_text;
  std::string base_seed_text;
  std::string until_stable;
  std::string shard = "0/1";
  std::string report_json;
  std::string trace_path;
  bool quiet = false;
  bool verbose = false;
  bool explore = false;
  std::string replay;
  std::string energy_text;
  std::string jobs_text;
  std::string fixed_text;
  std::string depth_text;

  app.add_option("--seed", seed_texts, "run exactly this seed (repeatable: --seed 1 --seed 7)");
  app.add_option("--iterations", iterations_text,
                 "run N seeds derived from the base seed (default " +
                     std::to_string(simulation.default_iterations()) + ")");
  app.add_option("--time-limit", time_limit_text,
                 "run seeds until S wall-clock seconds have passed");
  app.add_option("--until-stable", until_stable,
                 "[P[,MAX]]: until every sometimes-assertion fired and coverage was flat for P "
                 "seeds (default 10), capped at MAX seeds (default 1000)")
      ->expected(0, 1);
  app.add_option("--shard", shard, "I/N: run only the seeds of shard I of N")
      ->capture_default_str();
  app.add_option("--base-seed", base_seed_text,
                 "the seed that all run seeds derive from (default " +
                     std::to_string(run_options{}.base_seed) + ")");
  app.add_option("--report-json", report_json, "write the report as JSON to PATH");
  app.add_option("--trace", trace_path, "write the event trace (JSON lines) of the seeds run");
  const explore::exploration_config& defaults = simulation.exploration_settings();
  app.add_flag("--explore", explore,
               "fork a timeline at every new discovery (adaptive splitting unless "
               "--explore-fixed)");
  app.add_option("--energy", energy_text,
                 "with --explore: forked timelines allowed per root seed (default " +
                     std::to_string(defaults.global_energy) + ")");
  app.add_option("--jobs", jobs_text,
                 "with --explore: timelines running at once (default: one per core; 1 is "
                 "sequential and grows the same tree every time)");
  app.add_option("--explore-fixed", fixed_text,
                 "with --explore: fork exactly K timelines at every discovery instead of "
                 "adaptive batches");
  app.add_option("--max-depth", depth_text,
                 "with --explore: forks within a timeline's ancestry, at most (default " +
                     std::to_string(defaults.max_depth) + ")");
  app.add_option("--replay", replay,
                 "ROOT:COUNT@SEED,...: replay the timeline a failing exploration printed");
  auto* quiet_flag = app.add_flag("--quiet", quiet, "only the summary and failures");
  app.add_flag("--verbose", verbose, "one line per seed")->excludes(quiet_flag);

  run_options options;
  try {
    app.parse(argc, argv);
    // A flag given with an empty value is a mistake, never "not given".
    for (const char* flag :
         {"--seed", "--iterations", "--time-limit", "--shard", "--base-seed", "--report-json",
          "--trace", "--energy", "--jobs", "--explore-fixed", "--max-depth", "--replay"}) {
      if (app.count(flag) == 0) {
        continue;
      }
      for (const std::string& value : app.get_option(flag)->as<std::vector<std::string>>()) {
        if (value.empty()) {
          throw usage_error(std::string(flag) + " needs a value; it was given an empty one");
        }
      }
    }
    if (!report_json.empty() && report_json == trace_path) {
      throw usage_error("--report-json and --trace name the same file ('" + report_json +
                        "'); give each its own");
    }
    const bool tuned =
        !energy_text.empty() || !jobs_text.empty() || !fixed_text.empty() || !depth_text.empty();
    if (tuned && !explore) {
      throw usage_error(
          "--energy, --jobs, --explore-fixed and --max-depth only apply with --explore");
    }
    if (explore) {
      explore::exploration_config config = defaults;
      if (!energy_text.empty()) {
        config.global_energy = parse_u64(energy_text, "--energy");
      }
      if (!jobs_text.empty()) {
        config.jobs = parse_u32(jobs_text, "--jobs");
        if (config.jobs == 0) {
          throw usage_error("--jobs expects at least 1");
        }
      }
      if (!fixed_text.empty()) {
        config.timelines_per_split = parse_u32(fixed_text, "--explore-fixed");
      }
      if (!depth_text.empty()) {
        config.max_depth = parse_u32(depth_text, "--max-depth");
      }
      try {
        config.validate();
      } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
      }
      options.explore = true;
      options.exploration = config;
    }
    if (!replay.empty()) {
      // SimulationBuilder::run rejects a replay mixed with other seed flags.
      try {
        options.replay = explore::parse_recipe(replay);
      } catch (const std::invalid_argument& e) {
        throw usage_error(std::string("--replay: ") + e.what());
      }
    }
    for (const std::string& text : seed_texts) {
      options.seeds.push_back(parse_u64(text, "--seed"));
    }
    if (!iterations_text.empty()) {
      options.iterations = parse_u64(iterations_text, "--iterations");
      if (*options.iterations == 0) {
        throw usage_error("--iterations expects at least 1");
      }
    }
    if (!time_limit_text.empty()) {
      options.time_limit = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double>(parse_seconds(time_limit_text)));
    }
    if (!base_seed_text.empty()) {
      options.base_seed = parse_u64(base_seed_text, "--base-seed");
    }
    if (app.count("--until-stable") > 0) {
      options.until_stable = parse_until_stable(until_stable.empty() ? "10,1000" : until_stable);
    }
    std::tie(options.shard_index, options.shard_count) = parse_shard(shard);
    options.record_trace = !trace_path.empty();
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    std::cerr << program << ": " << e.what() << "; see --help\n";
    return exit_usage;
  } catch (const usage_error& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return exit_usage;
  }

  // Open output files first: a bad path is a usage error, found before any
  // seed runs.
  // The report goes to PATH.partial and is renamed over PATH once whole, so
  // a run that is killed or crashes leaves the previous report in place,
  // never an empty or half-written one. Special files (/dev/stdout) are
  // written directly.
  std::ofstream report_file;
  std::string report_partial;
  if (!report_json.empty()) {
    struct stat existing {};
    const bool special = stat(report_json.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode);
    report_partial = special ? report_json : report_json + ".partial";
    report_file.open(report_partial);
    if (!report_file) {
      std::cerr << program << ": cannot write --report-json file '" << report_json << "'\n";
      return exit_usage;
    }
  }
  std::ofstream trace_file;
  if (!trace_path.empty()) {
    trace_file.open(trace_path);
    if (!trace_file) {
      std::cerr << program << ": cannot write --trace file '" << trace_path << "'\n";
      return exit_usage;
    }
  }
  // The progress line is redrawn in place; forked timelines write to the
  // same terminal, so exploration keeps it off.
  progress_line progress(!quiet && !verbose && !options.explore && isatty(STDERR_FILENO) != 0);
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
      trace_file << "{\"seed\":" << r.seed << "," << line.substr(1) << "\n";
    }
    progress.update(done, failed, detail::wall_now() - start);
  };

  SimulationReport report;
  try {
    report = simulation.run(options);
  } catch (const std::invalid_argument& e) {
    progress.finish();
    std::cerr << program << ": " << e.what() << "\n";
    return exit_usage;
  } catch (const std::runtime_error& e) {
    progress.finish();
    std::cerr << program << ": " << e.what() << "\n";
    return exit_failed;
  }
  progress.finish();
  std::cerr << report.to_text(/*brief=*/quiet);
  if (report_file.is_open()) {
    report_file << report.to_json() << "\n" << std::flush;
    const bool written = static_cast<bool>(report_file);
    report_file.close();
    if (!written || (report_partial != report_json &&
                     std::rename(report_partial.c_str(), report_json.c_str()) != 0)) {
      std::cerr << program << ": could not finish writing --report-json file '" << report_json
                << "'" << (report.ok() ? "" : "; seeds failed (listed above)") << "\n";
      // Failed seeds stay the louder news: they decide the status.
      return report.ok() ? exit_usage : exit_failed;
    }
  }
  return report.ok() ? exit_ok : exit_failed;
}

}  // namespace moonpool::sim
