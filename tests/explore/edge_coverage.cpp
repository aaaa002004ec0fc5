// Compiler edge coverage as the novelty signal. This file (and only this
// file) is built with -fsanitize-coverage; see tests/CMakeLists.txt.

#include <gtest/gtest.h>

#include <memory>

#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using moonpool::sim::run_options;
using moonpool::sim::SimulationBuilder;

namespace {

// Code paths without a single assertion: only edge coverage sees them.
struct branchy : moonpool::sim::Workload {
  bool take_side_path = false;
  int total = 0;
  std::string_view name() const override { return "branchy"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    for (int i = 0; i < 20; ++i) {
      co_await moonpool::sim::sleep(1ms);
      total += static_cast<int>(ctx.random().below(10));
    }
    if (take_side_path) {
      for (int i = 0; i < 5; ++i) {
        total ^= (total << 3) + i;
        if (total % 7 == 3) {
          total += 11;
        }
      }
    }
  }
};

SimulationBuilder branchy_sim(bool side_path) {
  SimulationBuilder sim;
  sim.workload([side_path] {
    auto w = std::make_unique<branchy>();
    w->take_side_path = side_path;
    return w;
  });
  return sim;
}

}  // namespace

TEST(EdgeCoverage, AnInstrumentedBuildCountsEdgesAndSaysSo) {
  // No EXPECT between the runs: this file is instrumented, and an EXPECT's
  // own edges would count as new.
  const auto run_and_fold = [](bool side_path) {
    const bool ok = branchy_sim(side_path).run_seed(1).ok;
    moonpool::explore::fold_edges();
    return std::pair{ok, moonpool::explore::edges_covered()};
  };
  // The first runs also take one-time paths (static initialisation, Asio's
  // per-thread memory caches warming up); the comparison starts after them.
  run_and_fold(false);
  run_and_fold(false);
  // (A repeat may still add an edge or two: Asio recycles memory through
  // per-thread caches, so the same seed can take a different allocation
  // path. That never reaches a simulation decision.)
  const auto first = run_and_fold(false);
  const auto again = run_and_fold(false);
  const auto side = run_and_fold(true);
  EXPECT_TRUE(first.first && again.first && side.first);
  EXPECT_EQ(moonpool::explore::coverage_signal(), "edges");
  EXPECT_GT(first.second, 0u);
  EXPECT_GE(again.second, first.second) << "the history only grows";
  EXPECT_GT(side.second, again.second) << "the side path's edges are new";
}

TEST(EdgeCoverage, UntilStableAndTheExplorerUseEdges) {
  run_options stable;
  stable.until_stable = {{3, 50}};
  const auto plain = branchy_sim(false).run(stable);
  EXPECT_EQ(plain.coverage_signal, "edges");
  EXPECT_LT(plain.iterations, 50u) << "no new edges after the first seeds: it settles";

  run_options explore;
  explore.seeds = {5};
  explore.explore = true;
  const auto explored = branchy_sim(true).run(explore);
  ASSERT_TRUE(explored.exploration);
  EXPECT_EQ(explored.exploration->coverage_signal, "edges");
}
