#pragma once
// Runs a simulation inside a GoogleTest TEST and fails the test with every
// failing seed, its error and a command that replays it:
//
//   TEST(Orders, SurviveChaos) {
//     auto sim = moonpool::sim::SimulationBuilder{}...;
//     MOONPOOL_EXPECT_SIMULATION_PASSES(sim);                     // the builder's seeds
//     MOONPOOL_ASSERT_SIMULATION_PASSES(sim, options);            // a run_options of its own
//   }
//
// A failure reads
//
//   simulation 'orders': 2 of 100 seeds failed
//     seed 8741 (trace 3f2a...): workload client.check failed: lost an acknowledged write
//       replay: MOONPOOL_SEED=8741 /path/to/orders-tests --gtest_filter=Orders.SurviveChaos
//
// The replay runs the same test again, with the seeds the environment names
// instead of the test's own; everything else the test asked for
// (check_determinism, explore, isolate, its exploration settings) stays:
//
//   MOONPOOL_SEED=N[,N...]  run exactly these seeds
//   MOONPOOL_ITERATIONS=N   run N seeds derived from the base seed (after
//                           MOONPOOL_SEED's, when both are set)
//   MOONPOOL_REPLAY=RECIPE  replay one explored timeline (a failing
//                           exploration prints it) in this process, without
//                           exploring; alone, not with the two above
//
// A value that is not one of these forms fails the test with one line
// naming the variable and the form; the simulation does not run. A seed
// that kills the program prints the test's replay command as it dies.
// docs/testing.md has the long form.
//
// Library moonpool::gtest (linking GoogleTest), built and installed only
// where GoogleTest is found: find_package(moonpool CONFIG REQUIRED
// COMPONENTS gtest). The core library never needs GoogleTest.

#include <gtest/gtest.h>

#include <utility>

#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim {

// A simulation and the options a test runs it with; what the macros below
// hand to GoogleTest.
struct test_simulation {
  test_simulation(const SimulationBuilder& simulation, run_options asked = {})
      : builder(simulation), options(std::move(asked)) {}
  const SimulationBuilder& builder;
  run_options options;
};

// Runs the simulation with the environment's overrides applied. Success
// when every seed passed (and, exploring, no timeline failed); otherwise
// the message lists the failing seeds and timelines with their replay
// commands, or says which variable is malformed. Call it from inside a
// test: the replay commands name the test running.
[[nodiscard]] ::testing::AssertionResult simulation_passes(const SimulationBuilder& simulation,
                                                           run_options options = {});

namespace detail {
// EXPECT_PRED_FORMAT1's predicate: the failure message is ours alone.
[[nodiscard]] ::testing::AssertionResult simulation_passes_format(const char* expression,
                                                                  const test_simulation& run);
}  // namespace detail

}  // namespace moonpool::sim

// MOONPOOL_EXPECT_SIMULATION_PASSES(builder) or (builder, run_options):
// a failure is recorded and the test goes on. The ASSERT_ form returns from
// the test function, like ASSERT_TRUE.
#define MOONPOOL_EXPECT_SIMULATION_PASSES(...)                           \
  EXPECT_PRED_FORMAT1(::moonpool::sim::detail::simulation_passes_format, \
                      ::moonpool::sim::test_simulation(__VA_ARGS__))
#define MOONPOOL_ASSERT_SIMULATION_PASSES(...)                           \
  ASSERT_PRED_FORMAT1(::moonpool::sim::detail::simulation_passes_format, \
                      ::moonpool::sim::test_simulation(__VA_ARGS__))
