// sim-dungeon: a larger search, where how the explorer spends its energy
// matters.
//
// A walker descends 8 floors. Each step it meets a monster (1 in 5) and
// fights it (wins 3 in 5, else loses 1 of its 5 health), or searches the
// floor for the key down (3 in 100). Health 0 ends the walk. The bug:
// reaching the bottom floor breaks an always-assertion. Plain seeds die
// on the first floors; random chance of surviving 8 floors is negligible.
//
// The search signals are SOMETIMES_EACH buckets: every (floor, monster)
// fight and every floor reached, the latter with the walker's health as a
// quality to maximise. Many of those buckets are dead ends (a fight on
// floor 1 leads nowhere new), so splitting a fixed number of children at
// every discovery spends the energy evenly on dead ends; adaptive
// splitting stops on marks whose children find nothing and moves their
// energy to marks that do.
//
//   build/bin/sim-dungeon --explore --jobs 1 --energy 3000 --seed 1
//   build/bin/sim-dungeon --explore --jobs 1 --energy 3000 --seed 1 --explore-fixed 8

#include <chrono>
#include <memory>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr int floor_count = 10;
constexpr int start_health = 5;
constexpr int step_budget = 600;
constexpr int monster_kinds = 6;

struct DungeonWalker : moonpool::sim::Workload {
  std::string_view name() const override { return "walker"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    moonpool::sim::random_stream& random = ctx.random();
    int floor = 0;
    int health = start_health;
    for (int step = 0; step < step_budget && health > 0 && floor < floor_count; ++step) {
      co_await moonpool::sim::sleep(1ms);
      // Two draws per step: what happens, then how it turns out.
      const std::uint64_t event = random.below(100);
      const std::uint64_t outcome = random.below(1000);
      if (event < 30) {
        const auto monster = static_cast<std::int64_t>(outcome % monster_kinds);
        MP_SOMETIMES_EACH("fought a monster", {{"floor", floor}, {"monster", monster}});
        if (outcome >= 500) {
          --health;
        }
      } else if (outcome < 20) {
        ++floor;
        MP_SOMETIMES_EACH("reached a floor", {{"floor", floor}}, health);
      }
    }
    MP_SOMETIMES(health == 0, "the walker died");
    MP_SOMETIMES_GE(floor, floor_count / 2, "halfway down");
    MP_ALWAYS(floor < floor_count, "nobody reaches the bottom floor");
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  moonpool::explore::exploration_config explore;
  explore.global_energy = 400;
  // Small batches: a barren mark costs 2 children, a productive one keeps
  // getting more while its children keep finding new buckets.
  explore.adaptive.batch_size = 2;
  explore.adaptive.min_timelines = 2;
  explore.adaptive.max_timelines = 64;
  explore.adaptive.per_mark_energy = 32;
  sim.name("dungeon").iterations(100).exploration(explore).workload(
      [] { return std::make_unique<DungeonWalker>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}
