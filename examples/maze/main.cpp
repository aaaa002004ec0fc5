// sim-maze: a bug behind twenty rare events in a row, which random seeds
// never reach and the fork explorer does.
//
// A treasure sits behind 4 locks, opened in order. Each lock has 5 nested
// gates; on every attempt, each gate lets the walker through with
// probability 0.05, and one failed gate sends the walker back to the first
// gate of the lock. Opening a lock by chance takes 0.05^5 (1 in 3.2
// million) per attempt; all four take 0.05^20. The bug: reaching the
// treasure breaks an always-assertion.
//
// Every gate passed for the first time is a discovery (a new bucket of
// MP_SOMETIMES_EACH), so with --explore the run forks there: the children
// continue right behind that gate with fresh randomness, and one of them
// soon gets through the next gate, where the run forks again.
//
//   build/bin/sim-maze --iterations 10000          # plain seeds: passes
//   build/bin/sim-maze --explore --iterations 2    # finds the treasure
//   build/bin/sim-maze --replay <recipe it printed>  # the same failure

#include <chrono>
#include <memory>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr int lock_count = 4;
constexpr int gates_per_lock = 5;
constexpr double gate_probability = 0.05;
constexpr int attempts = 300;

struct MazeWalker : moonpool::sim::Workload {
  std::string_view name() const override { return "walker"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    moonpool::sim::random_stream& random = ctx.random();
    int open_locks = 0;
    for (int attempt = 0; attempt < attempts && open_locks < lock_count; ++attempt) {
      co_await moonpool::sim::sleep(1ms);
      // One walk through the current lock's gates, stopping at the first
      // gate that stays shut.
      for (int gate = 0; gate < gates_per_lock; ++gate) {
        if (!random.chance(gate_probability)) {
          break;
        }
        // A bucket per gate: its first pass is a discovery.
        MP_SOMETIMES_EACH("a gate opened", {{"lock", open_locks}, {"gate", gate + 1}});
        if (gate + 1 == gates_per_lock) {
          ++open_locks;
          break;
        }
      }
    }
    MP_SOMETIMES(open_locks >= 1, "the first lock opened");
    // The bug the maze hides.
    MP_ALWAYS(open_locks < lock_count, "the treasure stays locked");
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  moonpool::explore::exploration_config explore;
  // A discovery here is worth many children: each has a 1 in 20 chance to
  // pass the next gate at once, so 100 children get through it with
  // probability 1 - 0.95^100 > 99%, and all 20 gates in a row with ~89%.
  explore.adaptive.min_timelines = 100;
  explore.adaptive.warm_min_timelines = 100;
  explore.adaptive.max_timelines = 200;
  explore.adaptive.per_mark_energy = 150;
  sim.name("maze").iterations(100).exploration(explore).workload(
      [] { return std::make_unique<MazeWalker>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}
