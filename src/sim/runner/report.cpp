#include "moonpool/sim/runner/report.hpp"

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

std::string assertion_status(const assertion_row& row) {
  const std::string& k = row.kind;
  if (k == "always" || k == "always_or_unreachable" || k == "unreachable" ||
      k == "numeric_always") {
    // An always-assertion (plain or numeric) that never ran proved
    // nothing: a miss. The _OR_UNREACHABLE and UNREACHABLE forms may
    // legitimately never run.
    const bool must_run = k == "always" || k == "numeric_always";
    return row.fail > 0 ? "fail" : (!row.reached && must_run) ? "miss" : "pass";
  }
  bool held = row.pass > 0;
  if (k == "sometimes_all") {
    held = row.conditions > 0 && row.frontier == row.conditions;
  } else if (k == "sometimes_each") {
    held = row.buckets > 0;
  }
  return held ? "pass" : "miss";
}

std::string SimulationReport::replay_of(const seed_result& failed) const {
  return replayed ? replay_command(program, *replayed) : replay_command(program, failed);
}

std::string SimulationReport::to_text(bool brief) const {
  std::ostringstream out;
  std::chrono::nanoseconds sim_total{0};
  std::uint64_t events = 0;
  for (const seed_result& s : seeds) {
    sim_total += s.sim_time;
    events += s.events;
  }
  out << name;
  if (shard_count > 1) {
    out << " (shard " << shard_index << "/" << shard_count << ")";
  }
  out << ": " << iterations << " seeds, " << passed << " passed, " << failed
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
