// The fork explorer: exact accounting across forked timelines, budgets,
// bugs found in children (failures, crashes, deadlocks) and their replay,
// and the same tree from the same root seed.

#include "moonpool/explore/explorer.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::explore::exploration_config;
using moonpool::sim::Context;
using moonpool::sim::run_options;
using moonpool::sim::SimulationBuilder;
using moonpool::sim::SimulationReport;

namespace {

// What a forked child does once it is running: the tests below use it to
// make children (and only children) fail in different ways.
enum class child_fate { live, fail, crash, deadlock, exit_zero, exit_42, raw_exit_zero, spin };

// One discovery ("fork here"), then an event every timeline reaches.
struct one_fork : moonpool::sim::Workload {
  child_fate fate = child_fate::live;
  std::string_view name() const override { return "one-fork"; }
  asio::awaitable<void> run(Context& ctx) override {
    MP_ALWAYS(true, "before the fork");  // counted, not a discovery
    co_await moonpool::sim::sleep(1ms);
    MP_SOMETIMES(true, "fork here");
    co_await moonpool::sim::sleep(1ms);
    MP_ALWAYS(true, "after the fork");
    if (fate == child_fate::fail) {
      // Every timeline draws; one in four fails.
      const bool fine = ctx.random().below(4) != 0;
      MP_ALWAYS(fine, "timelines mostly fine");
    }
    if (moonpool::explore::in_child()) {
      switch (fate) {
        case child_fate::live:
        case child_fate::fail:
          break;
        case child_fate::crash:
          std::abort();
        case child_fate::deadlock: {
          moonpool::sim::notification never(ctx.get_executor());
          co_await never.async_wait(asio::use_awaitable);
          break;
        }
        case child_fate::exit_zero:
          std::exit(0);
        case child_fate::exit_42:
          std::exit(42);
        case child_fate::raw_exit_zero:
          _exit(0);  // skips every exit handler: only the missing outcome tells
        case child_fate::spin:
          for (volatile bool forever = true; forever;) {
          }
          break;
      }
    }
  }
};

// A chain of `marks` discoveries, each after a random sleep: every child
// discovers the next mark, so the tree is as deep as depth and energy allow.
struct chain : moonpool::sim::Workload {
  int marks = 12;
  std::string_view name() const override { return "chain"; }
  asio::awaitable<void> run(Context& ctx) override {
    for (int i = 0; i < marks; ++i) {
      co_await moonpool::sim::sleep(std::chrono::microseconds(1 + ctx.random().below(100)));
      MP_SOMETIMES_EACH("step", {{"index", i}});
      // Drawn outside the macro: assertion arguments are evaluated only
      // inside a simulation, and a draw must not depend on that.
      const std::uint64_t draw = ctx.random().below(1000);
      MP_SOMETIMES_GT(draw, 990, "a high draw");
    }
  }
};

SimulationBuilder one_fork_sim(child_fate fate) {
  SimulationBuilder sim;
  sim.workload([fate] {
    auto w = std::make_unique<one_fork>();
    w->fate = fate;
    return w;
  });
  return sim;
}

SimulationBuilder chain_sim() {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<chain>(); });
  return sim;
}

// Fixed splitting; depth 1 by default so that a child's own discoveries
// ("after the fork" is new to the first child) do not fork again.
// The branching every test here uses: MOONPOOL_TEST_BRANCHING=fork or
// reexecute (CTest runs this file once with each), else automatic.
moonpool::explore::branching test_branching() {
  const char* chosen = std::getenv("MOONPOOL_TEST_BRANCHING");
  const std::string name = chosen != nullptr ? chosen : "";
  return name == "fork"        ? moonpool::explore::branching::fork
         : name == "reexecute" ? moonpool::explore::branching::reexecute
                               : moonpool::explore::branching::automatic;
}

exploration_config fixed(std::uint32_t per_split, std::uint32_t jobs = 1) {
  exploration_config c;
  c.branch = test_branching();
  c.timelines_per_split = per_split;
  c.jobs = jobs;
  c.max_depth = 1;
  return c;
}

SimulationReport explore(const SimulationBuilder& sim, exploration_config config,
                         std::vector<std::uint64_t> seeds = {7},
                         std::chrono::nanoseconds seed_timeout = std::chrono::seconds(120)) {
  run_options options;
  options.seeds = std::move(seeds);
  options.seed_timeout = seed_timeout;
  options.explore = true;
  config.branch = test_branching();
  options.exploration = config;
  return sim.run(options);
}

std::map<std::string, std::uint64_t> passes(const SimulationReport& report) {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& row : report.assertions) {
    counts[row.name] = row.pass;
  }
  return counts;
}

}  // namespace

TEST(Explorer, ForkedChildrenCountIntoOneTable) {
  for (std::uint32_t jobs : {1u, 2u}) {
    const SimulationReport report = explore(one_fork_sim(child_fate::live), fixed(5, jobs));
    ASSERT_TRUE(report.exploration) << "jobs " << jobs;
    EXPECT_EQ(report.exploration->timelines, 5u);
    EXPECT_EQ(report.exploration->fork_points, 1u);
    EXPECT_EQ(report.exploration->bugs, 0u);
    EXPECT_EQ(report.exploration->coverage_signal, "assertions") << "this file is not instrumented";
    const auto counts = passes(report);
    // Before the fork only the root counts; after it, the root and 5 children.
    EXPECT_EQ(counts.at("before the fork"), 1u);
    EXPECT_EQ(counts.at("fork here"), 1u);
    EXPECT_EQ(counts.at("after the fork"), 6u) << "jobs " << jobs;
    EXPECT_TRUE(report.ok());
  }
}

TEST(Explorer, WithoutExploreNothingForks) {
  run_options options;
  options.seeds = {7};
  const SimulationReport report = one_fork_sim(child_fate::crash).run(options);
  EXPECT_FALSE(report.exploration);
  EXPECT_EQ(passes(report).at("after the fork"), 1u);
  EXPECT_TRUE(report.ok());
}

TEST(Explorer, AFailingChildIsABugWithARecipeThatReplays) {
  const SimulationBuilder sim = one_fork_sim(child_fate::fail);
  const SimulationReport report = explore(sim, fixed(16));
  ASSERT_TRUE(report.exploration);
  EXPECT_GT(report.exploration->bugs, 0u);
  EXPECT_LT(report.exploration->bugs, 16u) << "a quarter of the children fail, not all";
  EXPECT_FALSE(report.ok()) << "a bug in any timeline fails the run";
  ASSERT_FALSE(report.exploration->recipes.empty());
  const moonpool::explore::found_bug& bug = report.exploration->recipes.front();
  EXPECT_NE(bug.error.find("timelines mostly fine"), std::string::npos) << bug.error;
  ASSERT_EQ(bug.where.steps.size(), 1u);
  EXPECT_EQ(bug.where.root_seed, 7u);

  // Replayed in this process: the same timeline, so the same failure and
  // the same trace, every time.
  const auto again = [&] {
    run_options options;
    options.replay = bug.where;
    return sim.run(options);
  };
  const SimulationReport first = again();
  const SimulationReport second = again();
  ASSERT_EQ(first.seeds.size(), 1u);
  EXPECT_FALSE(first.seeds[0].ok);
  EXPECT_EQ(first.seeds[0].trace_hash, bug.trace_hash);
  EXPECT_EQ(second.seeds[0].trace_hash, bug.trace_hash);
}

TEST(Explorer, ACrashedOrDeadlockedChildIsABug) {
  {
    const SimulationReport report = explore(one_fork_sim(child_fate::crash), fixed(3));
    ASSERT_TRUE(report.exploration);
    EXPECT_EQ(report.exploration->bugs, 3u);
    ASSERT_FALSE(report.exploration->recipes.empty());
    EXPECT_NE(report.exploration->recipes[0].error.find("killed by signal"), std::string::npos)
        << report.exploration->recipes[0].error;
  }
  {
    const SimulationReport report = explore(one_fork_sim(child_fate::deadlock), fixed(3));
    ASSERT_TRUE(report.exploration);
    EXPECT_EQ(report.exploration->bugs, 3u);
    ASSERT_FALSE(report.exploration->recipes.empty());
    EXPECT_NE(report.exploration->recipes[0].error.find("deadlock"), std::string::npos)
        << report.exploration->recipes[0].error;
  }
}

// User code that ends its process cannot pass for a clean timeline, whatever
// status it exits with: children report how they ended on a pipe.
TEST(Explorer, AChildThatExitsOrSpinsIsABugNeverAPass) {
  const struct {
    child_fate fate;
    std::uint32_t children;
    const char* says;
  } cases[] = {
      {child_fate::exit_zero, 3, "called exit() inside the simulation"},
      {child_fate::exit_42, 3, "called exit() inside the simulation"},
      {child_fate::raw_exit_zero, 3, "timeline crashed: exited with status 0"},
      {child_fate::spin, 1, "passed its --seed-timeout inside one handler"},
  };
  for (const auto& c : cases) {
    const SimulationReport report =
        explore(one_fork_sim(c.fate), fixed(c.children), {7}, std::chrono::seconds(1));
    ASSERT_TRUE(report.exploration) << c.says;
    EXPECT_EQ(report.exploration->bugs, c.children) << c.says;
    ASSERT_FALSE(report.exploration->recipes.empty()) << c.says;
    const moonpool::explore::found_bug& bug = report.exploration->recipes.front();
    EXPECT_NE(bug.error.find(c.says), std::string::npos) << bug.error;
    EXPECT_EQ(bug.where.steps.size(), 1u) << c.says;
    EXPECT_FALSE(report.ok());
  }
}

// A recipe from another binary, or from before a code change, whose forks
// are never reached fails instead of passing as the unforked run.
TEST(Explorer, ARecipeWhoseStepsAreNotReachedFailsSayingHowMany) {
  run_options options;
  options.replay = moonpool::explore::recipe{7, {{1'000'000, 5}}};
  const SimulationReport report = one_fork_sim(child_fate::live).run(options);
  ASSERT_EQ(report.seeds.size(), 1u);
  EXPECT_FALSE(report.seeds[0].ok);
  EXPECT_EQ(report.seeds[0].recipe_steps_applied, 0u);
  EXPECT_NE(report.seeds[0].error.find("reached only 0 of the recipe's 1 steps"), std::string::npos)
      << report.seeds[0].error;
  EXPECT_FALSE(report.ok());
}

TEST(Explorer, GlobalEnergyCapsTheTimelines) {
  exploration_config config = fixed(3);
  config.max_depth = 64;
  config.global_energy = 7;
  const SimulationReport report = explore(chain_sim(), config);
  ASSERT_TRUE(report.exploration);
  EXPECT_EQ(report.exploration->timelines, 7u);
  EXPECT_EQ(report.exploration->energy_left, 0u);
}

TEST(Explorer, MaxDepthCapsTheTree) {
  for (std::uint32_t depth : {1u, 3u}) {
    exploration_config config = fixed(2);
    config.max_depth = depth;
    config.global_energy = 100000;
    const SimulationReport report = explore(chain_sim(), config);
    ASSERT_TRUE(report.exploration);
    EXPECT_EQ(report.exploration->max_depth_reached, depth);
  }
}

TEST(Explorer, AdaptiveSplittingStaysWithinEnergy) {
  exploration_config config;
  config.jobs = 1;
  config.global_energy = 50;
  config.adaptive.batch_size = 3;
  config.adaptive.min_timelines = 3;
  config.adaptive.per_mark_energy = 10;
  const SimulationReport report = explore(chain_sim(), config);
  ASSERT_TRUE(report.exploration);
  EXPECT_GT(report.exploration->timelines, 3u);
  EXPECT_LE(report.exploration->timelines, 50u);
}

TEST(Explorer, SequentialModeGrowsTheSameTreeFromTheSameRootSeed) {
  exploration_config config;
  config.jobs = 1;
  config.global_energy = 300;
  const auto shape = [&] {
    const SimulationReport r = explore(chain_sim(), config, {3, 4});
    std::string text = std::to_string(r.exploration->timelines) + "/" +
                       std::to_string(r.exploration->fork_points) + "/" +
                       std::to_string(r.exploration->max_depth_reached);
    for (const auto& row : r.assertions) {
      text += "|" + row.name + ":" + std::to_string(row.pass) + ":" + std::to_string(row.buckets) +
              ":" + std::to_string(row.watermark.value_or(-1));
    }
    return text;
  };
  const std::string first = shape();
  EXPECT_EQ(first, shape());
  EXPECT_NE(first.find("step:"), std::string::npos) << first;
}

namespace {

// Everything an exploration decided: its counts, every recipe with its
// error and trace, and the assertion table.
std::string exploration_shape(const SimulationReport& r) {
  std::string text =
      std::to_string(r.exploration->roots) + "/" + std::to_string(r.exploration->timelines) + "/" +
      std::to_string(r.exploration->fork_points) + "/" + std::to_string(r.exploration->bugs) + "/" +
      std::to_string(r.exploration->max_depth_reached);
  for (const auto& bug : r.exploration->recipes) {
    text += "|" + moonpool::explore::format_recipe(bug.where) + " " + bug.error + " " +
            bug.trace_hash + " " + std::to_string(bug.found_at_timeline);
  }
  for (const auto& row : r.assertions) {
    text += "|" + row.name + ":" + std::to_string(row.pass) + ":" + std::to_string(row.fail) + ":" +
            std::to_string(row.buckets) + ":" + std::to_string(row.watermark.value_or(-1));
  }
  for (const auto& seed : r.seeds) {
    text += "|" + std::to_string(seed.seed) + ":" + seed.trace_hash;
  }
  return text;
}

// A chain whose children sometimes fail: recipes to compare too.
struct failing_chain : chain {
  asio::awaitable<void> run(Context& ctx) override {
    co_await chain::run(ctx);
    const std::uint64_t draw = ctx.random().below(50);
    MP_ALWAYS(draw != 7, "no unlucky seven");
  }
};

SimulationReport explore_with(moonpool::explore::branching branch, std::uint32_t jobs,
                              std::vector<std::uint64_t> seeds) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<failing_chain>(); });
  run_options options;
  options.seeds = std::move(seeds);
  options.explore = true;
  exploration_config config;
  config.global_energy = 400;
  config.branch = branch;
  config.jobs = jobs;
  options.exploration = config;
  return sim.run(options);
}

}  // namespace

// Re-execution is a way to reach a split point, not a different search: the
// same tree, bugs, recipes and counts as forking.
TEST(Explorer, ForkAndReexecutionGrowTheSameTree) {
  using moonpool::explore::branching;
  const SimulationReport forked = explore_with(branching::fork, 1, {3, 4});
  const SimulationReport reexecuted = explore_with(branching::reexecute, 1, {3, 4});
  EXPECT_EQ(forked.exploration->branching, "fork");
  EXPECT_EQ(reexecuted.exploration->branching, "reexecute");
  EXPECT_GT(forked.exploration->bugs, 0u) << "the comparison covers recipes";
  EXPECT_EQ(exploration_shape(forked), exploration_shape(reexecuted));
}

// Root seeds explored side by side give what one at a time gives.
TEST(Explorer, JobsDoNotChangeTheResults) {
  using moonpool::explore::branching;
  const SimulationReport one = explore_with(test_branching(), 1, {3, 4, 5, 6});
  const SimulationReport three = explore_with(test_branching(), 3, {3, 4, 5, 6});
  EXPECT_EQ(one.exploration->roots, 4u);
  EXPECT_EQ(exploration_shape(one), exploration_shape(three));
}

TEST(Explorer, ConfigIsValidated) {
  exploration_config config;
  config.max_depth = 0;
  EXPECT_THROW(config.validate(), std::invalid_argument);
  config = exploration_config{};
  config.timelines_per_split = 0;
  EXPECT_THROW(config.validate(), std::invalid_argument);
  config = exploration_config{};
  config.adaptive.min_timelines = 10;
  config.adaptive.max_timelines = 5;
  EXPECT_THROW(SimulationBuilder{}.exploration(config), std::invalid_argument);
}

TEST(Explorer, AFailedRootSeedEndsItsExplorationSoTheNextCanStart) {
  SimulationBuilder broken;
  broken.workload([]() -> std::unique_ptr<moonpool::sim::Workload> {
    throw std::invalid_argument("no workload today");
  });
  const SimulationReport failed = explore(broken, fixed(2));
  EXPECT_EQ(failed.failed, 1u);
  ASSERT_TRUE(failed.exploration);
  EXPECT_EQ(failed.exploration->timelines, 0u);
  EXPECT_FALSE(moonpool::explore::running());
  const SimulationReport report = explore(one_fork_sim(child_fate::live), fixed(2));
  ASSERT_TRUE(report.exploration);
  EXPECT_EQ(report.exploration->timelines, 2u);
}

namespace {

// First a mark whose children find nothing (they stop at once), then one
// whose children each find a new bucket.
struct barren_then_productive : moonpool::sim::Workload {
  std::string_view name() const override { return "barren-then-productive"; }
  asio::awaitable<void> run(Context& ctx) override {
    int phase = 1;
    MP_SOMETIMES(true, "a barren mark");
    if (moonpool::explore::in_child() && phase == 1) {
      co_return;
    }
    phase = 2;
    co_await moonpool::sim::sleep(1ms);
    MP_SOMETIMES(true, "a productive mark");
    if (moonpool::explore::in_child()) {
      const std::uint64_t v = ctx.random().below(std::uint64_t{1} << 40);
      MP_SOMETIMES_EACH("a bucket of its own", {{"v", static_cast<std::int64_t>(v)}});
    }
  }
};

}  // namespace

TEST(Explorer, ABarrenMarksEnergyGoesToThePoolForAProductiveOne) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<barren_then_productive>(); });
  exploration_config config;
  config.jobs = 1;
  config.max_depth = 1;
  config.global_energy = 100;
  config.adaptive.batch_size = 1;
  config.adaptive.min_timelines = 2;
  config.adaptive.per_mark_energy = 5;
  const SimulationReport report = explore(sim, config);
  ASSERT_TRUE(report.exploration);
  // The barren mark: 2 children, then 3 of its 5 units go to the pool. The
  // productive mark: its own 5, then the pool's 3.
  EXPECT_EQ(report.exploration->timelines, 2u + 5u + 3u);
  EXPECT_EQ(report.exploration->fork_points, 2u);
}

TEST(Explorer, EveryRootSeedReArmsTheMarks) {
  const SimulationReport report = explore(one_fork_sim(child_fate::live), fixed(3), {7, 8, 9});
  ASSERT_TRUE(report.exploration);
  EXPECT_EQ(report.exploration->fork_points, 3u) << "one split per root seed";
  EXPECT_EQ(report.exploration->timelines, 9u);
  EXPECT_EQ(passes(report).at("fork here"), 3u);
}

namespace {

// Every kind of discovery, once or more; each child stops right after the
// fork, so only the root's discoveries fork.
struct every_discovery : moonpool::sim::Workload {
  std::string_view name() const override { return "every-discovery"; }
  asio::awaitable<void> run(Context&) override {
    const auto child = [] { return moonpool::explore::in_child(); };
    MP_ALWAYS(true, "never a discovery");
    MP_SOMETIMES(true, "a first pass");  // 1
    if (child())
      co_return;
    MP_SOMETIMES(true, "a first pass");  // not the first
    for (int v = 0; v < 3; ++v) {
      MP_SOMETIMES_GT(v, 10, "a climbing watermark");  // 3: each value is better
      if (child())
        co_return;
    }
    MP_SOMETIMES_GT(1, 10, "a climbing watermark");               // not better
    MP_SOMETIMES_ALL("a frontier", {{"a", true}, {"b", false}});  // 1
    if (child())
      co_return;
    MP_SOMETIMES_ALL("a frontier", {{"a", false}, {"b", true}});  // not wider
    MP_SOMETIMES_ALL("a frontier", {{"a", true}, {"b", true}});   // 1
    if (child())
      co_return;
    MP_SOMETIMES_EACH("buckets", {{"k", 1}});  // 1
    if (child())
      co_return;
    MP_SOMETIMES_EACH("buckets", {{"k", 1}});  // seen
    MP_SOMETIMES_EACH("buckets", {{"k", 2}});  // 1
    if (child())
      co_return;
    MP_SOMETIMES_EACH("qualities", {{"k", 1}}, 5);  // 1: a new bucket
    if (child())
      co_return;
    MP_SOMETIMES_EACH("qualities", {{"k", 1}}, 3);  // not better
    MP_SOMETIMES_EACH("qualities", {{"k", 1}}, 9);  // 1: better
  }
};

}  // namespace

TEST(Explorer, EveryKindOfDiscoveryForksAndNothingElseDoes) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<every_discovery>(); });
  const SimulationReport report = explore(sim, fixed(1));
  ASSERT_TRUE(report.exploration);
  EXPECT_EQ(report.exploration->fork_points, 1u + 3u + 2u + 2u + 2u);
  EXPECT_EQ(report.exploration->timelines, 10u);
}
