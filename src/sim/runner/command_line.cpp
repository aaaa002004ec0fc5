#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>

namespace moonpool::sim::detail {
namespace {

std::uint64_t parse_u64(const std::string& text, const std::string& flag) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    throw usage_error(flag + " expects a whole number below 2^64, got '" + text + "'");
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw usage_error(flag + " expects a whole number, got '" + text + "'");
  }
  return value;
}

// A count that the configuration keeps in 32 bits: larger values are an
// error, not silently truncated.
std::uint32_t parse_u32(const std::string& text, const std::string& flag) {
  const std::uint64_t value = parse_u64(text, flag);
  if (value > UINT32_MAX) {
    throw usage_error(flag + " expects at most " + std::to_string(UINT32_MAX) + ", got '" + text +
                      "'");
  }
  return static_cast<std::uint32_t>(value);
}

// Wall-clock seconds, from a millisecond to a century: beyond that the value
// cannot be held in nanoseconds, and "inf" or "nan" mean nothing for a
// budget.
std::chrono::nanoseconds parse_seconds(const std::string& text, const std::string& flag) {
  double value = 0.0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value < 1e-3 || value > 3.1e9) {
    throw usage_error(flag + " expects a number of seconds from 0.001 to 3.1e9, got '" + text +
                      "'");
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(value));
}

// A probability strictly between 0 and 1, as a decimal (0.04) or a
// fraction (1/25).
double parse_probability(const std::string& text, const std::string& flag) {
  const auto number = [&](std::string_view part, double& out) {
    const auto [end, ec] =
        std::from_chars(part.data(), part.data() + part.size(), out, std::chars_format::general);
    return ec == std::errc() && end == part.data() + part.size() && std::isfinite(out);
  };
  double value = 0.0;
  const std::size_t slash = text.find('/');
  bool ok = false;
  if (slash == std::string::npos) {
    ok = number(text, value);
  } else {
    double top = 0.0;
    double bottom = 0.0;
    ok = number(std::string_view(text).substr(0, slash), top) &&
         number(std::string_view(text).substr(slash + 1), bottom) && bottom > 0.0;
    value = ok ? top / bottom : 0.0;
  }
  if (!ok || !(value > 0.0 && value < 1.0)) {
    throw usage_error(flag +
                      " expects a probability strictly between 0 and 1 (0.04 or 1/25), got '" +
                      text + "'");
  }
  return value;
}

std::pair<std::uint64_t, std::uint64_t> parse_until_stable(const std::string& text) {
  const std::string flag = "--until-stable P[,MAX]";
  const auto comma = text.find(',');
  const std::uint64_t plateau = parse_u64(text.substr(0, comma), flag);
  const std::uint64_t cap =
      comma == std::string::npos ? 1000 : parse_u64(text.substr(comma + 1), flag);
  if (plateau == 0 || cap == 0) {
    throw usage_error(flag + " needs P >= 1 and MAX >= 1, got '" + text + "'");
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

}  // namespace

usage_error::usage_error(const std::string& message) : std::runtime_error(printable(message)) {}

command_line parse_command_line(int argc, const char* const* argv,
                                const SimulationBuilder& simulation) {
  CLI::App app{"moonpool simulation '" + simulation.simulation_name() + "'"};
  app.set_help_flag("--help,-h", "print every flag with its default");

  std::vector<std::string> seed_texts;
  std::string iterations_text;
  std::string time_limit_text;
  std::string base_seed_text;
  std::string until_stable;
  std::string shard_text;
  std::string replay;
  std::string energy_text;
  std::string jobs_text;
  std::string fixed_text;
  std::string depth_text;
  std::string seed_timeout_text;
  std::string branching_text;
  std::string batch_text;
  std::string rare_step_text;
  std::string confidence_text;
  std::string min_split_text;
  std::string max_split_text;
  std::string mark_energy_text;
  bool explore = false;
  bool isolate = false;
  bool check_determinism = false;
  command_line result;

  app.add_option("--seed", seed_texts,
                 "N: run exactly this seed, 0 to 18446744073709551615 (repeatable: --seed 1 "
                 "--seed 7)");
  app.add_option("--iterations", iterations_text,
                 "N: run N seeds derived from the base seed (default " +
                     std::to_string(simulation.default_iterations()) + ")");
  app.add_option("--time-limit", time_limit_text,
                 "S: run seeds until S wall-clock seconds have passed");
  app.add_option("--until-stable", until_stable,
                 "[P[,MAX]]: until every sometimes-assertion fired and coverage was flat for P "
                 "seeds (default 10), capped at MAX seeds (default 1000)")
      ->expected(0, 1);
  app.add_option("--shard", shard_text, "I/N: run only the seeds of shard I of N (default 0/1)");
  app.add_option("--base-seed", base_seed_text,
                 "N: the seed that derived seeds come from (default " +
                     std::to_string(run_options{}.base_seed) + ")");
  app.add_option("--report-json", result.report_json, "PATH: write the report as JSON");
  app.add_option("--report-html", result.report_html,
                 "PATH: write the report as one self-contained HTML page");
  app.add_option("--trace", result.trace_path,
                 "PATH: write the event trace (JSON lines) of the seeds run");
  app.add_option("--seed-timeout", seed_timeout_text,
                 "S: wall-clock seconds one seed may take before it fails, or 'off' (default " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        run_options{}.seed_timeout)
                                        .count()) +
                     ")");
  app.add_flag("--isolate", isolate,
               "run each seed in its own process: a crash, exit() or hang in simulated code "
               "fails that seed and the run goes on");
  app.add_flag("--check-determinism", check_determinism,
               "run each seed twice, each in a world of its own, and fail it if the two traces "
               "differ, naming the first event where they part");
  const explore::exploration_config& defaults = simulation.exploration_settings();
  const explore::adaptive_config& adaptive = defaults.adaptive;
  app.add_flag("--explore", explore,
               "branch a timeline at every new discovery (adaptive splitting unless "
               "--explore-fixed)");
  app.add_option("--energy", energy_text,
                 "N: with --explore, child timelines allowed per root seed (default " +
                     std::to_string(defaults.global_energy) + ")");
  app.add_option("--jobs", jobs_text,
                 "N: with --explore, root seeds explored at once, each in its own process "
                 "(default: one per core); the results do not depend on it");
  app.add_option("--branching", branching_text,
                 "auto|fork|reexecute: with --explore, how children reach their split point "
                 "(default " +
                     std::string(explore::to_string(defaults.branch)) + ")");
  app.add_option("--explore-batch", batch_text,
                 "N: with --explore, children forked per batch at a discovery (default " +
                     std::to_string(adaptive.batch_size) + ")");
  app.add_option("--explore-rare-step", rare_step_text,
                 "P: with --explore, the rarest step worth insisting on behind a discovery, e.g. "
                 "0.04 or 1/25 (default " +
                     std::to_string(adaptive.rare_step) + ")");
  app.add_option("--explore-confidence", confidence_text,
                 "C: with --explore, how sure a mark must be that no such step lies behind it "
                 "before it gives up (default " +
                     std::to_string(adaptive.confidence) + ")");
  app.add_option("--explore-min-split", min_split_text,
                 "N: with --explore, give up on a mark after exactly N fruitless children "
                 "instead (default: from the rare step and confidence, now " +
                     std::to_string(adaptive.barren_after()) + ")");
  app.add_option("--explore-max-split", max_split_text,
                 "N: with --explore, children from one discovery at most (default " +
                     std::to_string(adaptive.max_timelines) + ")");
  app.add_option("--explore-mark-energy", mark_energy_text,
                 "N: with --explore, children each discovery may spend before drawing on what "
                 "barren marks left (default " +
                     std::to_string(adaptive.per_mark_energy) + ")");
  app.add_option("--explore-fixed", fixed_text,
                 "K: with --explore, fork exactly K timelines at every discovery instead of "
                 "adaptive batches");
  app.add_option("--max-depth", depth_text,
                 "N: with --explore, forks within a timeline's ancestry, at most (default " +
                     std::to_string(defaults.max_depth) + ")");
  app.add_option("--replay", replay,
                 "ROOT:COUNT@SEED,...: replay the timeline a failing exploration printed");
  auto* quiet_flag = app.add_flag("--quiet", result.quiet, "only the summary and failures");
  app.add_flag("--verbose", result.verbose, "one line per seed")->excludes(quiet_flag);
  // Every option is read as text (so that a bad value gets our own one-line
  // error); --help would call them all TEXT. Each description starts with
  // what the value is ("N: ...", "PATH: ..."): show that instead.
  for (CLI::Option* option : app.get_options()) {
    const std::string description = option->get_description();
    const std::size_t colon = description.find(": ");
    if (option->get_type_size() != 0 && colon != std::string::npos && colon <= 24) {
      option->type_name(description.substr(0, colon));
      option->description(description.substr(colon + 2));
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    result.help = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    throw usage_error(std::string(e.what()) + "; see --help");
  }

  // A flag given with an empty value is a mistake, never "not given".
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() == 0 || option->get_expected_max() == 0) {
      continue;
    }
    for (const std::string& value : option->as<std::vector<std::string>>()) {
      if (value.empty() && option->get_name() != "--until-stable") {
        throw usage_error(option->get_name() + " needs a value; it was given an empty one");
      }
    }
  }

  run_options& options = result.options;
  // Two outputs in one file would leave only the one written last.
  const std::pair<const char*, const std::string*> outputs[] = {
      {"--report-json", &result.report_json},
      {"--report-html", &result.report_html},
      {"--trace", &result.trace_path}};
  for (std::size_t i = 0; i < std::size(outputs); ++i) {
    for (std::size_t j = i + 1; j < std::size(outputs); ++j) {
      if (!outputs[i].second->empty() && *outputs[i].second == *outputs[j].second) {
        throw usage_error(std::string(outputs[i].first) + " and " + outputs[j].first +
                          " name the same file ('" + *outputs[i].second + "'); give each its own");
      }
    }
  }
  // Exploration knobs without --explore: name the ones given.
  std::string tuning;
  for (const auto& [flag, text] :
       {std::pair<const char*, const std::string*>{"--energy", &energy_text},
        {"--jobs", &jobs_text},
        {"--explore-fixed", &fixed_text},
        {"--max-depth", &depth_text},
        {"--branching", &branching_text},
        {"--explore-batch", &batch_text},
        {"--explore-rare-step", &rare_step_text},
        {"--explore-confidence", &confidence_text},
        {"--explore-min-split", &min_split_text},
        {"--explore-max-split", &max_split_text},
        {"--explore-mark-energy", &mark_energy_text}}) {
    if (!text->empty()) {
      tuning += (tuning.empty() ? "" : ", ") + std::string(flag);
    }
  }
  if (!tuning.empty() && !explore) {
    throw usage_error(tuning + " only appl" +
                      (tuning.find(',') == std::string::npos ? "ies" : "y") +
                      " with --explore; add --explore or drop them");
  }
  if (check_determinism && (explore || !replay.empty())) {
    throw usage_error(
        "--check-determinism runs plain seeds twice; drop --explore and --replay (to check an "
        "explored bug, check its root seed with --seed)");
  }
  if (explore && isolate) {
    throw usage_error(
        "--isolate does not combine with --explore: explored timelines already run in their own "
        "processes");
  }
  if (explore) {
    explore::exploration_config config = defaults;
    if (!energy_text.empty()) {
      config.global_energy = parse_u64(energy_text, "--energy");
      if (config.global_energy == 0) {
        throw usage_error("--energy expects at least 1 (it is the number of forked timelines)");
      }
    }
    if (!jobs_text.empty()) {
      config.jobs = parse_u32(jobs_text, "--jobs");
      if (config.jobs == 0 || config.jobs > 1024) {
        throw usage_error("--jobs expects 1 to 1024, got '" + jobs_text + "'");
      }
    }
    if (!fixed_text.empty()) {
      config.timelines_per_split = parse_u32(fixed_text, "--explore-fixed");
    }
    if (!depth_text.empty()) {
      config.max_depth = parse_u32(depth_text, "--max-depth");
    }
    if (!branching_text.empty()) {
      if (branching_text == "auto") {
        config.branch = explore::branching::automatic;
      } else if (branching_text == "fork") {
        config.branch = explore::branching::fork;
      } else if (branching_text == "reexecute") {
        config.branch = explore::branching::reexecute;
      } else {
        throw usage_error("--branching expects auto, fork or reexecute, got '" + branching_text +
                          "'");
      }
    }
    if (!batch_text.empty()) {
      config.adaptive.batch_size = parse_u32(batch_text, "--explore-batch");
    }
    if (!rare_step_text.empty()) {
      config.adaptive.rare_step = parse_probability(rare_step_text, "--explore-rare-step");
    }
    if (!confidence_text.empty()) {
      config.adaptive.confidence = parse_probability(confidence_text, "--explore-confidence");
    }
    if (!min_split_text.empty()) {
      config.adaptive.min_timelines = parse_u32(min_split_text, "--explore-min-split");
      if (config.adaptive.min_timelines == 0) {
        throw usage_error("--explore-min-split expects at least 1");
      }
    }
    if (!max_split_text.empty()) {
      config.adaptive.max_timelines = parse_u32(max_split_text, "--explore-max-split");
    }
    if (!mark_energy_text.empty()) {
      config.adaptive.per_mark_energy = parse_u32(mark_energy_text, "--explore-mark-energy");
    }
    try {
      config.validate();
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
    options.explore = true;
    options.exploration = config;
  }
  const bool derived_seeds =
      !iterations_text.empty() || !time_limit_text.empty() || app.count("--until-stable") > 0;
  if (!replay.empty()) {
    if (explore || isolate || !seed_texts.empty() || derived_seeds || !shard_text.empty() ||
        !base_seed_text.empty()) {
      throw usage_error(
          "--replay runs one recipe; drop --seed, --iterations, --time-limit, --until-stable, "
          "--shard, --base-seed, --isolate and --explore");
    }
    try {
      options.replay = explore::parse_recipe(replay);
    } catch (const std::invalid_argument& e) {
      throw usage_error(std::string("--replay: ") + e.what());
    }
  }
  if (!base_seed_text.empty() && !seed_texts.empty() && !derived_seeds) {
    throw usage_error(
        "--base-seed only changes derived seeds; with --seed alone it does nothing (add "
        "--iterations N, or drop it)");
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
    options.time_limit = parse_seconds(time_limit_text, "--time-limit");
  }
  if (!base_seed_text.empty()) {
    options.base_seed = parse_u64(base_seed_text, "--base-seed");
  }
  if (app.count("--until-stable") > 0) {
    options.until_stable = parse_until_stable(until_stable.empty() ? "10,1000" : until_stable);
  }
  if (!shard_text.empty()) {
    std::tie(options.shard_index, options.shard_count) = parse_shard(shard_text);
    if (options.until_stable && options.shard_count > 1) {
      throw usage_error(
          "--until-stable does not combine with --shard: each shard would stop on its own "
          "coverage; give the shards --iterations N (or --time-limit S)");
    }
  }
  if (!seed_timeout_text.empty()) {
    options.seed_timeout = seed_timeout_text == "off"
                               ? std::chrono::nanoseconds(0)
                               : parse_seconds(seed_timeout_text, "--seed-timeout");
  }
  options.isolate = isolate;
  options.check_determinism = check_determinism;
  options.record_trace = !result.trace_path.empty();
  if (argc > 0 && argv[0] != nullptr) {
    options.program = argv[0];
  }
  return result;
}

}  // namespace moonpool::sim::detail
