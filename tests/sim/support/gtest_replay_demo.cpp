// A GoogleTest program whose one test runs a simulation that fails on
// every seed divisible by three. CTest runs it (tests/CMakeLists.txt) to
// check, from outside the process, what tests/sim/gtest.cpp checks inside
// it: the failure names each seed with a replay command, the command pasted
// into a shell runs that seed alone and fails the same way, MOONPOOL_SEED
// set by CTest's ENVIRONMENT picks the seeds, and a malformed value fails
// the test without a crash.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/gtest.hpp"
#include "moonpool/sim/runner.hpp"

namespace {

struct ledger_client : moonpool::sim::Workload {
  std::string_view name() const override { return "ledger-client"; }
  boost::asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    co_await moonpool::sim::sleep(std::chrono::milliseconds(1 + ctx.random().below(50)));
    if (const std::uint64_t seed = ctx.world().seed(); seed % 3 == 0) {
      throw std::runtime_error("the ledger lost a deposit");
    }
  }
};

}  // namespace

TEST(Demo, LedgerKeepsDeposits) {
  moonpool::sim::SimulationBuilder sim;
  sim.name("ledger").iterations(30).workload([] { return std::make_unique<ledger_client>(); });
  MOONPOOL_EXPECT_SIMULATION_PASSES(sim);
}
