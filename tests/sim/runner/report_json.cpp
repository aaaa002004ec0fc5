// The JSON report read back (SimulationReport::from_json): every field
// to_json writes comes back, so a report read and written again is the same
// text; a report that is not one is refused with one line naming the field.
// tests: tools/moonpool-report/check_merge.py reads real reports.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <string>

#include "moonpool/sim/runner/report.hpp"

namespace {

using moonpool::explore::found_bug;
using moonpool::explore::recipe;
using moonpool::explore::recipe_step;
using moonpool::sim::assertion_row;
using moonpool::sim::root_exploration;
using moonpool::sim::seed_result;
using moonpool::sim::SimulationReport;

// A report with every optional part present.
SimulationReport everything() {
  SimulationReport r;
  r.name = "kv \"quoted\" \n name";
  r.program = "build/bin/sim-kv";
  r.shard_index = 1;
  r.shard_count = 3;
  r.plan.seeds = {18446744073709551615ULL, 7};
  r.plan.iterations = 100;
  r.plan.base_seed = 0x6D6F6F6E706F6F6CULL;
  r.plan.time_limit = std::chrono::seconds(30);
  r.plan.isolate = true;
  r.plan.seed_timeout = std::chrono::seconds(120);
  moonpool::explore::exploration_config config;
  config.global_energy = 200;
  config.timelines_per_split = 8;
  config.adaptive.rare_step = 0.04;
  config.adaptive.confidence = 0.95;
  config.jobs = 4;
  r.plan.exploration = config;
  r.plan.exploration->jobs = 0;  // not part of a plan
  r.incomplete = true;

  seed_result ok;
  ok.seed = 18446744073709551615ULL;
  ok.index = 0;
  ok.events = 12;
  ok.sim_time = std::chrono::milliseconds(1500);
  ok.wall = std::chrono::microseconds(700);
  ok.trace_hash = "00000000000000ab";
  ok.exploration = root_exploration{40, 2, 0, 160, 3, "fork", 0};
  seed_result bad = ok;
  bad.seed = 9007199254740993ULL;  // not a double
  bad.index = 4;
  bad.ok = false;
  bad.error = "key 3 read 5; the model has \"6\"";
  bad.storage_faults.torn_writes = 2;
  bad.storage_faults.crash_kept_writes = 1;
  bad.recipe_steps_applied = 3;
  bad.exploration = root_exploration{10, 1, 2, 190, 1, "reexecute", 1};
  r.seeds = {ok, bad};
  r.iterations = 2;
  r.passed = 1;
  r.failed = 1;
  r.failing_seeds = {bad.seed};

  assertion_row always{
      "every write survives", "always", 10, 1, "fail", true, 0, 0, 0, {}, true, {}};
  assertion_row all{"all at once", "sometimes_all", 4, 0, "miss", true, 2, 3, 0, {}, true, {}};
  assertion_row each{"each floor", "sometimes_each", 9, 0, "pass", true, 0, 0, 2, {}, true, {}};
  each.bucket_keys = {1, 0xFEDCBA9876543210ULL};
  assertion_row low{
      "latency stays low", "numeric_always", 5, 0, "pass", true, 0, 0, 0, -17, false, {}};
  r.assertions = {all, each, always, low};
  r.stop_reason = "aborted";
  r.coverage_signal = "assertions";
  r.wall = std::chrono::milliseconds(1234);

  moonpool::explore::exploration_summary e;
  e.roots = 2;
  e.timelines = 50;
  e.fork_points = 3;
  e.bugs = 2;
  e.energy_left = 190;
  e.max_depth_reached = 3;
  e.coverage_signal = "assertions";
  e.branching = "mixed";
  e.seconds = 0.5;
  e.first_bug_seconds = 0.25;
  e.first_bug_timeline = 44;
  e.config = config;
  found_bug bug;
  bug.where = recipe{7, {recipe_step{12, 99}, recipe_step{3, 18446744073709551615ULL}}};
  bug.error = "always-assertion violated: every write survives";
  bug.trace_hash = "00000000000000cd";
  bug.same_failures = 1;
  bug.found_after_seconds = 0.25;
  bug.found_at_timeline = 44;
  e.recipes = {bug};
  r.exploration = e;
  return r;
}

TEST(ReportJson, ReadBackWritesTheSameText) {
  const SimulationReport original = everything();
  const std::string json = original.to_json();
  const SimulationReport read = SimulationReport::from_json(json);
  EXPECT_EQ(read.to_json(), json);
  EXPECT_EQ(read.seeds.at(1).seed, 9007199254740993ULL);
  EXPECT_EQ(read.plan.seeds.at(0), 18446744073709551615ULL);
  EXPECT_EQ(read.assertions.at(1).bucket_keys.at(1), 0xFEDCBA9876543210ULL);
  EXPECT_FALSE(read.assertions.at(3).maximize);
  EXPECT_EQ(read.seeds.at(1).exploration, original.seeds.at(1).exploration);
  EXPECT_EQ(read.exploration->recipes.at(0).where, original.exploration->recipes.at(0).where);
  EXPECT_EQ(read.plan.exploration->timelines_per_split, 8U);
}

TEST(ReportJson, AMinimalReportReadsBack) {
  SimulationReport r;
  r.name = "empty";
  r.stop_reason = "iterations";
  r.plan.iterations = 0;
  const std::string json = r.to_json();
  EXPECT_EQ(SimulationReport::from_json(json).to_json(), json);
}

// The error for `json` edited by `edit`.
std::string error_of(void (*edit)(boost::json::object&)) {
  boost::json::value json = boost::json::parse(everything().to_json());
  edit(json.as_object());
  try {
    static_cast<void>(SimulationReport::from_json(boost::json::serialize(json)));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ReportJson, WhatIsWrongIsNamed) {
  EXPECT_EQ(error_of([](boost::json::object& o) { o.erase("passed"); }), "'passed' is missing");
  EXPECT_EQ(error_of([](boost::json::object& o) {
              o["seeds"].as_array()[1].as_object()["seed_text"] = "12x";
            }),
            "'seeds[1].seed_text' is not a whole number from 0 to 2^64-1 in decimal digits");
  EXPECT_EQ(error_of([](boost::json::object& o) {
              o["assertions"].as_array()[1].as_object()["bucket_keys"].as_array()[0] = "xyz";
            }),
            "'assertions[1].bucket_keys[0]' is not 16 hex digits");
  EXPECT_EQ(error_of([](boost::json::object& o) { o["shard"].as_object()["index"] = 3; }),
            "'shard' is not a shard I/N with 0 <= I < N");
  EXPECT_EQ(error_of([](boost::json::object& o) { o["plan"].as_object()["iterations"] = -1; }),
            "'plan.iterations' is not a whole number from 0 to 2^64-1");
  EXPECT_EQ(error_of([](boost::json::object& o) { o["incomplete"] = 1; }),
            "'incomplete' is not true or false");
  EXPECT_NE(error_of([](boost::json::object& o) {
              o["exploration"].as_object()["failures"].as_array()[0].as_object()["recipe"] = "7:";
            }).find("'exploration.failures[0].recipe' is not a recipe: "),
            std::string::npos);
  EXPECT_NE(error_of([](boost::json::object& o) { o.erase("plan"); }).find("older moonpool"),
            std::string::npos);
}

TEST(ReportJson, NotJsonIsRefused) {
  EXPECT_THROW(static_cast<void>(SimulationReport::from_json("{\"name\": ")),
               std::invalid_argument);
  EXPECT_THROW(static_cast<void>(SimulationReport::from_json("[1, 2]")), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(SimulationReport::from_json("")), std::invalid_argument);
}

}  // namespace
