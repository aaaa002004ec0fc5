#include "moonpool/sim/runner/report.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <sstream>

#include "../../common/shell_quoted.hpp"

namespace moonpool::sim {
namespace {

using moonpool::detail::shell_quoted;

std::string seconds(std::chrono::nanoseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", static_cast<double>(d.count()) / 1e9);
  return text;
}

std::string program_or_placeholder(std::string_view program) {
  return program.empty() ? std::string("<simulation>") : shell_quoted(program);
}

boost::json::object to_json_object(const storage_fault_counts& counts) {
  boost::json::object o;
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    o[field.name] = counts.*field.member;
  }
  return o;
}

}  // namespace

storage_fault_counts SimulationReport::storage_faults() const noexcept {
  storage_fault_counts total;
  for (const seed_result& s : seeds) {
    total += s.storage_faults;
  }
  return total;
}

std::string replay_command(std::string_view program, std::uint64_t seed) {
  return program_or_placeholder(program) + " --seed " + std::to_string(seed);
}

std::string replay_command(std::string_view program, const seed_result& failed) {
  return replay_command(program, failed.seed) +
         (failed.error.starts_with(nondeterminism_error_prefix) ? " --check-determinism" : "");
}

std::string replay_command(std::string_view program, const explore::recipe& recipe) {
  return program_or_placeholder(program) + " --replay " + explore::format_recipe(recipe);
}

std::string SimulationReport::replay_of(const seed_result& failed) const {
  return replayed ? replay_command(program, *replayed) : replay_command(program, failed);
}

std::string SimulationReport::to_json() const {
  boost::json::object root;
  root["name"] = name;
  root["incomplete"] = incomplete;
  root["iterations"] = iterations;
  root["passed"] = passed;
  root["failed"] = failed;
  // Seeds twice: as numbers, and as text, which no JSON reader rounds
  // (jq 1.6 and JavaScript keep 53 bits of a number).
  boost::json::array failing;
  boost::json::array failing_text;
  for (std::uint64_t seed : failing_seeds) {
    failing.push_back(seed);
    failing_text.push_back(boost::json::string(std::to_string(seed)));
  }
  root["failing_seeds"] = std::move(failing);
  root["failing_seeds_text"] = std::move(failing_text);
  boost::json::array seed_rows;
  for (const seed_result& s : seeds) {
    boost::json::object row;
    row["seed"] = s.seed;
    row["seed_text"] = std::to_string(s.seed);
    row["ok"] = s.ok;
    row["error"] = s.error;
    row["events"] = s.events;
    row["sim_time_ns"] = s.sim_time.count();
    row["wall_ns"] = s.wall.count();
    row["trace_hash"] = s.trace_hash;
    if (!s.ok) {
      row["replay"] = replay_of(s);
    }
    if (s.recipe_steps_applied) {
      row["recipe_steps_applied"] = *s.recipe_steps_applied;
    }
    if (s.storage_faults != storage_fault_counts{}) {
      row["storage_faults"] = to_json_object(s.storage_faults);
    }
    seed_rows.push_back(std::move(row));
  }
  root["seeds"] = std::move(seed_rows);
  root["storage_faults"] = to_json_object(storage_faults());
  boost::json::array assertion_rows;
  for (const assertion_row& a : assertions) {
    boost::json::object row;
    row["name"] = a.name;
    row["kind"] = a.kind;
    row["pass"] = a.pass;
    row["fail"] = a.fail;
    row["status"] = a.status;
    row["reached"] = a.reached;
    if (a.kind == "sometimes_all") {
      row["frontier"] = a.frontier;
      row["conditions"] = a.conditions;
    }
    if (a.kind == "sometimes_each") {
      row["buckets"] = a.buckets;
    }
    if (a.watermark) {
      row["watermark"] = *a.watermark;
    }
    assertion_rows.push_back(std::move(row));
  }
  root["assertions"] = std::move(assertion_rows);
  root["convergence_timeout"] = convergence_timeout;
  root["stop_reason"] = stop_reason;
  if (!coverage_signal.empty()) {
    root["coverage_signal"] = coverage_signal;
  }
  if (exploration) {
    boost::json::object e;
    e["timelines"] = exploration->timelines;
    e["fork_points"] = exploration->fork_points;
    e["bugs"] = exploration->bugs;
    e["energy_left"] = exploration->energy_left;
    e["max_depth_reached"] = exploration->max_depth_reached;
    e["coverage_signal"] = exploration->coverage_signal;
    e["roots"] = exploration->roots;
    e["branching"] = exploration->branching;
    e["seconds"] = exploration->seconds;
    e["timelines_per_s"] = exploration->seconds > 0
                               ? static_cast<double>(exploration->timelines) / exploration->seconds
                               : 0.0;
    if (exploration->first_bug_seconds) {
      e["first_bug_seconds"] = *exploration->first_bug_seconds;
      e["first_bug_timeline"] = *exploration->first_bug_timeline;
    } else {
      e["first_bug_seconds"] = nullptr;
      e["first_bug_timeline"] = nullptr;
    }
    const explore::exploration_config& c = exploration->config;
    boost::json::object settings{{"energy", c.global_energy},
                                 {"max_depth", c.max_depth},
                                 {"jobs", c.jobs},
                                 {"branching", explore::to_string(c.branch)},
                                 {"splitting", c.timelines_per_split ? "fixed" : "adaptive"},
                                 {"batch", c.adaptive.batch_size},
                                 {"rare_step", c.adaptive.rare_step},
                                 {"confidence", c.adaptive.confidence},
                                 {"min_split", c.adaptive.barren_after()},
                                 {"max_split", c.adaptive.max_timelines},
                                 {"mark_energy", c.adaptive.per_mark_energy}};
    if (c.timelines_per_split) {
      settings["fixed"] = *c.timelines_per_split;
    }
    e["config"] = std::move(settings);
    e["wall_ns"] = wall.count();
    boost::json::array recipes;
    boost::json::array failures;
    for (const explore::found_bug& bug : exploration->recipes) {
      recipes.push_back(boost::json::string(explore::format_recipe(bug.where)));
      failures.push_back(boost::json::object{{"recipe", explore::format_recipe(bug.where)},
                                             {"replay", replay_command(program, bug.where)},
                                             {"error", bug.error},
                                             {"trace_hash", bug.trace_hash},
                                             {"same_failures", bug.same_failures},
                                             {"found_after_seconds", bug.found_after_seconds},
                                             {"found_at_timeline", bug.found_at_timeline}});
    }
    e["recipes"] = std::move(recipes);
    e["failures"] = std::move(failures);
    root["exploration"] = std::move(e);
  }
  if (replayed) {
    root["replayed_recipe"] = explore::format_recipe(*replayed);
    root["recipe_steps"] = replayed->steps.size();
  }
  root["wall_ns"] = wall.count();
  return boost::json::serialize(root);
}

std::string SimulationReport::to_text(bool brief) const {
  std::ostringstream out;
  std::chrono::nanoseconds sim_total{0};
  std::uint64_t events = 0;
  for (const seed_result& s : seeds) {
    sim_total += s.sim_time;
    events += s.events;
  }
  out << name << ": " << iterations << " seeds, " << passed << " passed, " << failed
      << " failed (stopped by " << stop_reason << ")" << (incomplete ? ", INCOMPLETE" : "") << "\n";
  out << "  wall " << seconds(wall) << ", simulated " << seconds(sim_total) << ", " << events
      << " events\n";
  const storage_fault_counts faults = storage_faults();
  if (faults != storage_fault_counts{}) {
    // Only the kinds that happened: a line a reader can scan.
    out << "  storage faults:";
    const char* separator = " ";
    for (const storage_fault_count_field& field : storage_fault_count_fields) {
      if (const std::uint64_t count = faults.*field.member; count > 0) {
        out << separator << field.name << " " << count;
        separator = ", ";
      }
    }
    out << "\n";
  }
  if (!coverage_signal.empty()) {
    out << "  coverage signal: " << coverage_signal
        << (convergence_timeout ? " (cap reached before it settled)" : " (settled)") << "\n";
  }
  if (replayed && !seeds.empty()) {
    out << "  replayed " << explore::format_recipe(*replayed) << ": trace "
        << seeds.front().trace_hash
        << (seeds.front().ok ? ", ok" : ", FAILED: " + seeds.front().error) << "\n";
    if (seeds.front().recipe_steps_applied) {
      out << "  recipe steps applied: " << *seeds.front().recipe_steps_applied << " of "
          << replayed->steps.size() << "\n";
    }
  }
  if (exploration) {
    const explore::exploration_summary& e = *exploration;
    out << "  exploration: " << e.roots << " root seeds, " << e.timelines << " timelines ("
        << e.branching << ", "
        << static_cast<std::uint64_t>(e.seconds > 0 ? static_cast<double>(e.timelines) / e.seconds
                                                    : 0.0)
        << "/s), " << e.fork_points << " fork points, " << e.bugs << " bugs, deepest "
        << e.max_depth_reached << ", energy left " << e.energy_left << ", signal "
        << e.coverage_signal << "\n";
    if (e.first_bug_seconds) {
      out << "  first bug after " << *e.first_bug_seconds << " s and " << *e.first_bug_timeline
          << " timelines\n";
    }
    constexpr std::size_t bugs_shown = 3;
    for (std::size_t i = 0; i < e.recipes.size() && i < bugs_shown; ++i) {
      const explore::found_bug& bug = e.recipes[i];
      out << "  BUG in an explored timeline: " << bug.error << "\n"
          << "    replay: " << replay_command(program, bug.where) << " --trace out.jsonl"
          << (bug.trace_hash.empty() ? "" : "   (trace " + bug.trace_hash + ")") << "\n";
      if (bug.same_failures > 0) {
        out << "    (" << bug.same_failures << " more timelines failed the same way)\n";
      }
    }
    if (e.recipes.size() > bugs_shown) {
      out << "  ... and " << (e.recipes.size() - bugs_shown)
          << " more distinct failures (see --report-json)\n";
    }
  }
  std::size_t shown = 0;
  for (const seed_result& s : seeds) {
    if (!s.ok && shown++ < 10) {
      out << "  FAILED seed " << s.seed
          << (s.trace_hash.empty() ? "" : " (trace " + s.trace_hash + ")") << ": " << s.error
          << "\n"
          << "    replay: " << replay_of(s) << " --trace out.jsonl\n";
    }
  }
  if (failed > shown) {
    out << "  ... and " << (failed - shown) << " more failing seeds (see --report-json)\n";
  }
  if (!brief && !assertions.empty()) {
    out << "  assertions:\n";
    for (const assertion_row& a : assertions) {
      char line[96];
      std::snprintf(line, sizeof line, "    %-5s %-18s pass %-8llu fail %-8llu ", a.status.c_str(),
                    a.kind.c_str(), static_cast<unsigned long long>(a.pass),
                    static_cast<unsigned long long>(a.fail));
      out << line << a.name;
      if (!a.reached) {
        out << " (never reached)";
      }
      if (a.watermark) {
        out << " (best " << *a.watermark << ")";
      }
      if (a.kind == "sometimes_each") {
        out << " (" << a.buckets << " buckets)";
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace moonpool::sim
