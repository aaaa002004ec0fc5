// The standard command line against hostile input: every flag's empty,
// negative, huge, non-numeric, overflowing and incompatible forms are a
// usage error of one printable line that names the flag.

#include "sim/runner/command_line.hpp"

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

namespace {

using moonpool::sim::SimulationBuilder;
using moonpool::sim::detail::command_line;
using moonpool::sim::detail::parse_command_line;
using moonpool::sim::detail::usage_error;

struct Idle : moonpool::sim::Workload {
  std::string_view name() const override { return "idle"; }
  boost::asio::awaitable<void> run(moonpool::sim::Context&) override { co_return; }
};

SimulationBuilder simulation() {
  SimulationBuilder sim;
  sim.name("hostile").workload([] { return std::make_unique<Idle>(); });
  return sim;
}

command_line parse(const std::vector<std::string>& words) {
  std::vector<const char*> argv{"sim-hostile"};
  for (const std::string& w : words) {
    argv.push_back(w.c_str());
  }
  const SimulationBuilder sim = simulation();
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), sim);
}

struct hostile_case {
  std::vector<std::string> args;
  std::string names;  // the message must contain this (the flag)
};

std::string label(const hostile_case& c) {
  std::string out;
  for (const std::string& a : c.args) {
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

// gtest prints a failing case's arguments, not its bytes.
void PrintTo(const hostile_case& c, std::ostream* out) {
  *out << "'" << label(c) << "'";
}

class HostileCommandLine : public ::testing::TestWithParam<hostile_case> {};

TEST_P(HostileCommandLine, IsOneLineNamingTheFlag) {
  const hostile_case& c = GetParam();
  try {
    static_cast<void>(parse(c.args));
    FAIL() << "accepted: " << label(c);
  } catch (const usage_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(c.names), std::string::npos) << "'" << label(c) << "' gave: " << message;
    EXPECT_FALSE(message.empty());
    for (const char ch : message) {
      const auto byte = static_cast<unsigned char>(ch);
      ASSERT_TRUE(byte >= 0x20 && byte < 0x7f) << "unprintable byte in: " << message;
    }
  }
}

const std::string huge = "99999999999999999999999";  // beyond 2^64

INSTANTIATE_TEST_SUITE_P(
    EveryFlag, HostileCommandLine,
    ::testing::Values(
        // --seed
        hostile_case{{"--seed", ""}, "--seed"}, hostile_case{{"--seed", "-3"}, "--seed"},
        hostile_case{{"--seed", huge}, "--seed"}, hostile_case{{"--seed", "ten"}, "--seed"},
        hostile_case{{"--seed", "1.5"}, "--seed"}, hostile_case{{"--seed", " 7"}, "--seed"},
        hostile_case{{"--seed", "+7"}, "--seed"}, hostile_case{{"--seed"}, "--seed"},
        // --iterations
        hostile_case{{"--iterations", ""}, "--iterations"},
        hostile_case{{"--iterations", "-1"}, "--iterations"},
        hostile_case{{"--iterations", "0"}, "--iterations"},
        hostile_case{{"--iterations", huge}, "--iterations"},
        hostile_case{{"--iterations", "many"}, "--iterations"},
        hostile_case{{"--iterations", "1e3"}, "--iterations"},
        hostile_case{{"--iterations", "5", "--iterations", "6"}, "--iterations"},
        // --time-limit
        hostile_case{{"--time-limit", ""}, "--time-limit"},
        hostile_case{{"--time-limit", "-5"}, "--time-limit"},
        hostile_case{{"--time-limit", "0"}, "--time-limit"},
        hostile_case{{"--time-limit", "inf"}, "--time-limit"},
        hostile_case{{"--time-limit", "nan"}, "--time-limit"},
        hostile_case{{"--time-limit", "1e12"}, "--time-limit"},
        hostile_case{{"--time-limit", "1e-9"}, "--time-limit"},
        hostile_case{{"--time-limit", "soon"}, "--time-limit"},
        hostile_case{{"--time-limit", "5s"}, "--time-limit"},
        // --until-stable
        hostile_case{{"--until-stable", "0"}, "--until-stable"},
        hostile_case{{"--until-stable", "-2"}, "--until-stable"},
        hostile_case{{"--until-stable", "5,0"}, "--until-stable"},
        hostile_case{{"--until-stable", "5,"}, "--until-stable"},
        hostile_case{{"--until-stable", "5,6,7"}, "--until-stable"},
        hostile_case{{"--until-stable", huge}, "--until-stable"},
        hostile_case{{"--until-stable", "x"}, "--until-stable"},
        // --shard
        hostile_case{{"--shard", ""}, "--shard"}, hostile_case{{"--shard", "2/2"}, "--shard"},
        hostile_case{{"--shard", "0/0"}, "--shard"}, hostile_case{{"--shard", "-1/4"}, "--shard"},
        hostile_case{{"--shard", "1"}, "--shard"}, hostile_case{{"--shard", "/"}, "--shard"},
        hostile_case{{"--shard", "0/" + huge}, "--shard"},
        hostile_case{{"--shard", "a/b"}, "--shard"},
        hostile_case{{"--shard", "0/2", "--until-stable"}, "--until-stable"},
        // --base-seed
        hostile_case{{"--base-seed", ""}, "--base-seed"},
        hostile_case{{"--base-seed", "-1"}, "--base-seed"},
        hostile_case{{"--base-seed", huge}, "--base-seed"},
        hostile_case{{"--base-seed", "0x10"}, "--base-seed"},
        hostile_case{{"--seed", "1", "--base-seed", "5"}, "--base-seed"},
        // --report-json, --report-html, --trace
        hostile_case{{"--report-json", ""}, "--report-json"},
        hostile_case{{"--report-html", ""}, "--report-html"},
        hostile_case{{"--trace", ""}, "--trace"},
        hostile_case{{"--report-json", "x.json", "--trace", "x.json"}, "--report-json"},
        hostile_case{{"--report-html", "x.out", "--report-json", "x.out"}, "--report-html"},
        hostile_case{{"--report-html", "x.out", "--trace", "x.out"}, "--report-html"},
        hostile_case{{"--report-html", "a.html", "--report-html", "b.html"}, "--report-html"},
        // --seed-timeout
        hostile_case{{"--seed-timeout", ""}, "--seed-timeout"},
        hostile_case{{"--seed-timeout", "0"}, "--seed-timeout"},
        hostile_case{{"--seed-timeout", "-1"}, "--seed-timeout"},
        hostile_case{{"--seed-timeout", "inf"}, "--seed-timeout"},
        hostile_case{{"--seed-timeout", "1e300"}, "--seed-timeout"},
        hostile_case{{"--seed-timeout", "never"}, "--seed-timeout"},
        // --isolate (a flag: a value is an error)
        hostile_case{{"--isolate=banana"}, "--isolate"},
        hostile_case{{"--isolate", "--explore"}, "--isolate"},
        // exploration knobs
        hostile_case{{"--energy", "5"}, "--energy"},
        hostile_case{{"--explore", "--energy", ""}, "--energy"},
        hostile_case{{"--explore", "--energy", "0"}, "--energy"},
        hostile_case{{"--explore", "--energy", "-5"}, "--energy"},
        hostile_case{{"--explore", "--energy", huge}, "--energy"},
        hostile_case{{"--jobs", "2"}, "--jobs"},
        hostile_case{{"--explore", "--jobs", "0"}, "--jobs"},
        hostile_case{{"--explore", "--jobs", "-1"}, "--jobs"},
        hostile_case{{"--explore", "--jobs", "4294967296"}, "--jobs"},
        hostile_case{{"--explore", "--jobs", "100000"}, "--jobs"},
        hostile_case{{"--explore", "--jobs", "two"}, "--jobs"},
        hostile_case{{"--explore", "--explore-fixed", "0"}, "--explore-fixed"},
        hostile_case{{"--explore", "--explore-fixed", "-2"}, "--explore-fixed"},
        hostile_case{{"--explore", "--explore-fixed", "4294967296"}, "--explore-fixed"},
        hostile_case{{"--explore-fixed", "4"}, "--explore-fixed"},
        hostile_case{{"--explore", "--max-depth", "0"}, "max_depth"},
        hostile_case{{"--explore", "--max-depth", "121"}, "max_depth"},
        hostile_case{{"--explore", "--max-depth", ""}, "--max-depth"},
        hostile_case{{"--max-depth", "3"}, "--max-depth"},
        hostile_case{{"--branching", "fork"}, "--branching"},
        hostile_case{{"--explore", "--branching", "spoon"}, "--branching"},
        hostile_case{{"--explore", "--branching", ""}, "--branching"},
        hostile_case{{"--explore", "--explore-batch", "0"}, "--explore-batch"},
        hostile_case{{"--explore", "--explore-batch", "-1"}, "--explore-batch"},
        hostile_case{{"--explore-batch", "4"}, "--explore-batch"},
        hostile_case{{"--explore", "--explore-rare-step", "0"}, "--explore-rare-step"},
        hostile_case{{"--explore", "--explore-rare-step", "1"}, "--explore-rare-step"},
        hostile_case{{"--explore", "--explore-rare-step", "1/0"}, "--explore-rare-step"},
        hostile_case{{"--explore", "--explore-rare-step", "nan"}, "--explore-rare-step"},
        hostile_case{{"--explore", "--explore-rare-step", "2/1"}, "--explore-rare-step"},
        hostile_case{{"--explore", "--explore-rare-step", "1/"}, "--explore-rare-step"},
        hostile_case{{"--explore", "--explore-confidence", "1.5"}, "--explore-confidence"},
        hostile_case{{"--explore", "--explore-confidence", "-0.5"}, "--explore-confidence"},
        hostile_case{{"--explore-confidence", "0.9"}, "--explore-confidence"},
        hostile_case{{"--explore", "--explore-min-split", "0"}, "--explore-min-split"},
        hostile_case{{"--explore", "--explore-max-split", "0"}, "--explore-max-split"},
        hostile_case{{"--explore", "--explore-min-split", "50", "--explore-max-split", "10"},
                     "--explore-min-split"},
        hostile_case{{"--explore", "--explore-mark-energy", "x"}, "--explore-mark-energy"},
        hostile_case{{"--explore-mark-energy", "5", "--explore-batch", "2"},
                     "--explore-batch, --explore-mark-energy"},
        hostile_case{{"--explore=maybe"}, "--explore"},
        // --replay
        hostile_case{{"--replay", ""}, "--replay"}, hostile_case{{"--replay", "x"}, "--replay"},
        hostile_case{{"--replay", "12:x"}, "--replay"},
        hostile_case{{"--replay", "12:3@"}, "--replay"},
        hostile_case{{"--replay", huge + ":1@2"}, "--replay"},
        hostile_case{{"--replay", "1", "--seed", "2"}, "--replay"},
        hostile_case{{"--replay", "1", "--explore"}, "--replay"},
        hostile_case{{"--replay", "1", "--isolate"}, "--replay"},
        hostile_case{{"--replay", "1", "--iterations", "3"}, "--replay"},
        hostile_case{{"--replay", "1", "--shard", "0/2"}, "--replay"},
        // output modes, unknown flags, stray words, control characters
        hostile_case{{"--quiet", "--verbose"}, "--quiet"},
        hostile_case{{"--no-such-flag"}, "--no-such-flag"}, hostile_case{{"stray"}, "stray"},
        hostile_case{{"--iterations", "5\n--seed 3"}, "--iterations"},
        hostile_case{{"--seed", "1\x1b[31m"}, "--seed"},
        hostile_case{{"--replay", "1:\n2@3"}, "--replay"}));

TEST(CommandLine, ControlCharactersAreEscaped) {
  try {
    static_cast<void>(parse({"--iterations", "5\nboom"}));
    FAIL();
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("5\\nboom"), std::string::npos) << e.what();
  }
}

TEST(CommandLine, GoodFormsAreAccepted) {
  EXPECT_EQ(parse({"--iterations", "5"}).options.iterations, 5U);
  EXPECT_EQ(parse({"--seed", "18446744073709551615"}).options.seeds.front(), UINT64_MAX);
  EXPECT_EQ(parse({"--seed-timeout", "off"}).options.seed_timeout.count(), 0);
  EXPECT_EQ(parse({"--seed-timeout", "2.5"}).options.seed_timeout, std::chrono::milliseconds(2500));
  EXPECT_TRUE(parse({"--isolate", "--iterations", "3"}).options.isolate);
  const command_line until = parse({"--until-stable"});
  ASSERT_TRUE(until.options.until_stable);
  EXPECT_EQ(until.options.until_stable->first, 10U);
  EXPECT_EQ(parse({"--shard", "1/4"}).options.shard_index, 1U);
  EXPECT_TRUE(parse({"--shard", "0/1", "--until-stable"}).options.until_stable);
  EXPECT_TRUE(parse({"--replay", "12:3@99,0@7"}).options.replay);
  EXPECT_TRUE(parse({"--help"}).help);
  // --help names what each value is, never "TEXT".
  const std::optional<std::string> help = parse({"--help"}).help;
  ASSERT_TRUE(help);
  EXPECT_EQ(help->find("TEXT"), std::string::npos) << *help;
  EXPECT_NE(help->find("--iterations N "), std::string::npos) << *help;
  EXPECT_NE(help->find("--report-json PATH "), std::string::npos) << *help;
  EXPECT_NE(help->find("--report-html PATH "), std::string::npos) << *help;
  EXPECT_EQ(parse({"--report-html", "r.html"}).report_html, "r.html");
  EXPECT_NE(help->find("--seed N ..."), std::string::npos) << *help;
  EXPECT_EQ(parse({}).options.program, "sim-hostile");
  const command_line tuned =
      parse({"--explore", "--branching", "reexecute", "--explore-rare-step", "1/50",
             "--explore-confidence", "0.99", "--explore-batch", "2", "--explore-max-split", "500",
             "--explore-mark-energy", "300", "--jobs", "3"});
  ASSERT_TRUE(tuned.options.exploration);
  const moonpool::explore::exploration_config& c = *tuned.options.exploration;
  EXPECT_EQ(c.branch, moonpool::explore::branching::reexecute);
  EXPECT_DOUBLE_EQ(c.adaptive.rare_step, 0.02);
  EXPECT_DOUBLE_EQ(c.adaptive.confidence, 0.99);
  EXPECT_EQ(c.adaptive.batch_size, 2U);
  EXPECT_EQ(c.adaptive.max_timelines, 500U);
  EXPECT_EQ(c.adaptive.per_mark_energy, 300U);
  EXPECT_EQ(c.jobs, 3U);
  // (1 - 0.02)^n <= 0.01 from n = 228.
  EXPECT_EQ(c.adaptive.barren_after(), 228U);
  EXPECT_EQ(
      parse({"--explore", "--explore-min-split", "9"}).options.exploration->adaptive.barren_after(),
      9U);
}

}  // namespace
