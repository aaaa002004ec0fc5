// What a forked timeline costs next to a plain seed of the same simulation,
// measured in one run: a workload of 200 timer steps runs (a) as plain
// seeds and (b) as the children of one discovery made after step 100, so
// each child runs the second half. Prints the time per plain seed, per
// forked child, and their ratio (`ratio child/plain-seed: ...`), for
// sequential children. No timing is asserted anywhere.
//
//   build/bin/bench-explore

#include <chrono>
#include <cstdio>
#include <memory>

#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr int steps = 200;
constexpr std::uint64_t plain_seeds = 2000;
constexpr std::uint32_t children = 2000;

struct stepper : moonpool::sim::Workload {
  std::string_view name() const override { return "stepper"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    for (int i = 0; i < steps; ++i) {
      co_await moonpool::sim::sleep(std::chrono::microseconds(1 + ctx.random().below(50)));
      if (i == steps / 2) {
        MP_REACHABLE("halfway");
      }
    }
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  moonpool::sim::SimulationBuilder sim;
  sim.workload([] { return std::make_unique<stepper>(); });

  moonpool::sim::run_options plain;
  plain.iterations = plain_seeds;
  auto start = std::chrono::steady_clock::now();
  const auto plain_report = sim.run(plain);
  const double per_seed = seconds_since(start) / static_cast<double>(plain_report.iterations);

  moonpool::sim::run_options forked;
  forked.seeds = {1};
  forked.explore = true;
  moonpool::explore::exploration_config config;
  config.jobs = 1;
  config.timelines_per_split = children;
  config.global_energy = children;
  config.max_depth = 1;
  forked.exploration = config;
  start = std::chrono::steady_clock::now();
  const auto forked_report = sim.run(forked);
  const double per_child =
      seconds_since(start) / static_cast<double>(forked_report.exploration->timelines);

  std::printf("plain seed (%d steps):          %8.1f us\n", steps, per_seed * 1e6);
  std::printf("forked child (%d steps + fork): %8.1f us over %llu children\n", steps / 2,
              per_child * 1e6,
              static_cast<unsigned long long>(forked_report.exploration->timelines));
  std::printf("ratio child/plain-seed: %.2fx\n", per_child / per_seed);
  return plain_report.ok() && forked_report.ok() ? 0 : 1;
}
