// moonpool-report: works on the JSON reports simulations write
// (--report-json).
//
//   moonpool-report merge shard-0.json shard-1.json shard-2.json -o all.json
//   moonpool-report summary all.json
//
// merge joins the reports of a sharded run (--shard I/N) into the report of
// the unsharded run (include/moonpool/sim/runner/report_merge.hpp); summary
// prints a report as the simulation printed it. Exit status as a
// simulation's: 0 when the run passed, 1 when a seed or an explored
// timeline failed, 2 for bad input (one line on stderr naming it).

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../../src/common/printable.hpp"
#include "moonpool/sim/runner/report.hpp"
#include "moonpool/sim/runner/report_merge.hpp"

namespace {

constexpr int exit_passed = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

using moonpool::detail::printable;
using moonpool::sim::SimulationReport;

// Bad input: the one line that names it.
struct bad_input : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw bad_input("cannot read '" + printable(path) + "': " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    throw bad_input("cannot read '" + printable(path) + "'");
  }
  return text.str();
}

SimulationReport read_report(const std::string& path) {
  const std::string text = read_whole(path);
  try {
    return SimulationReport::from_json(text);
  } catch (const std::invalid_argument& e) {
    throw bad_input(printable(path) + ": " + printable(e.what()));
  }
}

// Writes `text` to `path` whole or not at all (PATH.partial, then renamed,
// as the simulations write their reports); "-" is standard output.
void write_whole(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return;
  }
  const std::string partial = path + ".partial";
  std::ofstream out(partial, std::ios::binary);
  out << text << std::flush;
  const bool written = static_cast<bool>(out);
  out.close();
  if (!written || std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    throw bad_input("cannot write '" + printable(path) + "'");
  }
}

// A file that must be writable, checked before any work, so that a typo
// in a path does not cost a merge.
void check_writable(const std::string& path, const char* flag) {
  if (path.empty() || path == "-") {
    return;
  }
  const std::string probe = path + ".partial";
  std::ofstream out(probe);
  if (!out) {
    throw bad_input(std::string("cannot write ") + flag + " file '" + printable(path) + "'");
  }
  out.close();
  std::remove(probe.c_str());
}

struct merge_options {
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string html;
  bool quiet = false;
};

int merge(const merge_options& options) {
  check_writable(options.output, "-o");
  check_writable(options.html, "--report-html");
  if (!options.html.empty() && options.html == options.output) {
    throw bad_input("-o and --report-html name the same file ('" + printable(options.html) +
                    "'); give each its own");
  }
  std::vector<moonpool::sim::shard_report> shards;
  for (const std::string& path : options.inputs) {
    shards.push_back({printable(path), read_report(path)});
  }
  SimulationReport merged;
  try {
    merged = moonpool::sim::merge_shard_reports(shards);
  } catch (const std::invalid_argument& e) {
    throw bad_input(printable(e.what()));
  }
  std::cerr << merged.to_text(options.quiet);
  write_whole(options.output, merged.to_json() + "\n");
  if (!options.html.empty()) {
    write_whole(options.html, merged.to_html());
  }
  return merged.ok() ? exit_passed : exit_failed;
}

int summary(const std::string& path, bool brief) {
  const SimulationReport report = read_report(path);
  std::cout << report.to_text(brief);
  return report.ok() ? exit_passed : exit_failed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "moonpool-report: merge the JSON reports of a sharded run, or print a report's summary"};
  app.set_help_flag("--help,-h", "print the commands and their flags");
  app.require_subcommand(1);

  merge_options merging;
  CLI::App* merge_command = app.add_subcommand(
      "merge",
      "join the reports of every shard of a run (--shard I/N) into the report of the unsharded "
      "run; exit 0 when it passes, 1 when a seed failed, 2 for bad input");
  merge_command->add_option("reports", merging.inputs, "the JSON reports, one per shard")
      ->required()
      ->type_name("REPORT");
  merge_command
      ->add_option("-o,--output", merging.output,
                   "where to write the merged JSON report ('-': standard output, the default)")
      ->type_name("PATH");
  merge_command
      ->add_option("--report-html", merging.html,
                   "also write the merged report as one self-contained HTML page")
      ->type_name("PATH");
  merge_command->add_flag("--quiet", merging.quiet,
                          "print only the summary and failures on stderr, not the assertions");

  std::string summarized;
  bool brief = false;
  CLI::App* summary_command = app.add_subcommand(
      "summary",
      "print a report's summary as the simulation printed it; exit 0 when the run passed, 1 "
      "when it failed, 2 for bad input");
  summary_command->add_option("report", summarized, "the JSON report")
      ->required()
      ->type_name("REPORT");
  summary_command->add_flag("--brief", brief, "leave out the assertion table");

  // A mistyped command would otherwise read as an unexpected argument.
  if (argc > 1 && argv[1][0] != '-' && std::string_view(argv[1]) != "merge" &&
      std::string_view(argv[1]) != "summary") {
    std::cerr << "moonpool-report: unknown command '" << printable(argv[1])
              << "'; the commands are merge and summary (see --help)\n";
    return exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return exit_passed;
  } catch (const CLI::ParseError& e) {
    // CLI11 prints a subcommand's help for --help after it.
    if (e.get_exit_code() == 0) {
      std::cout << (merge_command->parsed()     ? merge_command->help()
                    : summary_command->parsed() ? summary_command->help()
                                                : app.help());
      return exit_passed;
    }
    std::cerr << "moonpool-report: " << printable(e.what()) << "; see --help\n";
    return exit_usage;
  }

  try {
    if (merge_command->parsed()) {
      return merge(merging);
    }
    return summary(summarized, brief);
  } catch (const bad_input& e) {
    std::cerr << "moonpool-report: " << e.what() << "\n";
    return exit_usage;
  }
}
