// A GoogleTest test built against the installed package: moonpool::gtest
// runs a simulation inside it. With CONSUMER_SIM_FAIL set every seed fails,
// and the test must fail listing each seed with a replay command
// (run_consumer_test.cmake checks both, and pastes the command).
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <moonpool/sim.hpp>
#include <moonpool/sim/gtest.hpp>
#include <moonpool/sim/runner.hpp>
#include <stdexcept>

namespace {

struct Sleeper : moonpool::sim::Workload {
  std::string_view name() const override { return "sleeper"; }
  boost::asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    co_await moonpool::sim::sleep(std::chrono::milliseconds(1 + ctx.random().below(1000)));
    if (std::getenv("CONSUMER_SIM_FAIL") != nullptr) {
      throw std::runtime_error("asked to fail");
    }
  }
};

}  // namespace

TEST(Consumer, SimulationPasses) {
  moonpool::sim::SimulationBuilder sim;
  sim.name("consumer").iterations(5).workload([] { return std::make_unique<Sleeper>(); });
  MOONPOOL_EXPECT_SIMULATION_PASSES(sim);
}
