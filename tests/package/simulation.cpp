// A simulation built against the installed package and registered with
// CTest by moonpool_add_simulation. With CONSUMER_SIM_FAIL set, every seed
// fails (the test expecting that checks that a failing seed fails CTest).
#include <cstdlib>
#include <memory>
#include <moonpool/sim.hpp>
#include <moonpool/sim/runner.hpp>

namespace {

struct Sleeper : moonpool::sim::Workload {
  std::string_view name() const override { return "sleeper"; }
  boost::asio::awaitable<void> run(moonpool::sim::Context&) override {
    co_await moonpool::sim::sleep(std::chrono::seconds(1));
    if (std::getenv("CONSUMER_SIM_FAIL") != nullptr) {
      throw std::runtime_error("asked to fail");
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  sim.name("consumer").workload([] { return std::make_unique<Sleeper>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}
