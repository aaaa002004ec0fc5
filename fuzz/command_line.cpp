// Fuzz target: the standard command line of a simulation binary
// (parse_command_line, src/sim/runner/command_line.hpp).
//
// The input is argv without argv[0]: words separated by NUL bytes
// ("--seed\0-3" is two words; a trailing NUL adds an empty word). Properties:
//   - parse_command_line returns, or throws detail::usage_error whose
//     what() is one non-empty printable line; never another exception type,
//     never a crash;
//   - what it returns is self-consistent: a shard inside its count (and
//     never of an --until-stable run), at least one iteration, positive
//     budgets, a replay alone, explore settings that validate, the trace
//     flag matching the trace path, argv[0] kept;
//   - parsing is a function of argv: parsing again gives the same options.

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "command_line.hpp"
#include "moonpool/sim/runner/process.hpp"
#include "moonpool/sim/runner/simulation_builder.hpp"
#include "property.hpp"

namespace {

namespace sim = moonpool::sim;
namespace fuzz = moonpool::fuzz;
using sim::detail::command_line;
using sim::detail::usage_error;

// Bounds the work per input: CLI11 parses in time linear in argv.
constexpr std::size_t words_max = 64;
constexpr const char* program = "sim-fuzz";

struct idle_workload : sim::Workload {
  std::string_view name() const override { return "idle"; }
  boost::asio::awaitable<void> run(sim::Context&) override { co_return; }
};

// Built once: parse_command_line only reads it (names, defaults).
const sim::SimulationBuilder& simulation() {
  static const sim::SimulationBuilder builder = [] {
    sim::SimulationBuilder b;
    b.name("fuzz").workload([] { return std::make_unique<idle_workload>(); });
    return b;
  }();
  return builder;
}

std::vector<std::string> split_words(std::string_view input) {
  std::vector<std::string> words;
  for (std::size_t begin = 0; words.size() < words_max;) {
    const std::size_t nul = input.find('\0', begin);
    words.emplace_back(input.substr(begin, nul - begin));
    if (nul == std::string_view::npos) {
      break;
    }
    begin = nul + 1;
  }
  return words;
}

// The argv words, escaped and separated by spaces: the evidence of a failure.
std::string shown(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    out += (out.empty() ? "'" : " '") + word + "'";
  }
  return out;
}

void check_consistent(const command_line& line, const std::string& argv_text) {
  const sim::run_options& o = line.options;
  const auto expect = [&](bool holds, const char* property) {
    fuzz::expect(holds, property, argv_text);
  };
  if (line.help) {
    expect(!line.help->empty(), "--help returns a non-empty text");
    return;
  }
  expect(o.shard_count >= 1 && o.shard_index < o.shard_count, "shard_index < shard_count");
  expect(!o.until_stable || o.shard_count == 1, "--until-stable never split into shards");
  expect(!o.iterations || *o.iterations >= 1, "iterations, when set, are at least 1");
  expect(!o.time_limit || o.time_limit->count() > 0, "a time limit, when set, is positive");
  expect(!o.until_stable || (o.until_stable->first >= 1 && o.until_stable->second >= 1),
         "--until-stable P,MAX, when set, has P >= 1 and MAX >= 1");
  expect(o.seed_timeout.count() >= 0, "seed_timeout >= 0");
  if (o.replay) {
    expect(o.seeds.empty() && !o.explore && !o.isolate && !o.iterations && !o.time_limit &&
               !o.until_stable && o.shard_index == 0 && o.shard_count == 1,
           "a replay runs alone (no seeds, explore, isolate, derived seeds or shard)");
  }
  expect(!(o.explore && o.isolate), "--explore and --isolate never both");
  expect(o.explore == o.exploration.has_value(), "exploration settings exactly with --explore");
  if (o.exploration) {
    try {
      o.exploration->validate();
    } catch (const std::exception& e) {
      fuzz::fail("accepted exploration settings validate", argv_text + ": " + e.what());
    }
    expect(o.exploration->jobs <= 1024, "--jobs at most 1024");
  }
  expect(!(line.quiet && line.verbose), "--quiet and --verbose never both");
  expect(line.report_json.empty() || line.report_json != line.trace_path,
         "--report-json and --trace never name the same file");
  expect(line.report_html.empty() ||
             (line.report_html != line.report_json && line.report_html != line.trace_path),
         "--report-html never names the file of --report-json or --trace");
  expect(o.record_trace == !line.trace_path.empty(), "record_trace exactly with --trace PATH");
  expect(o.program == program, "argv[0] is kept as the program");
}

// The options two parses of the same argv must agree on.
bool same_options(const command_line& a, const command_line& b) {
  const sim::run_options& x = a.options;
  const sim::run_options& y = b.options;
  return a.help == b.help && a.report_json == b.report_json && a.report_html == b.report_html &&
         a.trace_path == b.trace_path && a.quiet == b.quiet && a.verbose == b.verbose &&
         x.seeds == y.seeds && x.iterations == y.iterations && x.time_limit == y.time_limit &&
         x.until_stable == y.until_stable && x.base_seed == y.base_seed &&
         x.shard_index == y.shard_index && x.shard_count == y.shard_count &&
         x.explore == y.explore && x.replay == y.replay && x.isolate == y.isolate &&
         x.seed_timeout == y.seed_timeout && x.record_trace == y.record_trace;
}

// Returns the parsed command line, or nothing after a usage error (checked).
std::optional<command_line> parse(const std::vector<const char*>& argv,
                                  const std::string& argv_text) {
  try {
    // argv as main() gets it: argc words, then a null pointer.
    return sim::detail::parse_command_line(static_cast<int>(argv.size() - 1), argv.data(),
                                           simulation());
  } catch (const usage_error& e) {
    fuzz::expect_printable_line(e.what(), "usage_error::what()");
    return std::nullopt;
  } catch (const std::exception& e) {
    fuzz::fail("parse_command_line throws only usage_error",
               argv_text + ": " + typeid(e).name() + ": " + e.what());
  } catch (...) {
    fuzz::fail("parse_command_line throws only usage_error", argv_text + ": not a std::exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> words =
      split_words(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<const char*> argv{program};
  for (const std::string& word : words) {
    argv.push_back(word.c_str());
  }
  argv.push_back(nullptr);
  const std::string argv_text = shown(words);
  const std::optional<command_line> first = parse(argv, argv_text);
  if (!first) {
    return 0;
  }
  check_consistent(*first, argv_text);
  const std::optional<command_line> second = parse(argv, argv_text);
  fuzz::expect(second && same_options(*first, *second), "parsing the same argv twice agrees",
               argv_text);
  return 0;
}
