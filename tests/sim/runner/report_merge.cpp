// Merging shard reports (merge_shard_reports): verdicts drawn from the
// merged counts, shards that stopped early for a stated reason, and every
// kind of report that does not belong. tests: tools/moonpool-report/
// check_merge.py merges real shards of three demos and compares them with
// the unsharded run field by field.

#include "moonpool/sim/runner/report_merge.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace {

using moonpool::sim::assertion_row;
using moonpool::sim::merge_shard_reports;
using moonpool::sim::seed_result;
using moonpool::sim::shard_report;
using moonpool::sim::SimulationReport;

// Shard `index` of `count` of a run of `iterations` derived seeds, every
// seed passing, holding `rows` of the seeds its share gives it.
shard_report shard(std::uint64_t index, std::uint64_t count, std::uint64_t iterations,
                   std::vector<assertion_row> assertions = {}) {
  SimulationReport r;
  r.name = "unit";
  r.program = "sim-unit";
  r.plan.iterations = iterations;
  r.shard_index = index;
  r.shard_count = count;
  r.stop_reason = "iterations";
  for (std::uint64_t place = index; place < iterations; place += count) {
    seed_result s;
    s.seed = 1000 + place;
    s.index = place;
    s.trace_hash = "00000000000000ab";
    r.seeds.push_back(s);
    ++r.iterations;
    ++r.passed;
  }
  r.assertions = std::move(assertions);
  return {"shard-" + std::to_string(index) + ".json", r};
}

assertion_row row(std::string name, std::string kind) {
  assertion_row a;
  a.name = std::move(name);
  a.kind = std::move(kind);
  return a;
}

std::string refusal(const std::vector<shard_report>& shards) {
  try {
    static_cast<void>(merge_shard_reports(shards));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(merged)";
}

TEST(ReportMerge, SeedsComeBackInTheOrderOfTheUnshardedRun) {
  const SimulationReport merged =
      merge_shard_reports({shard(2, 3, 10), shard(0, 3, 10), shard(1, 3, 10)});
  ASSERT_EQ(merged.seeds.size(), 10U);
  for (std::size_t i = 0; i < merged.seeds.size(); ++i) {
    EXPECT_EQ(merged.seeds[i].index, i);
  }
  EXPECT_EQ(merged.iterations, 10U);
  EXPECT_EQ(merged.shard_count, 1U);
  EXPECT_EQ(merged.shard_index, 0U);
}

TEST(ReportMerge, VerdictsComeFromTheMergedCounts) {
  assertion_row hit = row("sometimes hit", "sometimes");
  hit.pass = 1;
  hit.fail = 3;
  assertion_row missed = row("sometimes hit", "sometimes");
  missed.fail = 4;
  assertion_row violated = row("always holds", "always");
  violated.pass = 2;
  violated.fail = 1;
  assertion_row held = row("always holds", "always");
  held.pass = 5;
  assertion_row near = row("all three", "sometimes_all");
  near.frontier = 2;
  near.conditions = 3;
  near.pass = 1;
  assertion_row full = row("all three", "sometimes_all");
  full.frontier = 3;
  full.conditions = 3;
  full.pass = 1;
  assertion_row low = row("latency", "numeric_sometimes");  // smaller is better
  low.watermark = 40;
  low.maximize = false;
  low.fail = 1;
  assertion_row lower = low;
  lower.watermark = 25;
  assertion_row never = row("never run", "always");  // registered, run in no shard
  assertion_row each_a = row("floors", "sometimes_each");
  each_a.bucket_keys = {1, 5};
  each_a.buckets = 2;
  each_a.pass = 2;
  assertion_row each_b = row("floors", "sometimes_each");
  each_b.bucket_keys = {5, 9};
  each_b.buckets = 2;
  each_b.pass = 3;

  const SimulationReport merged =
      merge_shard_reports({shard(0, 2, 4, {hit, violated, near, low, never, each_a}),
                           shard(1, 2, 4, {missed, held, full, lower, never, each_b})});
  ASSERT_EQ(merged.assertions.size(), 6U);
  const auto find = [&](const std::string& name) {
    for (const assertion_row& a : merged.assertions) {
      if (a.name == name) {
        return a;
      }
    }
    ADD_FAILURE() << "no row " << name;
    return assertion_row{};
  };
  EXPECT_EQ(find("sometimes hit").status, "pass");
  EXPECT_EQ(find("sometimes hit").fail, 7U);
  EXPECT_EQ(find("always holds").status, "fail");
  EXPECT_EQ(find("always holds").pass, 7U);
  EXPECT_EQ(find("all three").status, "pass");
  EXPECT_EQ(find("latency").watermark, 25);
  EXPECT_EQ(find("never run").status, "miss");
  EXPECT_FALSE(find("never run").reached);
  EXPECT_EQ(find("floors").buckets, 3U);
  EXPECT_EQ(find("floors").bucket_keys, (std::vector<std::uint64_t>{1, 5, 9}));
  // Sorted by name, as the runner's table is.
  EXPECT_EQ(merged.assertions.front().name, "all three");
}

TEST(ReportMerge, AShardThatDiedOrRanOutOfTimeMayHoldFewerSeeds) {
  shard_report died = shard(1, 2, 10);
  std::vector<seed_result> died_rows = died.report.seeds.to_vector();
  died_rows.resize(2);
  died_rows.back().ok = false;
  died.report.seeds = moonpool::sim::seed_rows(died_rows);
  died.report.incomplete = true;
  died.report.stop_reason = "aborted";
  const SimulationReport merged = merge_shard_reports({shard(0, 2, 10), died});
  EXPECT_TRUE(merged.incomplete);
  EXPECT_EQ(merged.stop_reason, "aborted");
  EXPECT_EQ(merged.iterations, 7U);
  EXPECT_EQ(merged.failing_seeds, (std::vector<std::uint64_t>{1003}));
  EXPECT_FALSE(merged.ok());

  shard_report timed = shard(0, 2, 10);
  timed.report.plan.iterations.reset();
  timed.report.plan.time_limit = std::chrono::seconds(60);
  std::vector<seed_result> timed_rows = timed.report.seeds.to_vector();
  timed_rows.resize(3);
  timed.report.seeds = moonpool::sim::seed_rows(timed_rows);
  timed.report.stop_reason = "time_limit";
  shard_report other = shard(1, 2, 20);
  other.report.plan = timed.report.plan;
  other.report.stop_reason = "time_limit";
  const SimulationReport limited = merge_shard_reports({timed, other});
  EXPECT_EQ(limited.stop_reason, "time_limit");
  EXPECT_EQ(limited.seeds.size(), 13U);
}

TEST(ReportMerge, ReportsThatAreNotOneRunAreRefused) {
  EXPECT_EQ(refusal({}), "no reports to merge; give the reports of every shard");

  shard_report renamed = shard(1, 2, 10);
  renamed.report.name = "other";
  EXPECT_EQ(refusal({shard(0, 2, 10), renamed}),
            "shard-0.json and shard-1.json are reports of different simulations ('unit' and "
            "'other')");

  shard_report moved = shard(1, 2, 10);
  moved.report.program = "./sim-unit";
  EXPECT_NE(refusal({shard(0, 2, 10), moved}).find("were run by different programs"),
            std::string::npos);

  shard_report more = shard(1, 2, 12);
  EXPECT_EQ(refusal({shard(0, 2, 10), more}),
            "shard-0.json and shard-1.json ran different plans: --iterations 10 and 12; run "
            "every shard with the same command but --shard");

  shard_report explored = shard(1, 2, 10);
  explored.report.plan.exploration = moonpool::explore::exploration_config{};
  EXPECT_NE(refusal({shard(0, 2, 10), explored}).find("--explore off and on"), std::string::npos);

  EXPECT_EQ(refusal({shard(0, 3, 10), shard(2, 3, 10)}),
            "shard 1 of 3 is missing: merge needs the reports of all 3 shards (2 given)");
  EXPECT_EQ(refusal({shard(0, 1000000000000, 10)}).substr(0, 40),
            "shards 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ..");
  EXPECT_NE(refusal({shard(0, 2, 10), shard(0, 2, 10)}).find("are both shard 0/2"),
            std::string::npos);

  shard_report short_one = shard(1, 2, 10);
  short_one.report.seeds.pop_back();
  EXPECT_EQ(refusal({shard(0, 2, 10), short_one}),
            "shard-1.json (shard 1/2) holds 4 seeds where its plan gives it 5; a report cut "
            "short? run that shard again");

  shard_report wrong = shard(1, 2, 10);
  std::vector<seed_result> wrong_rows = wrong.report.seeds.to_vector();
  wrong_rows[0].index = 2;
  wrong.report.seeds = moonpool::sim::seed_rows(wrong_rows);
  EXPECT_NE(refusal({shard(0, 2, 10), wrong}).find("is not one of shard 1/2's seeds"),
            std::string::npos);

  shard_report beyond = shard(1, 2, 10);
  std::vector<seed_result> beyond_rows = beyond.report.seeds.to_vector();
  beyond_rows.back().index = 11;
  beyond.report.seeds = moonpool::sim::seed_rows(beyond_rows);
  EXPECT_NE(refusal({shard(0, 2, 10), beyond}).find("index 11) is not one of"), std::string::npos);

  shard_report replay = shard(0, 1, 1);
  replay.report.replayed = moonpool::explore::recipe{1000, {}};
  EXPECT_NE(refusal({replay}).find("is the report of a --replay"), std::string::npos);

  shard_report stable = shard(0, 2, 10);
  stable.report.plan.until_stable = std::make_pair(10, 1000);
  EXPECT_NE(refusal({stable}).find("--until-stable run"), std::string::npos);

  shard_report a = shard(0, 2, 10, {row("x", "always")});
  shard_report b = shard(1, 2, 10, {row("x", "sometimes")});
  EXPECT_NE(refusal({a, b}).find("assertion 'x' is sometimes here but always"), std::string::npos);
}

// One unsharded run of a small simulation against its shards, merged: the
// same report but for wall time.
TEST(ReportMerge, ShardsOfARealRunMergeIntoIt) {
  struct Counter : moonpool::sim::Workload {
    std::string_view name() const override { return "counter"; }
    boost::asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
      const std::uint64_t draw = ctx.random().below(8);
      MP_SOMETIMES(draw == 3, "drew a three");
      MP_ALWAYS(draw != 7, "never a seven");
      co_return;
    }
  };
  auto sim = moonpool::sim::SimulationBuilder{}.name("merge-unit").workload([] {
    return std::make_unique<Counter>();
  });
  moonpool::sim::run_options all;
  all.seeds = {5, 6, 7};
  all.iterations = 20;
  const SimulationReport whole = sim.run(all);
  std::vector<shard_report> shards;
  for (std::uint64_t i = 0; i < 4; ++i) {
    moonpool::sim::run_options part = all;
    part.shard_index = i;
    part.shard_count = 4;
    shards.push_back({"shard-" + std::to_string(i), sim.run(part)});
    EXPECT_EQ(shards.back().report.shard_index, i);
  }
  SimulationReport merged = merge_shard_reports(shards);
  merged.wall = whole.wall;
  std::vector<seed_result> merged_rows = merged.seeds.to_vector();
  for (std::size_t i = 0; i < merged_rows.size() && i < whole.seeds.size(); ++i) {
    merged_rows[i].wall = whole.seeds[i].wall;
  }
  merged.seeds = moonpool::sim::seed_rows(merged_rows);
  EXPECT_EQ(merged.to_json(), whole.to_json());
  EXPECT_FALSE(whole.ok()) << "a seven is drawn in 23 seeds, or the test shows nothing";
}

}  // namespace
