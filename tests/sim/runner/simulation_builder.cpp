// The runner: phases, failures, reboots, invariants, seeds and shards.

#include "moonpool/sim/runner/simulation_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <set>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::Context;
using moonpool::sim::run_options;
using moonpool::sim::SimulationBuilder;

namespace {

// A workload that sleeps and optionally fails in one of its phases.
struct scripted_workload : moonpool::sim::Workload {
  std::string failing_phase;
  std::string_view name() const override { return "scripted"; }
  asio::awaitable<void> setup(Context&) override { co_await step("setup"); }
  asio::awaitable<void> run(Context&) override { co_await step("run"); }
  asio::awaitable<void> check(Context&) override { co_await step("check"); }
  asio::awaitable<void> step(const std::string& phase) {
    co_await moonpool::sim::sleep(1s);
    if (phase == failing_phase) {
      throw std::runtime_error(phase + " went wrong");
    }
  }
};

SimulationBuilder scripted(std::string failing_phase) {
  SimulationBuilder sim;
  sim.workload([failing_phase] {
    auto w = std::make_unique<scripted_workload>();
    w->failing_phase = failing_phase;
    return w;
  });
  return sim;
}

}  // namespace

TEST(Runner, EveryPhaseRunsAndAFailingCheckFailsTheSeed) {
  EXPECT_TRUE(scripted("").run_seed(1).ok);
  for (const char* phase : {"setup", "run", "check"}) {
    const auto result = scripted(phase).run_seed(1);
    EXPECT_FALSE(result.ok) << phase;
    EXPECT_NE(result.error.find(std::string(phase) + " went wrong"), std::string::npos)
        << result.error;
  }
}

namespace {

// Sleeps for a drawn time, so its trace depends on the seed.
struct random_sleeper : moonpool::sim::Workload {
  std::string_view name() const override { return "sleeper"; }
  asio::awaitable<void> run(Context& ctx) override {
    co_await moonpool::sim::sleep(std::chrono::milliseconds(ctx.random().below(1000)));
  }
};

}  // namespace

TEST(Runner, SameSeedSameTraceHashDifferentSeedsDiffer) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<random_sleeper>(); });
  EXPECT_EQ(sim.run_seed(5).trace_hash, sim.run_seed(5).trace_hash);
  EXPECT_NE(sim.run_seed(5).trace_hash, sim.run_seed(6).trace_hash);
}

TEST(Runner, ShardsTogetherRunExactlyTheUnshardedSeeds) {
  auto sim = scripted("");
  run_options all;
  all.iterations = 10;
  std::set<std::uint64_t> unsharded;
  for (const auto& s : sim.run(all).seeds) {
    unsharded.insert(s.seed);
  }
  std::multiset<std::uint64_t> sharded;
  for (std::uint64_t i = 0; i < 3; ++i) {
    run_options shard = all;
    shard.shard_index = i;
    shard.shard_count = 3;
    for (const auto& s : sim.run(shard).seeds) {
      sharded.insert(s.seed);
    }
  }
  EXPECT_EQ(unsharded.size(), 10u);
  EXPECT_EQ(std::set<std::uint64_t>(sharded.begin(), sharded.end()), unsharded);
  EXPECT_EQ(sharded.size(), 10u) << "no seed may run on two shards";
}

namespace {

// Reaches a rare sometimes-assertion on some seeds only.
struct coin_workload : moonpool::sim::Workload {
  std::string_view name() const override { return "coin"; }
  asio::awaitable<void> run(Context& ctx) override {
    const auto flip = ctx.random().below(4);
    MP_SOMETIMES(flip == 0, "rare side");
    MP_SOMETIMES(flip != 0, "common side");
    co_return;
  }
};

}  // namespace

TEST(Runner, UntilStableStopsEarlyAndSaysWhy) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<coin_workload>(); });
  run_options options;
  options.until_stable = {{5, 1000}};
  const auto report = sim.run(options);
  EXPECT_EQ(report.stop_reason, "until_stable");
  EXPECT_EQ(report.coverage_signal, "assertions");
  EXPECT_FALSE(report.convergence_timeout);
  EXPECT_GE(report.iterations, 6u);
  EXPECT_LT(report.iterations, 100u);
}

TEST(Runner, UntilStableReportsTheCapWhenCoverageNeverSettles) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<coin_workload>(); });
  run_options options;
  options.until_stable = {{50, 8}};
  const auto report = sim.run(options);
  EXPECT_EQ(report.iterations, 8u);
  EXPECT_TRUE(report.convergence_timeout);
  EXPECT_EQ(report.stop_reason, "until_stable_cap");
}

namespace {

struct rearming_workload : moonpool::sim::Workload {
  std::string_view name() const override { return "leaky"; }
  asio::awaitable<void> run(Context& ctx) override {
    // Leaves a detached task behind that re-arms a timer forever.
    moonpool::sim::spawn(ctx.get_executor(), "heartbeat", []() -> asio::awaitable<void> {
      for (;;) {
        co_await moonpool::sim::sleep(1s);
      }
    }).detach();
    co_return;
  }
};

}  // namespace

TEST(Runner, AWorldThatNeverFallsQuietFailsTheSeed) {
  SimulationBuilder sim;
  sim.settle_time_limit(1min).workload([] { return std::make_unique<rearming_workload>(); });
  const auto result = sim.run_seed(3);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("did not fall quiet"), std::string::npos) << result.error;
}

namespace {

// A counter service: the process counts "ping"s it receives over TCP and
// publishes how often it booted.
struct counter_process : moonpool::sim::Process {
  std::string_view name() const override { return "counter"; }
  asio::awaitable<void> run(Context& ctx) override {
    ++ctx.state().get_or_create<int>("boots:" + std::string(ctx.name()));
    ctx.emit("booted", {{"ip", ctx.my_ip().to_string()}});
    co_await ctx.async_wait_shutdown(asio::use_awaitable);
  }
};

struct idle_workload : moonpool::sim::Workload {
  std::string_view name() const override { return "idle"; }
  asio::awaitable<void> run(Context&) override { co_await moonpool::sim::sleep(2min); }
};

}  // namespace

TEST(Runner, AttritionRebootsProcessesOfEachKindAndRespectsMaxDead) {
  using moonpool::sim::reboot_kind;
  for (auto kind : {reboot_kind::graceful, reboot_kind::crash, reboot_kind::crash_and_wipe}) {
    moonpool::sim::attrition_config attrition;
    attrition.max_dead = 1;
    attrition.graceful_weight = kind == reboot_kind::graceful ? 1 : 0;
    attrition.crash_weight = kind == reboot_kind::crash ? 1 : 0;
    attrition.crash_and_wipe_weight = kind == reboot_kind::crash_and_wipe ? 1 : 0;
    std::size_t most_down = 0;
    std::size_t reboots = 0;
    std::size_t boots = 0;
    SimulationBuilder sim;
    sim.processes(3, [] { return std::make_unique<counter_process>(); })
        .workload([] { return std::make_unique<idle_workload>(); })
        .chaos_duration(90s)
        .enable_chaos({moonpool::sim::chaos::attrition(attrition)})
        .invariant("processes down", [&](const moonpool::sim::invariant_view& v) {
          // Boots beyond the first three are restarts; each follows one
          // process_down, so downs - restarts is how many are down now.
          if (v.now > 90s) {
            return;  // the final shutdown stops every process
          }
          const std::size_t downs = v.timeline.count("process_down");
          const std::size_t ups = v.timeline.count("process_up");
          const std::size_t restarts = ups > 3 ? ups - 3 : 0;
          most_down = std::max(most_down, downs - std::min(downs, restarts));
          reboots = v.timeline.count("reboot");
          boots = ups;
          for (const auto* e : v.timeline.named("reboot")) {
            EXPECT_EQ(e->get<std::string>("kind"), std::string(moonpool::sim::to_string(kind)));
          }
        });
    const auto result = sim.run_seed(11);
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_GT(reboots, 2u) << to_string(kind);
    EXPECT_GT(boots, 3u) << "rebooted processes come back";
    EXPECT_EQ(most_down, 1u) << "max_dead = 1 allows exactly one process down at a time";
  }
}

TEST(Runner, AProcessIsRebuiltFromItsFactoryAtEveryBoot) {
  int constructed = 0;
  moonpool::sim::attrition_config attrition;
  attrition.graceful_weight = 0;
  SimulationBuilder sim;
  sim.processes(1,
                [&] {
                  ++constructed;
                  return std::make_unique<counter_process>();
                })
      .workload([] { return std::make_unique<idle_workload>(); })
      .chaos_duration(90s)
      .enable_chaos({moonpool::sim::chaos::attrition(attrition)});
  const auto result = sim.run_seed(4);
  EXPECT_TRUE(result.ok) << result.error;
  // One probe for the name, one per boot.
  EXPECT_GT(constructed, 3);
}

TEST(Runner, AnInvariantThatThrowsFailsTheSeedWithItsName) {
  SimulationBuilder sim;
  sim.processes(2, [] { return std::make_unique<counter_process>(); })
      .workload([] { return std::make_unique<idle_workload>(); })
      .invariant("never two boots", [](const moonpool::sim::invariant_view& v) {
        if (v.timeline.count("booted") > 1) {
          throw std::runtime_error("saw two boots");
        }
      });
  const auto result = sim.run_seed(1);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("invariant 'never two boots'"), std::string::npos) << result.error;
}

TEST(Runner, ContextKnowsTheTopology) {
  struct probe : moonpool::sim::Workload {
    std::string_view name() const override { return "probe"; }
    asio::awaitable<void> run(Context& ctx) override {
      EXPECT_EQ(ctx.my_ip().to_string(), "10.0.0.1");
      const auto ips = ctx.process_ips();
      EXPECT_EQ(ips.size(), 4u);
      EXPECT_EQ(ips[0].to_string(), "10.0.1.1");
      EXPECT_EQ(ctx.peer("counter-3")->to_string(), "10.0.1.4");
      EXPECT_EQ(ctx.ips_with_tag("role", "leader").size(), 2u);
      EXPECT_EQ(ctx.everyone()[3].machine, "dc2-z1-m1");
      co_return;
    }
  };
  SimulationBuilder sim;
  sim.cluster({.datacenters = 2,
               .zones_per_datacenter = 1,
               .machines_per_zone = 1,
               .processes_per_machine = 2},
              [] { return std::make_unique<counter_process>(); })
      .tags("role", {"leader", "follower"})
      .workload([] { return std::make_unique<probe>(); });
  const auto result = sim.run_seed(1);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST(Runner, AViolatedAlwaysAssertionFailsOnlyItsSeed) {
  struct sometimes_wrong : moonpool::sim::Workload {
    std::string_view name() const override { return "w"; }
    asio::awaitable<void> run(Context& ctx) override {
      MP_ALWAYS(ctx.random().below(3) != 0, "the draw is not zero");
      co_return;
    }
  };
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<sometimes_wrong>(); });
  run_options options;
  options.iterations = 30;
  const auto report = sim.run(options);
  EXPECT_GT(report.failed, 0u);
  EXPECT_GT(report.passed, 0u);
  // The table lists every assertion site of this test binary; find ours.
  const auto ours = std::find_if(report.assertions.begin(), report.assertions.end(),
                                 [](const auto& r) { return r.name == "the draw is not zero"; });
  ASSERT_NE(ours, report.assertions.end());
  EXPECT_EQ(ours->status, "fail");
  EXPECT_EQ(ours->pass + ours->fail, 30u);
  EXPECT_EQ(ours->fail, report.failed);
}

namespace {

// Reboots by tag, then by domain, then isolates and heals, recording what it
// saw on the timeline through the shared state.
struct scripted_injector : moonpool::sim::FaultInjector {
  std::string_view name() const override { return "scripted"; }
  asio::awaitable<void> run(moonpool::sim::FaultContext& f) override {
    using moonpool::sim::reboot_kind;
    co_await moonpool::sim::sleep(1s);
    tagged = f.reboot_tagged("role", "leader", reboot_kind::crash);
    dead_after_tag = f.dead_count();
    co_await moonpool::sim::sleep(20s);  // they recover within 10 s
    domain = f.reboot_domain("dc2", reboot_kind::graceful);
    co_await moonpool::sim::sleep(20s);
    f.isolate(f.process_ips()[0], 1s);
    f.heal_all();
    co_await moonpool::sim::sleep(100s);  // outlives the chaos window: cancelled
    outlived = true;
  }
  static inline std::size_t tagged = 0;
  static inline std::size_t dead_after_tag = 0;
  static inline std::size_t domain = 0;
  static inline bool outlived = false;
};

struct failing_injector : moonpool::sim::FaultInjector {
  std::string_view name() const override { return "broken"; }
  asio::awaitable<void> run(moonpool::sim::FaultContext&) override {
    co_await moonpool::sim::sleep(1s);
    throw std::runtime_error("nemesis bug");
  }
};

}  // namespace

TEST(Runner, FaultInjectorsRebootByTagAndDomainAndAreCancelledWhenChaosEnds) {
  SimulationBuilder sim;
  sim.cluster({.datacenters = 2,
               .zones_per_datacenter = 1,
               .machines_per_zone = 1,
               .processes_per_machine = 2},
              [] { return std::make_unique<counter_process>(); })
      .tags("role", {"leader", "follower"})
      .workload([] { return std::make_unique<idle_workload>(); })
      .chaos_duration(60s)
      .fault([] { return std::make_unique<scripted_injector>(); });
  const auto result = sim.run_seed(2);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(scripted_injector::tagged, 2u);  // processes 0 and 2 are leaders
  EXPECT_EQ(scripted_injector::dead_after_tag, 2u);
  EXPECT_EQ(scripted_injector::domain, 2u);  // dc2 holds processes 2 and 3
  EXPECT_FALSE(scripted_injector::outlived);
}

TEST(Runner, AFailingFaultInjectorFailsTheSeed) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<idle_workload>(); }).chaos_duration(60s).fault([] {
    return std::make_unique<failing_injector>();
  });
  const auto result = sim.run_seed(1);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("fault injector 'broken' failed: nemesis bug"), std::string::npos)
      << result.error;
}

namespace {

struct alphabet_workload : moonpool::sim::Workload {
  std::string_view name() const override { return "alphabet"; }
  asio::awaitable<void> run(Context& ctx) override {
    const auto ops = ctx.enabled_operations(4);
    EXPECT_FALSE(ops.empty());
    ctx.state().publish("ops", ops);
    MP_REACHABLE_IF_MASKED(ctx);
    co_return;
  }
  static void MP_REACHABLE_IF_MASKED(Context& ctx) {
    MP_SOMETIMES(!ctx.operation_enabled(0), "operation 0 masked off");
  }
};

}  // namespace

TEST(Runner, OperationSwarmMasksOperationsPerSeedWithoutDrawing) {
  auto count_masked = [](bool swarm) {
    SimulationBuilder sim;
    sim.swarm_operations(swarm).workload([] { return std::make_unique<alphabet_workload>(); });
    run_options options;
    options.iterations = 40;
    const auto report = sim.run(options);
    for (const auto& row : report.assertions) {
      if (row.name == "operation 0 masked off") {
        return row.pass;
      }
    }
    return std::uint64_t{0};
  };
  EXPECT_EQ(count_masked(false), 0u) << "without swarm every operation is enabled";
  const auto masked = count_masked(true);
  EXPECT_GT(masked, 5u);
  EXPECT_LT(masked, 35u);
  EXPECT_EQ(count_masked(true), masked) << "the same seeds mask the same operations";
}

TEST(Runner, BuggifyKnobsSpikeNetworkKnobsOnSomeSeeds) {
  struct knob_probe : moonpool::sim::Workload {
    std::string_view name() const override { return "probe"; }
    asio::awaitable<void> run(Context& ctx) override {
      MP_SOMETIMES(ctx.network_config().write_clog_probability >= 0.5, "clog knob spiked");
      co_return;
    }
  };
  auto spiked = [](bool knobs) {
    SimulationBuilder sim;
    sim.workload([] { return std::make_unique<knob_probe>(); });
    if (knobs) {
      sim.enable_chaos({moonpool::sim::chaos::network(), moonpool::sim::chaos::buggify_knobs()});
    } else {
      sim.enable_chaos({moonpool::sim::chaos::network()});
    }
    run_options options;
    options.iterations = 40;
    for (const auto& row : sim.run(options).assertions) {
      if (row.name == "clog knob spiked") {
        return row.pass;
      }
    }
    return std::uint64_t{0};
  };
  EXPECT_EQ(spiked(false), 0u);
  EXPECT_GT(spiked(true), 3u);
}

TEST(Runner, CrashAndWipeCallsTheWipeHook) {
  moonpool::sim::attrition_config attrition;
  attrition.graceful_weight = 0;
  attrition.crash_weight = 0;
  attrition.crash_and_wipe_weight = 1;
  std::vector<std::string> wiped;
  SimulationBuilder sim;
  sim.processes(2, [] { return std::make_unique<counter_process>(); })
      .workload([] { return std::make_unique<idle_workload>(); })
      .chaos_duration(60s)
      .enable_chaos({moonpool::sim::chaos::attrition(attrition)})
      .on_wipe([&](const moonpool::sim::actor_info& who) { wiped.push_back(who.name); });
  const auto result = sim.run_seed(8);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_FALSE(wiped.empty());
  for (const auto& name : wiped) {
    EXPECT_TRUE(name == "counter-0" || name == "counter-1") << name;
  }
}

TEST(Runner, TheQuietCheckNamesTheBusyTask) {
  SimulationBuilder sim;
  sim.settle_time_limit(1min).workload([] { return std::make_unique<rearming_workload>(); });
  const auto result = sim.run_seed(3);
  EXPECT_NE(result.error.find("'heartbeat'"), std::string::npos) << result.error;
}

// --- --check-determinism ----------------------------------------------------------------

namespace {

// Sleeps as long as a counter kept across seeds says: each run of a seed
// differs from the one before (the classic leak: state outliving a seed).
struct leaky_workload : moonpool::sim::Workload {
  static inline int runs = 0;
  std::string_view name() const override { return "leaky"; }
  asio::awaitable<void> run(Context&) override {
    MP_SOMETIMES(true, "leaky workload ran");
    co_await moonpool::sim::sleep(std::chrono::milliseconds(1 + runs++ % 2));
  }
};

std::uint64_t sometimes_passes(const moonpool::sim::SimulationReport& report,
                               std::string_view message) {
  for (const auto& row : report.assertions) {
    if (row.name == message) {
      return row.pass;
    }
  }
  return 0;
}

}  // namespace

TEST(CheckDeterminism, NamesTheFirstEventWhereTwoRunsOfASeedPart) {
  SimulationBuilder sim;
  sim.workload([] { return std::make_unique<leaky_workload>(); });
  run_options options;
  options.seeds = {7, 8};
  const auto plain = sim.run(options);
  EXPECT_TRUE(plain.ok()) << "each run alone passes";
  options.check_determinism = true;
  const auto checked = sim.run(options);
  ASSERT_EQ(checked.failed, 2U) << checked.to_text();
  const std::string& error = checked.seeds.at(0).error;
  EXPECT_TRUE(
      error.starts_with("not deterministic: seed 7 ran twice; the two runs part at trace "
                        "record "))
      << error;
  // Both sides of the first difference, with where they happened.
  EXPECT_NE(error.find("first run: {"), std::string::npos) << error;
  EXPECT_NE(error.find("second run: {"), std::string::npos) << error;
  EXPECT_NE(error.find("\"host\":\"leaky\""), std::string::npos) << error;
  // The replay command keeps the check, which a single run cannot fail.
  EXPECT_NE(checked.to_text().find("--seed 7 --check-determinism"), std::string::npos)
      << checked.to_text();
  // Assertions count the first run of each seed only.
  EXPECT_EQ(sometimes_passes(checked, "leaky workload ran"), 2U);
}

TEST(CheckDeterminism, ADeterministicSimulationPassesAndCountsOnce) {
  run_options options;
  options.iterations = 5;
  options.check_determinism = true;
  const auto report = scripted("").run(options);
  EXPECT_TRUE(report.ok()) << report.to_text();
  EXPECT_EQ(report.iterations, 5U);
  options.explore = true;
  EXPECT_THROW(static_cast<void>(scripted("").run(options)), std::invalid_argument);
}

TEST(Report, SeedsAreAlsoTextThatNoJsonReaderRounds) {
  SimulationBuilder sim = scripted("run");
  run_options options;
  options.seeds = {1324713733986132172ULL};  // above 2^53: a double rounds it
  const auto report = sim.run(options);
  const boost::json::value json = boost::json::parse(report.to_json());
  EXPECT_EQ(json.at("failing_seeds_text").at(0).as_string(), "1324713733986132172");
  EXPECT_EQ(json.at("seeds").at(0).at("seed_text").as_string(), "1324713733986132172");
  EXPECT_EQ(json.at("seeds").at(0).at("seed").to_number<std::uint64_t>(), 1324713733986132172ULL);
}
