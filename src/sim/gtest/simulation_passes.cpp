#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "../../common/shell_quoted.hpp"
#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/gtest.hpp"
#include "test_environment.hpp"

namespace moonpool::sim {
namespace {

using moonpool::detail::shell_quoted;

// As many failing seeds, and as many failing timelines, as a message lists.
constexpr std::size_t failures_listed_max = 10;

// The test running, as a command that runs it alone.
struct running_test {
  std::string name;     // Suite.Name, or "" outside a test
  std::string command;  // the test binary, with --gtest_filter naming the test
};

running_test current_test() {
  running_test test;
  // The binary's absolute path, so that the command works from any
  // directory; argv[0] is not available to a library inside a test.
  std::error_code error;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  test.command = error ? std::string("<test binary>") : shell_quoted(binary.string());
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info != nullptr) {
    test.name = std::string(info->test_suite_name()) + "." + info->name();
    test.command += " " + shell_quoted("--gtest_filter=" + test.name);
  }
  return test;
}

// An error of several lines, indented under its seed.
std::string indented(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '\n') {
      out += "    ";
    }
  }
  return out;
}

std::string replay_assignment(const SimulationReport& report, const seed_result& failed) {
  return report.replayed
             ? std::string(detail::replay_variable) + "=" + explore::format_recipe(*report.replayed)
             : std::string(detail::seed_variable) + "=" + std::to_string(failed.seed);
}

void describe_failing_seeds(std::ostream& out, const SimulationReport& report,
                            const running_test& test) {
  std::size_t listed = 0;
  for (const seed_result& s : report.seeds) {
    if (s.ok) {
      continue;
    }
    if (listed++ == failures_listed_max) {
      break;
    }
    // A replayed recipe is named as the exploration listed it.
    out << "\n  "
        << (report.replayed ? "timeline " + explore::format_recipe(*report.replayed)
                            : "seed " + std::to_string(s.seed))
        << (s.trace_hash.empty() ? "" : " (trace " + s.trace_hash + ")") << ": "
        << indented(s.error) << "\n    replay: " << replay_assignment(report, s) << " "
        << test.command;
  }
  if (report.failed > failures_listed_max) {
    out << "\n  ... and " << report.failed - failures_listed_max << " more failing seeds";
  }
}

void describe_failing_timelines(std::ostream& out, const explore::exploration_summary& e,
                                const running_test& test) {
  for (std::size_t i = 0; i < e.recipes.size() && i < failures_listed_max; ++i) {
    const explore::found_bug& bug = e.recipes[i];
    const std::string recipe = explore::format_recipe(bug.where);
    out << "\n  timeline " << recipe
        << (bug.trace_hash.empty() ? "" : " (trace " + bug.trace_hash + ")") << ": "
        << indented(bug.error) << "\n    replay: " << detail::replay_variable << "=" << recipe
        << " " << test.command;
    if (bug.same_failures > 0) {
      out << "\n    (" << bug.same_failures << " more timelines failed the same way)";
    }
  }
  if (e.recipes.size() > failures_listed_max) {
    out << "\n  ... and " << e.recipes.size() - failures_listed_max << " more distinct failures";
  }
}

std::string failure_message(const SimulationReport& report, const running_test& test,
                            const detail::test_environment& environment) {
  std::ostringstream out;
  out << "simulation '" << report.name << "': " << report.failed << " of " << report.iterations
      << " seeds failed";
  if (!environment.empty()) {
    out << " (seeds from the environment: " << environment.assignments << ")";
  }
  const bool timelines_failed = report.exploration && report.exploration->bugs > 0;
  if (timelines_failed) {
    // A root seed passes when only timelines forked from it failed.
    out << "; exploring them, " << report.exploration->bugs << " of "
        << report.exploration->timelines << " timelines failed ("
        << report.exploration->recipes.size() << " distinct)";
  }
  if (test.name.empty()) {
    out << "\n  (run outside a test: the replay commands need --gtest_filter=Suite.Name added)";
  }
  describe_failing_seeds(out, report, test);
  if (timelines_failed) {
    describe_failing_timelines(out, *report.exploration, test);
  }
  return out.str();
}

}  // namespace

::testing::AssertionResult simulation_passes(const SimulationBuilder& simulation,
                                             run_options options) {
  detail::test_environment environment;
  try {
    environment = detail::read_test_environment();
  } catch (const std::invalid_argument& e) {
    return ::testing::AssertionFailure()
           << "simulation '" << simulation.simulation_name() << "' not run: " << e.what();
  }
  detail::apply_test_environment(environment, options);
  const running_test test = current_test();
  if (!environment.empty()) {
    // A replay that passes says, at least, that it ran what was asked.
    std::cout << "moonpool: " << (test.name.empty() ? "a simulation" : test.name) << " runs "
              << environment.assignments << " (from the environment)\n";
  }
  // A seed that ends the process (a crash, exit(), a handler that never
  // returns) ends the test program too. The runner's own line on stderr
  // shows a simulation binary's command; this one runs the test again.
  options.on_abort = [asked = options.on_abort, test](const SimulationReport& so_far) {
    const std::optional<explore::recipe> timeline = explore::reexecuted_timeline();
    const std::string assignment =
        timeline ? std::string(detail::replay_variable) + "=" + explore::format_recipe(*timeline)
                 : replay_assignment(so_far, so_far.seeds.back());
    std::cerr << "moonpool: " << (test.name.empty() ? "a simulation" : test.name)
              << " died inside a seed; replay: " << assignment << " " << test.command << "\n";
    if (asked) {
      asked(so_far);
    }
  };
  SimulationReport report;
  try {
    report = simulation.run(options);
  } catch (const std::exception& e) {
    // Options the runner refuses (no workload, a bad shard, ...).
    return ::testing::AssertionFailure()
           << "simulation '" << simulation.simulation_name() << "' could not run: " << e.what();
  }
  if (report.ok()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << failure_message(report, test, environment);
}

namespace detail {

::testing::AssertionResult simulation_passes_format(const char* /*expression*/,
                                                    const test_simulation& run) {
  return simulation_passes(run.builder, run.options);
}

}  // namespace detail
}  // namespace moonpool::sim
