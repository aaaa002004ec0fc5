#include "moonpool/sim/runner/report_merge.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

namespace moonpool::sim {
namespace {

[[noreturn]] void refuse(const std::string& message) {
  throw std::invalid_argument(message);
}

std::string shard_name(const SimulationReport& r) {
  return std::to_string(r.shard_index) + "/" + std::to_string(r.shard_count);
}

// A plan as the flags that give it, in command-line order: two plans differ
// where their first such pair differs.
std::vector<std::pair<std::string, std::string>> plan_flags(const run_plan& plan) {
  std::string seeds;
  for (const std::uint64_t seed : plan.seeds) {
    seeds += (seeds.empty() ? "" : " ") + std::to_string(seed);
  }
  const auto optional_count = [](const std::optional<std::uint64_t>& count) {
    return count ? std::to_string(*count) : std::string("none");
  };
  const auto number = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return std::string(text);
  };
  std::vector<std::pair<std::string, std::string>> flags{
      {"--seed", seeds.empty() ? "none" : seeds},
      {"--iterations", optional_count(plan.iterations)},
      {"--base-seed", std::to_string(plan.base_seed)},
      {"--time-limit", plan.time_limit ? std::to_string(plan.time_limit->count()) + " ns" : "none"},
      {"--until-stable", plan.until_stable ? std::to_string(plan.until_stable->first) + "," +
                                                 std::to_string(plan.until_stable->second)
                                           : "none"},
      {"--isolate", plan.isolate ? "on" : "off"},
      {"--check-determinism", plan.check_determinism ? "on" : "off"},
      {"--seed-timeout", std::to_string(plan.seed_timeout.count()) + " ns"},
      {"--explore", plan.exploration ? "on" : "off"}};
  if (plan.exploration) {
    const explore::exploration_config& c = *plan.exploration;
    const std::vector<std::pair<std::string, std::string>> knobs{
        {"--energy", std::to_string(c.global_energy)},
        {"--max-depth", std::to_string(c.max_depth)},
        {"--branching", std::string(explore::to_string(c.branch))},
        {"--explore-fixed",
         c.timelines_per_split ? std::to_string(*c.timelines_per_split) : "none (adaptive)"},
        {"--explore-batch", std::to_string(c.adaptive.batch_size)},
        {"--explore-rare-step", number(c.adaptive.rare_step)},
        {"--explore-confidence", number(c.adaptive.confidence)},
        {"--explore-min-split", std::to_string(c.adaptive.barren_after())},
        {"--explore-max-split", std::to_string(c.adaptive.max_timelines)},
        {"--explore-mark-energy", std::to_string(c.adaptive.per_mark_energy)}};
    flags.insert(flags.end(), knobs.begin(), knobs.end());
  }
  return flags;
}

// Reports of one run: the same simulation, program, plan and shard count,
// and nothing that cannot be a shard.
void check_same_run(const std::vector<shard_report>& shards) {
  const shard_report& first = shards.front();
  for (const shard_report& s : shards) {
    const SimulationReport& r = s.report;
    if (r.replayed) {
      refuse(s.source + " is the report of a --replay, not of a shard; merge the reports of " +
             "runs with --shard I/N");
    }
    if (r.plan.until_stable && r.shard_count > 1) {
      refuse(s.source + " is a shard of an --until-stable run, which no shards make up; run the " +
             "shards with --iterations N");
    }
    const SimulationReport& f = first.report;
    if (r.name != f.name) {
      refuse(first.source + " and " + s.source + " are reports of different simulations ('" +
             f.name + "' and '" + r.name + "')");
    }
    if (r.program != f.program) {
      refuse(first.source + " and " + s.source + " were run by different programs ('" + f.program +
             "' and '" + r.program + "'); run every shard with the same command but --shard");
    }
    const auto mine = plan_flags(r.plan);
    const auto theirs = plan_flags(f.plan);
    for (std::size_t i = 0; i < mine.size() || i < theirs.size(); ++i) {
      const auto flag = i < theirs.size() ? theirs[i] : std::pair<std::string, std::string>{};
      const auto other = i < mine.size() ? mine[i] : std::pair<std::string, std::string>{};
      if (flag != other) {
        const std::string name = flag.first.empty() ? other.first : flag.first;
        refuse(first.source + " and " + s.source + " ran different plans: " + name + " " +
               (flag.first.empty() ? "off" : flag.second) + " and " +
               (other.first.empty() ? "off" : other.second) +
               "; run every shard with the same command but --shard");
      }
    }
    if (r.shard_count != f.shard_count) {
      refuse(first.source + " is shard " + shard_name(f) + " but " + s.source + " is shard " +
             shard_name(r) + "; merge the shards of one --shard I/N run");
    }
  }
}

// Every shard exactly once.
void check_every_shard(const std::vector<shard_report>& shards) {
  const std::uint64_t count = shards.front().report.shard_count;
  std::map<std::uint64_t, std::string> seen;
  for (const shard_report& s : shards) {
    const auto [where, fresh] = seen.emplace(s.report.shard_index, s.source);
    if (!fresh) {
      refuse(where->second + " and " + s.source + " are both shard " + shard_name(s.report) +
             "; give each shard once");
    }
  }
  // Every shard index below `count` not given; the first ten named (the
  // loop ends after them, however large the count).
  const std::uint64_t missing = count - seen.size();
  if (missing == 0) {
    return;
  }
  std::string named;
  std::uint64_t listed = 0;
  for (std::uint64_t i = 0; i < count && listed < 10; ++i) {
    if (seen.count(i) == 0) {
      named += (listed++ == 0 ? "" : ", ") + std::to_string(i);
    }
  }
  const bool one = missing == 1;
  refuse(std::string(one ? "shard " : "shards ") + named + (missing > listed ? ", ..." : "") +
         " of " + std::to_string(count) + (one ? " is" : " are") +
         " missing: merge needs the reports of all " + std::to_string(count) + " shards (" +
         std::to_string(shards.size()) + " given)");
}

// How many of `count` places shard I of N takes (every N-th from I).
std::uint64_t share_of(std::uint64_t count, const SimulationReport& r) {
  return count / r.shard_count + (count % r.shard_count > r.shard_index ? 1 : 0);
}

// Each shard's seeds are its own places of the plan, once each, and all of
// them unless the shard stopped early for a reason its report gives.
void check_seeds(const shard_report& s) {
  const SimulationReport& r = s.report;
  const run_plan& plan = r.plan;
  const std::uint64_t named = plan.seeds.size();
  std::set<std::uint64_t> places;
  std::size_t i = 0;
  for (auto it = r.seeds.begin(); it != r.seeds.end(); ++it, ++i) {
    const seed_result& row = *it;
    const std::uint64_t position = row.index < named ? row.index : row.index - named;
    const bool beyond = plan.iterations && row.index >= named + *plan.iterations;
    const bool derived = plan.iterations || plan.time_limit || plan.until_stable;
    const bool unplanned = beyond || (row.index >= named && !derived) ||
                           (row.index < named && plan.seeds[row.index] != row.seed);
    if (unplanned || position % r.shard_count != r.shard_index) {
      refuse(s.source + ": seeds[" + std::to_string(i) + "] (seed " + std::to_string(row.seed) +
             ", index " + std::to_string(row.index) + ") is not one of shard " + shard_name(r) +
             "'s seeds");
    }
    if (!places.insert(row.index).second) {
      refuse(s.source + ": index " + std::to_string(row.index) + " appears twice in its seeds");
    }
  }
  const bool stopped_early = r.incomplete || r.stop_reason == "time_limit";
  const bool counted = !plan.time_limit || plan.iterations;
  if (!stopped_early && counted) {
    const std::uint64_t planned =
        share_of(named, r) + (plan.iterations ? share_of(*plan.iterations, r) : 0);
    if (r.seeds.size() != planned) {
      refuse(s.source + " (shard " + shard_name(r) + ") holds " + std::to_string(r.seeds.size()) +
             " seeds where its plan gives it " + std::to_string(planned) +
             "; a report cut short? run that shard again");
    }
  }
}

void merge_row(assertion_row& into, const assertion_row& from, const std::string& source) {
  if (into.kind != from.kind) {
    refuse(source + ": assertion '" + from.name + "' is " + from.kind + " here but " + into.kind +
           " in another shard; merge reports of one program");
  }
  into.pass += from.pass;
  into.fail += from.fail;
  into.frontier = std::max(into.frontier, from.frontier);
  into.conditions = std::max(into.conditions, from.conditions);
  if (from.watermark) {
    into.maximize = from.maximize;
    into.watermark = !into.watermark ? *from.watermark
                     : from.maximize ? std::max(*into.watermark, *from.watermark)
                                     : std::min(*into.watermark, *from.watermark);
  }
  std::set<std::uint64_t> keys(into.bucket_keys.begin(), into.bucket_keys.end());
  keys.insert(from.bucket_keys.begin(), from.bucket_keys.end());
  into.bucket_keys.assign(keys.begin(), keys.end());
}

// The assertion table of all shards: counts added, best values kept,
// buckets united, and each verdict drawn again from the merged row.
std::vector<assertion_row> merge_assertions(const std::vector<shard_report>& shards) {
  std::map<std::string, assertion_row> rows;
  for (const shard_report& s : shards) {
    for (const assertion_row& row : s.report.assertions) {
      auto [where, fresh] = rows.emplace(row.name, row);
      if (!fresh) {
        merge_row(where->second, row, s.source);
      }
    }
  }
  std::vector<assertion_row> merged;
  for (auto& [name, row] : rows) {
    if (row.kind == "sometimes_each") {
      row.buckets = row.bucket_keys.size();
    }
    row.reached = row.pass + row.fail > 0;
    row.status = assertion_status(row);
    merged.push_back(std::move(row));
  }
  return merged;
}

// A root seed's recipes, as its shard listed them, with their timeline
// counts made the root's own (the shard counted from its first root).
struct root_recipes {
  std::uint64_t index = 0;
  root_exploration share;
  std::vector<explore::found_bug> bugs;
};

std::vector<root_recipes> roots_of(const shard_report& s) {
  std::vector<root_recipes> roots;
  const std::vector<explore::found_bug> none;
  const std::vector<explore::found_bug>& listed =
      s.report.exploration ? s.report.exploration->recipes : none;
  std::size_t next_bug = 0;
  std::uint64_t timelines_before = 0;
  for (const seed_result& row : s.report.seeds) {
    root_recipes root{row.index, row.exploration.value_or(root_exploration{}), {}};
    const std::size_t take = std::min<std::size_t>(root.share.recipes, listed.size() - next_bug);
    for (std::size_t i = 0; i < take; ++i) {
      explore::found_bug bug = listed[next_bug++];
      bug.found_at_timeline -= std::min(bug.found_at_timeline, timelines_before);
      root.bugs.push_back(std::move(bug));
    }
    timelines_before += root.share.timelines;
    roots.push_back(std::move(root));
  }
  return roots;
}

// The exploration summary the unsharded run would have added up, root seed
// by root seed in its order (explore::add_root_summary does the same).
explore::exploration_summary merge_exploration(const std::vector<shard_report>& shards) {
  std::vector<root_recipes> roots;
  explore::exploration_summary merged;
  bool config_taken = false;
  for (const shard_report& s : shards) {
    std::vector<root_recipes> mine = roots_of(s);
    std::move(mine.begin(), mine.end(), std::back_inserter(roots));
    if (s.report.exploration) {
      merged.seconds += s.report.exploration->seconds;
      if (!config_taken) {
        merged.config = s.report.exploration->config;
        merged.coverage_signal = s.report.exploration->coverage_signal;
        config_taken = true;
      }
    }
  }
  std::sort(roots.begin(), roots.end(),
            [](const root_recipes& a, const root_recipes& b) { return a.index < b.index; });
  for (root_recipes& root : roots) {
    const root_exploration& share = root.share;
    ++merged.roots;
    merged.timelines += share.timelines;
    merged.fork_points += share.fork_points;
    merged.bugs += share.bugs;
    merged.energy_left = share.energy_left;
    merged.max_depth_reached = std::max(merged.max_depth_reached, share.max_depth_reached);
    if (merged.branching != share.branching) {
      merged.branching = merged.roots == 1 ? share.branching : "mixed";
    }
    const std::uint64_t timelines_before = merged.timelines - share.timelines;
    for (explore::found_bug& bug : root.bugs) {
      bug.found_at_timeline += timelines_before;
      if (!merged.first_bug_seconds) {
        merged.first_bug_seconds = bug.found_after_seconds;
        merged.first_bug_timeline = bug.found_at_timeline;
      }
      if (merged.recipes.size() < explore::recipes_kept) {
        merged.recipes.push_back(std::move(bug));
      }
    }
  }
  return merged;
}

// Why the merged run stopped: a shard that died or ran out of time says so
// for the whole run; otherwise the shards, of one plan, agree.
std::string merged_stop_reason(const std::vector<shard_report>& shards) {
  for (const char* reason : {"aborted", "time_limit"}) {
    for (const shard_report& s : shards) {
      if (s.report.stop_reason == reason) {
        return reason;
      }
    }
  }
  return shards.front().report.stop_reason;
}

}  // namespace

SimulationReport merge_shard_reports(const std::vector<shard_report>& shards) {
  if (shards.empty()) {
    refuse("no reports to merge; give the reports of every shard");
  }
  check_same_run(shards);
  check_every_shard(shards);
  for (const shard_report& s : shards) {
    check_seeds(s);
  }

  const SimulationReport& first = shards.front().report;
  SimulationReport merged;
  merged.name = first.name;
  merged.program = first.program;
  merged.plan = first.plan;
  std::vector<seed_result> rows;
  for (const shard_report& s : shards) {
    const SimulationReport& r = s.report;
    rows.insert(rows.end(), r.seeds.begin(), r.seeds.end());
    merged.incomplete = merged.incomplete || r.incomplete;
    merged.convergence_timeout = merged.convergence_timeout || r.convergence_timeout;
    if (merged.coverage_signal.empty()) {
      merged.coverage_signal = r.coverage_signal;
    }
    merged.wall += r.wall;
  }
  std::sort(rows.begin(), rows.end(),
            [](const seed_result& a, const seed_result& b) { return a.index < b.index; });
  merged.seeds = seed_rows(rows);
  for (const seed_result& row : rows) {
    ++merged.iterations;
    if (row.ok) {
      ++merged.passed;
    } else {
      ++merged.failed;
      merged.failing_seeds.push_back(row.seed);
    }
  }
  merged.assertions = merge_assertions(shards);
  merged.stop_reason = merged_stop_reason(shards);
  const bool explored = std::any_of(shards.begin(), shards.end(), [](const shard_report& s) {
    return s.report.exploration.has_value();
  });
  if (explored) {
    merged.exploration = merge_exploration(shards);
  }
  return merged;
}

}  // namespace moonpool::sim
