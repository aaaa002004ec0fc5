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

#include "maze.hpp"

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  // The explorer's defaults: a discovery is worth 74 children, enough to get
  // through a 1-in-20 gate with probability 1 - 0.95^74 = 98%.
  sim.name("maze").iterations(100).workload([] { return std::make_unique<maze::MazeWalker>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}
