// The GoogleTest helper: a passing simulation records nothing, a failing
// one fails the test with each seed, its error and a replay command naming
// this test; MOONPOOL_SEED, MOONPOOL_ITERATIONS and MOONPOOL_REPLAY choose
// the seeds, and a malformed value fails the test without running it.
// Failures are caught with GoogleTest's spy (gtest-spi.h) and read; a seed
// that kills the program is a death test.

#include "moonpool/sim/gtest.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::Context;
using moonpool::sim::run_options;
using moonpool::sim::SimulationBuilder;
using moonpool::sim::SimulationReport;
using ::testing::TestPartResult;
using ::testing::TestPartResultArray;

namespace {

constexpr const char* variables[] = {"MOONPOOL_SEED", "MOONPOOL_ITERATIONS", "MOONPOOL_REPLAY"};

// Notes every seed it runs; fails the seeds `fails` picks.
struct recording_workload : moonpool::sim::Workload {
  std::vector<std::uint64_t>* seeds_run = nullptr;
  bool (*fails)(std::uint64_t seed) = nullptr;
  std::string_view name() const override { return "recorder"; }
  asio::awaitable<void> run(Context& ctx) override {
    co_await moonpool::sim::sleep(std::chrono::milliseconds(1 + ctx.random().below(100)));
    const std::uint64_t seed = ctx.world().seed();
    seeds_run->push_back(seed);
    if (fails != nullptr && fails(seed)) {
      throw std::runtime_error("seed " + std::to_string(seed) + " lost a write");
    }
  }
};

bool never(std::uint64_t) {
  return false;
}
bool odd(std::uint64_t seed) {
  return seed % 2 == 1;
}
bool always(std::uint64_t) {
  return true;
}

SimulationBuilder recorder(std::vector<std::uint64_t>& seeds_run, bool (*fails)(std::uint64_t),
                           std::uint64_t iterations = 20) {
  SimulationBuilder sim;
  sim.name("recorder").iterations(iterations).workload([&seeds_run, fails] {
    auto w = std::make_unique<recording_workload>();
    w->seeds_run = &seeds_run;
    w->fails = fails;
    return w;
  });
  return sim;
}

// Every test starts with none of the variables set (whatever the shell that
// runs this binary exported) and leaves them as it found them.
class GtestHelper : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : variables) {
      const char* value = std::getenv(name);
      saved_.push_back(value != nullptr ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name);
    }
  }
  void TearDown() override {
    for (std::size_t i = 0; i < saved_.size(); ++i) {
      if (saved_[i]) {
        setenv(variables[i], saved_[i]->c_str(), 1);
      } else {
        unsetenv(variables[i]);
      }
    }
  }
  static void set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }

  // How a replay command names this test.
  static std::string this_test() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "." + info->name();
  }
  static std::string command_tail() { return "moonpool-gtest-tests --gtest_filter=" + this_test(); }

 private:
  std::vector<std::optional<std::string>> saved_;
};

// The failures the statement records, caught instead of failing this test.
#define CAUGHT_FAILURES(results, statement)                                                      \
  do {                                                                                           \
    ::testing::ScopedFakeTestPartResultReporter spy(                                             \
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &(results)); \
    statement;                                                                                   \
  } while (false)

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TEST_F(GtestHelper, APassingSimulationRecordsNoFailure) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never, 5);
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
  EXPECT_EQ(failures.size(), 0);
  EXPECT_EQ(seeds_run.size(), 5u) << "the builder's iterations ran";
}

TEST_F(GtestHelper, AFailingSimulationListsEachSeedItsErrorAndAReplayOfThisTest) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, odd);
  const SimulationReport direct = sim.run(run_options{});
  ASSERT_GT(direct.failed, 0u) << "some of the 20 derived seeds are odd";
  ASSERT_LT(direct.failed, 20u) << "and some even";

  TestPartResultArray failures;
  const int line = __LINE__ + 1;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
  ASSERT_EQ(failures.size(), 1);
  const TestPartResult& failure = failures.GetTestPartResult(0);
  EXPECT_EQ(failure.type(), TestPartResult::kNonFatalFailure);
  EXPECT_STREQ(failure.file_name(), __FILE__);
  EXPECT_EQ(failure.line_number(), line);
  const std::string message = failure.message();
  EXPECT_NE(message.find("simulation 'recorder': " + std::to_string(direct.failed) +
                         " of 20 seeds failed"),
            std::string::npos)
      << message;
  for (const auto& s : direct.seeds) {
    const std::string seed = std::to_string(s.seed);
    if (s.ok) {
      EXPECT_EQ(message.find("seed " + seed + " ("), std::string::npos) << seed << " passed";
      continue;
    }
    EXPECT_NE(s.error.find("seed " + seed + " lost a write"), std::string::npos) << s.error;
    const std::string listed = "\n  seed " + seed + " (trace " + s.trace_hash + "): " + s.error +
                               "\n    replay: MOONPOOL_SEED=" + seed + " /";
    EXPECT_NE(message.find(listed), std::string::npos) << seed << "\n" << message;
  }
  EXPECT_EQ(count_of(message, command_tail()), direct.failed)
      << "each replay runs this test alone: " << message;
  // The command starts with this binary's absolute path.
  const std::string binary = std::filesystem::read_symlink("/proc/self/exe").string();
  EXPECT_NE(message.find("MOONPOOL_SEED=" + std::to_string(direct.failing_seeds.front()) + " " +
                         binary + " --gtest_filter=" + this_test()),
            std::string::npos)
      << message;
}

TEST_F(GtestHelper, AfterTenFailingSeedsTheRestAreCounted) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, always, 15);
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
  ASSERT_EQ(failures.size(), 1);
  const std::string message = failures.GetTestPartResult(0).message();
  EXPECT_EQ(count_of(message, "replay: MOONPOOL_SEED="), 10u) << message;
  EXPECT_NE(message.find("\n  ... and 5 more failing seeds"), std::string::npos) << message;
}

namespace {

void assert_then_note(const SimulationBuilder& sim, bool& went_on) {
  MOONPOOL_ASSERT_SIMULATION_PASSES(sim);
  went_on = true;
}

}  // namespace

TEST_F(GtestHelper, TheAssertFormIsFatalAndReturns) {
  std::vector<std::uint64_t> seeds_run;
  bool went_on = false;
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, assert_then_note(recorder(seeds_run, always, 2), went_on));
  ASSERT_EQ(failures.size(), 1);
  EXPECT_EQ(failures.GetTestPartResult(0).type(), TestPartResult::kFatalFailure);
  EXPECT_FALSE(went_on);

  seeds_run.clear();
  CAUGHT_FAILURES(failures, assert_then_note(recorder(seeds_run, never, 2), went_on));
  EXPECT_EQ(failures.size(), 1) << "no new failure";
  EXPECT_TRUE(went_on);
}

TEST_F(GtestHelper, OptionsOfTheTestAreHonoured) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never);
  run_options options;
  options.seeds = {3, 8};
  options.check_determinism = true;  // each seed runs twice
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  EXPECT_EQ(failures.size(), 0);
  EXPECT_EQ(seeds_run, (std::vector<std::uint64_t>{3, 3, 8, 8}));
}

TEST_F(GtestHelper, MoonpoolSeedRunsExactlyTheSeedsItNames) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never);
  run_options options;
  options.seeds = {3};
  options.iterations = 50;
  options.shard_index = 1;
  options.shard_count = 2;  // 5 would not be in this shard: it runs anyway
  set("MOONPOOL_SEED", "5,18446744073709551615,5");
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  EXPECT_EQ(failures.size(), 0);
  EXPECT_EQ(seeds_run, (std::vector<std::uint64_t>{5, 18446744073709551615ULL, 5}));
}

TEST_F(GtestHelper, MoonpoolSeedReplaysAFailingSeedAlone) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, odd);
  const SimulationReport direct = sim.run(run_options{});
  ASSERT_GT(direct.failed, 0u);
  const std::uint64_t failing = direct.failing_seeds.back();
  std::string trace;
  std::string error;
  for (const auto& s : direct.seeds) {
    if (s.seed == failing) {
      trace = s.trace_hash;
      error = s.error;
    }
  }

  seeds_run.clear();
  set("MOONPOOL_SEED", std::to_string(failing));
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
  ASSERT_EQ(failures.size(), 1);
  const std::string message = failures.GetTestPartResult(0).message();
  const std::string seed = std::to_string(failing);
  EXPECT_NE(
      message.find("1 of 1 seeds failed (seeds from the environment: MOONPOOL_SEED=" + seed + ")"),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("seed " + seed + " (trace " + trace + "): " + error), std::string::npos)
      << "the same run as before: " << message;
  EXPECT_NE(message.find("replay: MOONPOOL_SEED=" + seed + " /"), std::string::npos) << message;
  EXPECT_EQ(seeds_run, std::vector<std::uint64_t>{failing});
}

TEST_F(GtestHelper, MoonpoolIterationsReplacesTheCountAndFollowsMoonpoolSeed) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never);
  run_options three;
  three.iterations = 3;
  std::vector<std::uint64_t> derived;
  for (const auto& s : sim.run(three).seeds) {
    derived.push_back(s.seed);
  }

  run_options options;
  options.time_limit = std::chrono::hours(1);  // replaced by the count
  seeds_run.clear();
  set("MOONPOOL_ITERATIONS", "3");
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  EXPECT_EQ(failures.size(), 0);
  EXPECT_EQ(seeds_run, derived);

  seeds_run.clear();
  set("MOONPOOL_SEED", "77");
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  EXPECT_EQ(failures.size(), 0);
  derived.insert(derived.begin(), 77);
  EXPECT_EQ(seeds_run, derived) << "as --seed 77 --iterations 3";
}

TEST_F(GtestHelper, AMalformedVariableFailsTheTestInOneLineAndRunsNothing) {
  struct case_ {
    const char* variable;
    std::string value;
    const char* says;
  };
  const case_ cases[] = {
      {"MOONPOOL_SEED", "", "is not a list of seeds"},
      {"MOONPOOL_SEED", "12x", "is not a list of seeds"},
      {"MOONPOOL_SEED", "-1", "is not a list of seeds"},
      {"MOONPOOL_SEED", "+1", "is not a list of seeds"},
      {"MOONPOOL_SEED", " 5", "is not a list of seeds"},
      {"MOONPOOL_SEED", "0x10", "is not a list of seeds"},
      {"MOONPOOL_SEED", "1,,2", "is not a list of seeds"},
      {"MOONPOOL_SEED", "1,", "is not a list of seeds"},
      {"MOONPOOL_SEED", "18446744073709551616", "is not a list of seeds"},
      {"MOONPOOL_SEED", "4\n2", "is not a list of seeds"},
      {"MOONPOOL_ITERATIONS", "0", "is not a number of seeds"},
      {"MOONPOOL_ITERATIONS", "many", "is not a number of seeds"},
      {"MOONPOOL_ITERATIONS", "-3", "is not a number of seeds"},
      {"MOONPOOL_ITERATIONS", "", "is not a number of seeds"},
      {"MOONPOOL_ITERATIONS", "99999999999999999999", "is not a number of seeds"},
      {"MOONPOOL_REPLAY", "", "is not a recipe"},
      {"MOONPOOL_REPLAY", "abc", "is not a recipe"},
      {"MOONPOOL_REPLAY", "7:", "is not a recipe"},
      {"MOONPOOL_REPLAY", "7:1@", "is not a recipe"},
  };
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never);
  for (const case_& c : cases) {
    // No SCOPED_TRACE: it would append its lines to the failures caught.
    const std::string shown = std::string(c.variable) + "='" + c.value + "'";
    for (const char* name : variables) {
      unsetenv(name);
    }
    set(c.variable, c.value);
    TestPartResultArray failures;
    CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
    ASSERT_EQ(failures.size(), 1) << shown;
    const std::string message = failures.GetTestPartResult(0).message();
    EXPECT_TRUE(
        message.starts_with("simulation 'recorder' not run: " + std::string(c.variable) + "='"))
        << shown << ": " << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << shown << ": " << message;
    EXPECT_TRUE(message.ends_with("; fix it or unset " + std::string(c.variable)))
        << shown << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    EXPECT_TRUE(seeds_run.empty()) << shown << ": nothing ran";
  }
}

TEST_F(GtestHelper, MoonpoolReplayDoesNotCombineWithSeeds) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never);
  set("MOONPOOL_REPLAY", "7");
  set("MOONPOOL_ITERATIONS", "2");
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
  ASSERT_EQ(failures.size(), 1);
  const std::string message = failures.GetTestPartResult(0).message();
  EXPECT_NE(message.find("MOONPOOL_REPLAY replays one recipe"), std::string::npos) << message;
  EXPECT_NE(message.find("MOONPOOL_ITERATIONS=2 MOONPOOL_REPLAY=7"), std::string::npos) << message;
  EXPECT_TRUE(seeds_run.empty());
}

TEST_F(GtestHelper, ABuilderTheRunnerRefusesFailsTheTestSayingWhy) {
  SimulationBuilder no_workload;
  no_workload.name("empty");
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(no_workload));
  ASSERT_EQ(failures.size(), 1);
  EXPECT_NE(std::string(failures.GetTestPartResult(0).message())
                .find("simulation 'empty' could not run: this simulation has no workload"),
            std::string::npos)
      << failures.GetTestPartResult(0).message();
}

namespace {

// One discovery, then one timeline in four fails: exploring a root seed
// forks children at the discovery, and some of them fail.
struct fork_then_coin : moonpool::sim::Workload {
  std::vector<std::uint64_t>* seeds_run = nullptr;
  std::string_view name() const override { return "fork-then-coin"; }
  asio::awaitable<void> run(Context& ctx) override {
    seeds_run->push_back(ctx.world().seed());
    co_await moonpool::sim::sleep(1ms);
    MP_SOMETIMES(true, "fork here");
    co_await moonpool::sim::sleep(1ms);
    const bool fine = ctx.random().below(4) != 0;
    MP_ALWAYS(fine, "the coin lands well");
  }
};

// The first "MOONPOOL_REPLAY=..." word of the message.
std::string first_recipe(const std::string& message) {
  const std::string key = "replay: MOONPOOL_REPLAY=";
  const auto at = message.find(key);
  if (at == std::string::npos) {
    return "";
  }
  const auto start = at + key.size();
  return message.substr(start, message.find(' ', start) - start);
}

}  // namespace

TEST_F(GtestHelper, AnExploredFailureIsListedWithItsRecipeAndMoonpoolReplayRunsIt) {
  std::vector<std::uint64_t> seeds_run;
  SimulationBuilder sim;
  sim.name("explored").workload([&seeds_run] {
    auto w = std::make_unique<fork_then_coin>();
    w->seeds_run = &seeds_run;
    return w;
  });
  run_options options;
  options.seeds = {7};
  options.explore = true;
  moonpool::explore::exploration_config config;
  config.timelines_per_split = 16;
  config.max_depth = 1;
  config.jobs = 1;
  options.exploration = config;

  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  ASSERT_EQ(failures.size(), 1) << "16 children, each failing one time in four";
  const std::string message = failures.GetTestPartResult(0).message();
  EXPECT_NE(message.find("; exploring them, "), std::string::npos) << message;
  const std::string recipe = first_recipe(message);
  ASSERT_NE(recipe.find(':'), std::string::npos) << "a forked timeline: " << message;
  const auto listed = message.find("\n  timeline " + recipe + " (trace ");
  ASSERT_NE(listed, std::string::npos) << message;
  const auto trace_at = listed + std::string("\n  timeline " + recipe + " (trace ").size();
  const std::string trace = message.substr(trace_at, message.find(')', trace_at) - trace_at);
  EXPECT_NE(message.find("MOONPOOL_REPLAY=" + recipe + " /"), std::string::npos) << message;
  EXPECT_NE(message.find(command_tail()), std::string::npos) << message;

  // The replay runs that one timeline, in this process, although the test
  // asks to explore: it fails the same way and says how to run it again.
  seeds_run.clear();
  set("MOONPOOL_REPLAY", recipe);
  TestPartResultArray replayed;
  CAUGHT_FAILURES(replayed, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  ASSERT_EQ(replayed.size(), 1);
  const std::string replay_message = replayed.GetTestPartResult(0).message();
  EXPECT_NE(replay_message.find("1 of 1 seeds failed (seeds from the environment: "
                                "MOONPOOL_REPLAY=" +
                                recipe + ")"),
            std::string::npos)
      << replay_message;
  EXPECT_NE(replay_message.find("\n  timeline " + recipe + " (trace " + trace +
                                "): always-assertion violated: the coin lands well"),
            std::string::npos)
      << "the same timeline, the same trace: " << replay_message;
  EXPECT_NE(replay_message.find("replay: MOONPOOL_REPLAY=" + recipe + " /"), std::string::npos)
      << replay_message;
  EXPECT_EQ(seeds_run, std::vector<std::uint64_t>{7}) << "one run, of the root seed's world";
}

TEST_F(GtestHelper, MoonpoolReplayOfARootSeedRunsThatSeed) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, never);
  set("MOONPOOL_REPLAY", "42");
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim));
  EXPECT_EQ(failures.size(), 0);
  EXPECT_EQ(seeds_run, std::vector<std::uint64_t>{42});
}

namespace {

struct crashing_workload : moonpool::sim::Workload {
  std::string_view name() const override { return "crasher"; }
  asio::awaitable<void> run(Context&) override {
    co_await moonpool::sim::sleep(1ms);
    std::abort();
  }
};

}  // namespace

// The crash ends the test program; what it prints as it dies runs this
// test again on the seed that crashed.
using GtestHelperDeathTest = GtestHelper;
TEST_F(GtestHelperDeathTest, ASeedThatKillsTheProgramPrintsTheTestsReplayCommand) {
  SimulationBuilder sim;
  sim.name("crasher").workload([] { return std::make_unique<crashing_workload>(); });
  run_options options;
  options.seeds = {11};
  EXPECT_DEATH(static_cast<void>(moonpool::sim::simulation_passes(sim, options)),
               "died inside a seed; replay: MOONPOOL_SEED=11 /[^ ]*/moonpool-gtest-tests "
               "--gtest_filter=GtestHelperDeathTest\\.ASeedThatKillsTheProgram");
}

// A parameterized test's replay command names its instance.
class GtestHelperParameterized : public GtestHelper,
                                 public ::testing::WithParamInterface<std::uint64_t> {};
TEST_P(GtestHelperParameterized, TheReplayNamesTheInstance) {
  std::vector<std::uint64_t> seeds_run;
  const auto sim = recorder(seeds_run, always);
  run_options options;
  options.seeds = {GetParam()};
  TestPartResultArray failures;
  CAUGHT_FAILURES(failures, MOONPOOL_EXPECT_SIMULATION_PASSES(sim, options));
  ASSERT_EQ(failures.size(), 1);
  const std::string message = failures.GetTestPartResult(0).message();
  EXPECT_NE(message.find("replay: MOONPOOL_SEED=" + std::to_string(GetParam()) + " /"),
            std::string::npos)
      << message;
  EXPECT_TRUE(
      message.ends_with(" --gtest_filter=Seeds/GtestHelperParameterized."
                        "TheReplayNamesTheInstance/" +
                        std::to_string(GetParam() == 4 ? 0 : 1)))
      << message;
}
INSTANTIATE_TEST_SUITE_P(Seeds, GtestHelperParameterized, ::testing::Values(4, 9));
