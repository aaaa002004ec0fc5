#pragma once
// The maze of sim-maze (main.cpp says what it is); bench-explore explores
// it too.

#include <chrono>
#include <memory>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace maze {

namespace asio = boost::asio;
using namespace std::chrono_literals;

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

}  // namespace maze
