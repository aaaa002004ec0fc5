#pragma once
// The standard command line of every simulation binary (DESIGN.md section 4):
//
//   int main(int argc, char** argv) {
//     auto sim = moonpool::sim::SimulationBuilder{}...;
//     return moonpool::sim::run_main(argc, argv, sim);
//   }
//
// Exit status: 0 when every seed passed, 1 when a seed failed, 2 for a usage
// error (one line on stderr naming the problem).

#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim {

int run_main(int argc, char** argv, const SimulationBuilder& simulation);

}  // namespace moonpool::sim
