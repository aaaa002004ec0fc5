// SimulationReport::to_html: the report as one self-contained page. Every
// section is built from the report alone (nothing is run again), and every
// text that came from the run goes through html_escape.

#include <algorithm>
#include <string>

#include "detail/html_text.hpp"
#include "detail/multiverse_tree.hpp"
#include "detail/report_html_assets.hpp"
#include "detail/seed_chart.hpp"
#include "moonpool/sim/runner/report.hpp"

namespace moonpool::sim {
namespace {

using detail::grouped_count;
using detail::html_escape;
using detail::readable_duration;

// Bounds that keep the page small for any run: the rest is in the JSON.
constexpr std::size_t failing_seeds_shown = 200;
constexpr std::size_t failing_seeds_open = 10;
constexpr std::size_t clean_roots_shown = 20;
constexpr std::size_t children_open = 6;

double seconds_of(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e9;
}

// A command with a button that copies it. `id` names the text the button
// copies; the page script checks that every button finds its text.
std::string copyable_command(const std::string& id, const std::string& command) {
  return "<div class=\"command\"><code id=\"" + id + "\" data-replay=\"\">" + html_escape(command) +
         "</code><button type=\"button\" class=\"copy\" data-copy-target=\"" + id +
         "\">Copy</button></div>";
}

std::string stat(const std::string& label, const std::string& value, const char* tone = "") {
  return std::string("<div class=\"") + tone + "\"><dt>" + label + "</dt><dd>" + value +
         "</dd></div>";
}

void append_head(std::string& page, const SimulationReport& report) {
  page +=
      "<!DOCTYPE html>\n<html lang=\"en\" data-page-status=\"loading\"><head>"
      "<meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      html_escape(report.name) + " - moonpool report</title><style>";
  page += detail::report_html_style;
  page += "</style><script>";
  page += detail::report_html_error_catcher;
  page += "</script></head><body>\n";
}

void append_top_bar(std::string& page, const SimulationReport& report) {
  page += "<header class=\"top\"><span class=\"brand\">moonpool</span><h1>" +
          html_escape(report.name) + "</h1>";
  page += report.ok() ? "<span class=\"verdict pass\" id=\"verdict\">PASSED</span>"
                      : "<span class=\"verdict fail\" id=\"verdict\">FAILED</span>";
  if (report.incomplete) {
    page += "<span class=\"verdict fail\">INCOMPLETE</span>";
  }
  page += "<nav><a href=\"#summary\">Summary</a><a href=\"#failing-seeds\">Failing seeds</a>";
  if (report.exploration) {
    page += "<a href=\"#multiverse\">Multiverse</a>";
  }
  page +=
      "<a href=\"#assertions\">Assertions</a><a href=\"#seeds-chart\">Seeds</a>"
      "<a href=\"#faults\">Faults</a></nav></header>\n"
      "<div id=\"page-errors\" class=\"page-errors\" hidden></div>\n<main>\n";
}

void append_summary(std::string& page, const SimulationReport& report) {
  std::chrono::nanoseconds simulated{0};
  std::uint64_t events = 0;
  for (const seed_result& s : report.seeds) {
    simulated += s.sim_time;
    events += s.events;
  }
  page += "<section id=\"summary\" data-seeds-run=\"" + std::to_string(report.iterations) +
          "\" data-passed=\"" + std::to_string(report.passed) + "\" data-failed=\"" +
          std::to_string(report.failed) + "\" data-stop-reason=\"" +
          html_escape(report.stop_reason) + "\"><h2>Summary</h2><dl class=\"stats\">";
  page += stat("Seeds run", grouped_count(report.iterations));
  page += stat("Passed", grouped_count(report.passed), "good");
  page += stat("Failed", grouped_count(report.failed), report.failed > 0 ? "bad" : "");
  if (report.exploration) {
    page += stat("Explored bugs", grouped_count(report.exploration->bugs),
                 report.exploration->bugs > 0 ? "bad" : "");
  }
  page += stat("Stop reason", html_escape(report.stop_reason));
  page += stat("Wall time", readable_duration(seconds_of(report.wall)));
  page += stat("Simulated time", readable_duration(seconds_of(simulated)));
  page += stat("Events", grouped_count(events));
  page +=
      "</dl><dl class=\"facts\"><dt>Simulation</dt><dd>" + html_escape(report.name) +
      "</dd><dt>Program</dt><dd><code>" +
      html_escape(report.program.empty() ? "(run from code, not a command line)" : report.program) +
      "</code></dd>";
  if (report.replayed) {
    page += "<dt>Replayed recipe</dt><dd><code>" +
            html_escape(explore::format_recipe(*report.replayed)) + "</code></dd>";
  }
  if (!report.coverage_signal.empty()) {
    page += "<dt>Coverage signal</dt><dd>" + html_escape(report.coverage_signal) +
            (report.convergence_timeout ? " (the cap came before it settled)" : " (settled)") +
            "</dd>";
  }
  if (report.incomplete) {
    page +=
        "<dt>Incomplete</dt><dd>the process died inside a seed: these are the seeds run "
        "until then, the one that died last</dd>";
  }
  page += "</dl></section>\n";
}

void append_failing_seed(std::string& page, const SimulationReport& report, const seed_result& seed,
                         std::size_t index) {
  const std::string id = std::to_string(index);
  page += "<article class=\"failure\" id=\"failing-seed-" + id + "\" data-failing-seed=\"" +
          std::to_string(seed.seed) + "\"><h3>Seed " + std::to_string(seed.seed) +
          " <span class=\"muted\">" +
          (seed.trace_hash.empty() ? "" : "trace " + html_escape(seed.trace_hash) + " · ") +
          grouped_count(seed.events) + " events · " + readable_duration(seconds_of(seed.sim_time)) +
          " simulated</span></h3><pre class=\"error\">" + html_escape(seed.error) + "</pre>" +
          copyable_command("replay-" + id, report.replay_of(seed)) + "</article>\n";
}

void append_failing_seeds(std::string& page, const SimulationReport& report) {
  page += "<section id=\"failing-seeds\"><h2>Failing seeds</h2>";
  const auto failing = static_cast<std::size_t>(std::count_if(
      report.seeds.begin(), report.seeds.end(), [](const seed_result& s) { return !s.ok; }));
  const std::size_t shown = std::min(failing, failing_seeds_shown);
  std::size_t index = 0;
  for (const seed_result& s : report.seeds) {
    if (index == shown) {
      break;
    }
    if (s.ok) {
      continue;
    }
    if (index == failing_seeds_open) {
      // The rest fold away, so that the sections below stay in reach; they
      // are in the page all the same (for search, and for copying).
      page += "<details id=\"more-failing-seeds\"><summary>" +
              grouped_count(shown - failing_seeds_open) + " more failing seeds</summary>";
    }
    append_failing_seed(page, report, s, index++);
  }
  if (shown > failing_seeds_open) {
    page += "</details>";
  }
  if (failing == 0) {
    page += report.exploration ? "<p>No root timeline failed (bugs in explored timelines are in "
                                 "the <a href=\"#multiverse\">multiverse</a>).</p>"
                               : "<p>No seed failed.</p>";
  } else if (failing > shown) {
    page += "<p class=\"muted\">The first " + grouped_count(shown) + " of " +
            grouped_count(failing) + " failing seeds; --report-json lists them all.</p>";
  }
  page += "</section>\n";
}

void append_timeline_node(std::string& page, const SimulationReport& report,
                          const detail::multiverse_node& node, std::size_t depth_before);

// Children beyond the first few fold away: an exploration that found 32
// failures one fork apart would otherwise be a wall of near-identical bugs.
void append_children(std::string& page, const SimulationReport& report,
                     const std::vector<detail::multiverse_node>& children, std::size_t depth) {
  if (children.empty()) {
    return;
  }
  page += "<ul>";
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i == children_open) {
      page += "<li class=\"more\"><details><summary>" + grouped_count(children.size() - i) +
              " more child timelines</summary><ul>";
    }
    append_timeline_node(page, report, children[i], depth);
  }
  page += children.size() > children_open ? "</ul></details></li></ul>" : "</ul>";
}

// A stretch of a path to a bug: its forks as chips, each the point in the
// simulation stream where the timeline split and the seed its child took.
void append_timeline_node(std::string& page, const SimulationReport& report,
                          const detail::multiverse_node& node, std::size_t depth_before) {
  const std::size_t first = depth_before + 1;
  const std::size_t last = depth_before + node.forks.size();
  page += "<li data-node=\"timeline\" data-depth=\"" + std::to_string(last) +
          "\"><div class=\"timeline\"><span class=\"label\">" +
          (first == last ? "fork " + std::to_string(first)
                         : "forks " + std::to_string(first) + "&ndash;" + std::to_string(last)) +
          "</span>";
  for (const explore::recipe_step& step : node.forks) {
    const std::string count = std::to_string(step.count);
    const std::string seed = std::to_string(step.seed);
    page += "<span class=\"fork\" data-node=\"fork\" title=\"split after draw " + count +
            " of the simulation stream; the child went on with seed " + seed + "\">" + count + "@" +
            seed + "</span>";
  }
  page += "</div>";
  const std::vector<explore::found_bug>& bugs = report.exploration->recipes;
  for (const std::size_t i : node.bugs) {
    const explore::found_bug& bug = bugs[i];
    const std::string recipe = explore::format_recipe(bug.where);
    page += "<div class=\"bug\" data-node=\"bug\" data-recipe=\"" + html_escape(recipe) +
            "\"><div class=\"error\">" + html_escape(bug.error) + "</div><div class=\"muted\">" +
            (bug.trace_hash.empty() ? "died before its trace was complete"
                                    : "trace " + html_escape(bug.trace_hash)) +
            (bug.same_failures > 0
                 ? " · " + grouped_count(bug.same_failures) + " more timelines failed the same way"
                 : "") +
            " · found after " + readable_duration(bug.found_after_seconds) + ", at timeline " +
            grouped_count(bug.found_at_timeline) + "</div>" +
            copyable_command("bug-replay-" + std::to_string(i),
                             replay_command(report.program, bug.where)) +
            "</div>";
  }
  append_children(page, report, node.children, last);
  page += "</li>";
}

void append_root(std::string& page, const SimulationReport& report,
                 const detail::multiverse_root& root) {
  const bool failed = root.timeline != nullptr && !root.timeline->ok;
  page += "<li class=\"root\" data-node=\"root\" data-seed=\"" + std::to_string(root.seed) +
          "\"><div class=\"timeline\"><span class=\"label\">root seed " +
          std::to_string(root.seed) + "</span>";
  if (root.timeline != nullptr) {
    page += failed ? "<span class=\"badge fail\">fail</span>"
                   : "<span class=\"badge pass\">pass</span>";
    page += "<span class=\"muted\">its own timeline: " +
            (root.timeline->trace_hash.empty()
                 ? std::string()
                 : "trace " + html_escape(root.timeline->trace_hash) + ", ") +
            grouped_count(root.timeline->events) + " events</span>";
  }
  page += "<span class=\"muted\">" +
          (root.bugs_below == 0 ? std::string("no bug found below it")
                                : grouped_count(root.bugs_below) + " of the kept bugs below it") +
          "</span></div>";
  if (failed) {
    page += "<div class=\"bug\"><div class=\"error\">" + html_escape(root.timeline->error) +
            "</div>" +
            copyable_command("root-replay-" + std::to_string(root.seed),
                             report.replay_of(*root.timeline)) +
            "</div>";
  }
  append_children(page, report, root.tree.children, 0);
  page += "</li>";
}

void append_exploration_stats(std::string& page, const explore::exploration_summary& e) {
  page += "<dl class=\"stats\">";
  page += stat("Root seeds", grouped_count(e.roots));
  page += stat("Timelines", grouped_count(e.timelines));
  page += stat("Fork points", grouped_count(e.fork_points));
  page += stat("Failed timelines", grouped_count(e.bugs), e.bugs > 0 ? "bad" : "");
  page += stat("Distinct failures kept", grouped_count(e.recipes.size()));
  page += stat("Deepest fork", std::to_string(e.max_depth_reached));
  page += stat("Energy left", grouped_count(e.energy_left));
  page += stat("Branching", html_escape(e.branching));
  page += stat("Exploring took", readable_duration(e.seconds));
  if (e.first_bug_seconds && e.first_bug_timeline) {
    page += stat("First bug after", readable_duration(*e.first_bug_seconds) + "<small>timeline " +
                                        grouped_count(*e.first_bug_timeline) + "</small>");
  }
  page += "</dl>";
}

void append_multiverse(std::string& page, const SimulationReport& report) {
  const explore::exploration_summary& e = *report.exploration;
  page += "<section id=\"multiverse\"><h2>Multiverse</h2>";
  append_exploration_stats(page, e);
  page +=
      "<p class=\"muted\">Each root seed's timeline split at every discovery into child "
      "timelines. The explorer keeps the recipes of the distinct failures it found first (" +
      grouped_count(e.recipes.size()) + " here, for " + grouped_count(e.bugs) +
      " failed timelines), not every timeline, so the tree shows every root seed and, "
      "below it, the forks that lead to each kept bug. A fork reads <code>DRAW@SEED</code>: "
      "the split came after that many draws of the simulation stream, and the child went "
      "on with that seed.</p><ul class=\"tree\" id=\"multiverse-tree\">";
  std::size_t clean_shown = 0;
  std::size_t clean_hidden = 0;
  const std::vector<seed_result> roots(report.seeds.begin(), report.seeds.end());
  for (const detail::multiverse_root& root : detail::build_multiverse(roots, e.recipes)) {
    const bool clean = root.bugs_below == 0 && (root.timeline == nullptr || root.timeline->ok);
    if (clean && clean_shown == clean_roots_shown) {
      ++clean_hidden;
      continue;
    }
    clean_shown += clean ? 1 : 0;
    append_root(page, report, root);
  }
  page += "</ul>";
  if (clean_hidden > 0) {
    page += "<p class=\"muted\">and " + grouped_count(clean_hidden) +
            " more root seeds explored without a bug.</p>";
  }
  page += "</section>\n";
}

std::string assertion_notes(const assertion_row& a) {
  std::string notes;
  const auto add = [&notes](const std::string& note) {
    notes += (notes.empty() ? "" : "; ") + note;
  };
  if (!a.reached) {
    add("never reached");
  } else if (a.status == "miss") {
    add("reached, never true");
  }
  if (a.kind == "sometimes_all") {
    add("at most " + std::to_string(a.frontier) + " of " + std::to_string(a.conditions) +
        " conditions true at once");
  }
  if (a.kind == "sometimes_each") {
    add(grouped_count(a.buckets) + " buckets");
  }
  if (a.watermark) {
    add("best " + std::to_string(*a.watermark));
  }
  return notes;
}

void append_assertions(std::string& page, const SimulationReport& report) {
  std::size_t by_status[3] = {0, 0, 0};  // fail, miss, pass
  for (const assertion_row& a : report.assertions) {
    by_status[a.status == "fail" ? 0 : a.status == "miss" ? 1 : 2] += 1;
  }
  page += "<section id=\"assertions\"><h2>Assertions</h2>";
  if (report.assertions.empty()) {
    page += "<p>No assertion was declared or evaluated.</p></section>\n";
    return;
  }
  page +=
      "<div class=\"filters\"><button type=\"button\" data-filter=\"all\" "
      "aria-pressed=\"true\">All " +
      std::to_string(report.assertions.size()) +
      "</button><button type=\"button\" data-filter=\"fail\" aria-pressed=\"false\">Failing " +
      std::to_string(by_status[0]) +
      "</button><button type=\"button\" data-filter=\"miss\" aria-pressed=\"false\">Missed " +
      std::to_string(by_status[1]) +
      "</button><button type=\"button\" data-filter=\"pass\" aria-pressed=\"false\">Passing " +
      std::to_string(by_status[2]) +
      "</button></div><table><thead><tr><th>Status</th><th>Assertion</th><th>Kind</th>"
      "<th class=\"count\">Pass</th><th class=\"count\">Fail</th><th>Notes</th></tr></thead>"
      "<tbody>";
  for (const assertion_row& a : report.assertions) {
    const std::string status = html_escape(a.status);
    page += "<tr data-assertion-row=\"\" data-status=\"" + status + "\"><td><span class=\"badge " +
            status + "\">" + status + "</span></td><td class=\"name\">" + html_escape(a.name) +
            "</td><td>" + html_escape(a.kind) + "</td><td class=\"count\">" +
            grouped_count(a.pass) + "</td><td class=\"count\">" + grouped_count(a.fail) +
            "</td><td class=\"muted\">" + html_escape(assertion_notes(a)) + "</td></tr>";
  }
  page += "</tbody></table></section>\n";
}

void append_seed_chart(std::string& page, const SimulationReport& report) {
  page += "<section id=\"seeds-chart\"><h2>Seeds</h2>";
  if (report.seeds.empty()) {
    page += "<p>No seed ran.</p></section>\n";
    return;
  }
  page += "<p class=\"muted\">Each seed's events and simulated time" +
          std::string(report.exploration ? " (of the root timelines)" : "") + ", " +
          grouped_count(report.seeds.size()) + " seeds" +
          (report.seeds.size() > detail::seed_chart_dot_limit
               ? ", binned into a " + std::to_string(detail::seed_chart_columns) + " by " +
                     std::to_string(detail::seed_chart_rows) + " grid"
               : std::string()) +
          ".</p>" + detail::seed_chart_svg(report.seeds.to_vector()) + "</section>\n";
}

void append_faults(std::string& page, const SimulationReport& report) {
  const storage_fault_counts total = report.storage_faults();
  page += "<section id=\"faults\"><h2>Faults</h2>";
  if (total == storage_fault_counts{}) {
    page += "<p>No storage fault was injected in any seed, and no crash met an unsynced write.</p>";
  } else {
    page +=
        "<p>Storage faults injected into the disks, summed over the seeds, and the "
        "durability model's bookkeeping at crashes.</p><table><thead><tr><th>Kind</th>"
        "<th class=\"count\">Count</th><th class=\"count\">Seeds with it</th><th></th></tr>"
        "</thead><tbody>";
    std::string at_zero;
    for (const storage_fault_count_field& field : storage_fault_count_fields) {
      const std::uint64_t count = total.*field.member;
      if (count == 0) {
        at_zero += std::string(at_zero.empty() ? "" : ", ") + "<code>" + field.name + "</code>";
        continue;
      }
      const auto seeds_with_it = std::count_if(
          report.seeds.begin(), report.seeds.end(),
          [&field](const seed_result& s) { return s.storage_faults.*field.member > 0; });
      page +=
          std::string("<tr data-fault=\"") + field.name + "\"><td><code>" + field.name +
          "</code></td><td class=\"count\">" + grouped_count(count) + "</td><td class=\"count\">" +
          grouped_count(static_cast<std::uint64_t>(seeds_with_it)) + "</td><td class=\"muted\">" +
          (field.is_fault ? "fault" : "durability model, not a fault") + "</td></tr>";
    }
    page += "</tbody></table>";
    if (!at_zero.empty()) {
      page += "<p class=\"muted\">None of: " + at_zero + ".</p>";
    }
  }
  page +=
      "<p class=\"muted\">The report counts no network faults; each one (partial reads and "
      "writes, clogs, partitions, bit flips, resets) is an event in the seed's trace "
      "(--trace PATH).</p></section>\n";
}

}  // namespace

std::string SimulationReport::to_html() const {
  std::string page;
  append_head(page, *this);
  append_top_bar(page, *this);
  append_summary(page, *this);
  append_failing_seeds(page, *this);
  if (exploration) {
    append_multiverse(page, *this);
  }
  append_assertions(page, *this);
  append_seed_chart(page, *this);
  append_faults(page, *this);
  page +=
      "</main>\n<footer>Written by moonpool from the run's report, the data of "
      "--report-json; nothing in this page was run again, and it loads nothing.</footer>\n"
      "<script>";
  page += detail::report_html_script;
  page += "</script></body></html>\n";
  return page;
}

}  // namespace moonpool::sim
