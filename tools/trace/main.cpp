// moonpool-trace: read the --trace file of a simulation.
//
//   moonpool-trace show out.jsonl [--host H] [--task T] [--event PREFIX]
//                                 [--seed S] [--from SECONDS] [--to SECONDS]
//   moonpool-trace diff a.jsonl b.jsonl [--context N]
//   moonpool-trace stats out.jsonl
//
// Exit status: 0, or for diff 1 when the traces differ; 2 for bad input
// (an unknown flag, a missing file, a line that is not a trace record),
// with one line on stderr naming it.

#include <CLI/CLI.hpp>
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "trace_file.hpp"

namespace {

namespace tool = moonpool::trace_tool;

constexpr int exit_usage = 2;

struct options {
  std::string file;
  std::string other_file;
  tool::record_filter filter;
  std::string from;
  std::string to;
  int context = 3;
};

void add_show(CLI::App& app, options& o) {
  CLI::App* show = app.add_subcommand(
      "show", "Print the records as aligned columns: simulated time, host, task, event, fields");
  show->add_option("file", o.file, "A --trace file")->required();
  show->add_option("--host", o.filter.hosts, "Only records on this host (repeatable)")
      ->allow_extra_args(false);
  show->add_option("--task", o.filter.tasks, "Only records of this task (repeatable)")
      ->allow_extra_args(false);
  show->add_option("--event", o.filter.event_prefixes,
                   "Only events whose name starts so: net. or net.transmit (repeatable)")
      ->allow_extra_args(false);
  show->add_option("--seed", o.filter.seeds, "Only records of this seed (repeatable)")
      ->allow_extra_args(false);
  show->add_option("--from", o.from, "Only records at or after these simulated seconds");
  show->add_option("--to", o.to, "Only records at or before these simulated seconds");
}

void add_diff(CLI::App& app, options& o) {
  CLI::App* diff = app.add_subcommand(
      "diff", "The first record where two traces of one seed part (exit 1), or 'identical'");
  diff->add_option("a", o.file, "The first --trace file")->required();
  diff->add_option("b", o.other_file, "The second --trace file")->required();
  diff->add_option("--context", o.context, "Records shown before and after the first difference")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
}

void add_stats(CLI::App& app, options& o) {
  CLI::App* stats = app.add_subcommand("stats", "Count the records by event and by host");
  stats->add_option("file", o.file, "A --trace file")->required();
}

int run(const CLI::App& app, options& o) {
  if (app.got_subcommand("show")) {
    if (!o.from.empty()) {
      o.filter.from_ns = tool::parse_seconds(o.from, "--from");
    }
    if (!o.to.empty()) {
      o.filter.to_ns = tool::parse_seconds(o.to, "--to");
    }
    if (o.filter.from_ns && o.filter.to_ns && *o.filter.from_ns > *o.filter.to_ns) {
      throw tool::bad_input("--from " + o.from + " is after --to " + o.to +
                            "; give the earlier time first");
    }
    return tool::show(o.file, o.filter, std::cout, std::cerr);
  }
  if (app.got_subcommand("diff")) {
    return tool::diff(o.file, o.other_file, static_cast<std::size_t>(o.context), std::cout);
  }
  return tool::stats(o.file, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Read the event trace a simulation writes with --trace PATH (docs/debugging.md)",
               "moonpool-trace"};
  app.require_subcommand(1);
  options o;
  add_show(app, o);
  add_diff(app, o);
  add_stats(app, o);
  // CLI11 would take an unknown command for a stray argument.
  const std::string_view first = argc > 1 ? argv[1] : "-";
  if (!first.starts_with('-') && first != "show" && first != "diff" && first != "stats") {
    std::cerr << "moonpool-trace: unknown command '" << argv[1]
              << "'; the commands are show, diff and stats\n";
    return exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // the help of the command asked about
  } catch (const CLI::ParseError& e) {
    std::cerr << "moonpool-trace: " << e.what() << " (moonpool-trace --help lists the commands)\n";
    return exit_usage;
  }
  try {
    return run(app, o);
  } catch (const tool::bad_input& e) {
    std::cerr << "moonpool-trace: " << e.what() << "\n";
    return exit_usage;
  }
}
