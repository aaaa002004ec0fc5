// What exploration costs and how fast it finds a deep bug, measured in one
// run on the maze of sim-maze (20 gates of p = 0.05 in a row), explored
// with the defaults:
//
//  * timelines per second and seconds to the first bug, branching by
//    re-execution and by fork() over the same root seeds (the trees are the
//    same, so the ratio is the cost of a timeline);
//  * the speed-up of --jobs 2 over --jobs 1 (root seeds side by side);
//  * what one plain seed costs, for scale.
//
//   build/bin/bench-explore [--json] [--roots N]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "maze/maze.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace {

using moonpool::explore::branching;

struct measured {
  double seconds = 0;
  std::uint64_t timelines = 0;
  std::uint64_t bugs = 0;
  std::optional<double> first_bug;
  [[nodiscard]] double rate() const { return seconds > 0 ? timelines / seconds : 0; }
};

moonpool::sim::SimulationBuilder maze_sim() {
  moonpool::sim::SimulationBuilder sim;
  sim.name("maze").workload([] { return std::make_unique<maze::MazeWalker>(); });
  return sim;
}

measured explore(branching branch, std::uint32_t jobs, std::uint64_t roots) {
  moonpool::sim::run_options options;
  options.iterations = roots;
  options.explore = true;
  moonpool::explore::exploration_config config;
  config.branch = branch;
  config.jobs = jobs;
  options.exploration = config;
  const auto report = maze_sim().run(options);
  measured m;
  m.seconds = report.exploration->seconds;
  m.timelines = report.exploration->timelines;
  m.bugs = report.exploration->bugs;
  m.first_bug = report.exploration->first_bug_seconds;
  return m;
}

std::string number_or_null(const std::optional<double>& v) {
  return v ? std::to_string(*v) : "null";
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false;
  std::uint64_t roots = 2;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (std::strcmp(argv[i], "--roots") == 0 && i + 1 < argc) {
      roots = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: bench-explore [--json] [--roots N]\n");
      return 2;
    }
  }
  if (roots == 0) {
    std::fprintf(stderr, "bench-explore: --roots expects at least 1\n");
    return 2;
  }

  // For scale: plain seeds of the same maze.
  moonpool::sim::run_options plain;
  plain.iterations = 2000;
  const auto started = std::chrono::steady_clock::now();
  static_cast<void>(maze_sim().run(plain));
  const double plain_seed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 2000.0;

  const measured reexecuted = explore(branching::reexecute, 1, roots);
  const measured forked = explore(branching::fork, 1, roots);
  const measured parallel = explore(branching::reexecute, 2, 2 * roots);
  const measured sequential = explore(branching::reexecute, 1, 2 * roots);

  if (json) {
    std::printf(
        "{\"timelines_per_s\": %.1f, \"seconds_to_first_bug\": %s, "
        "\"reexecute\": {\"timelines_per_s\": %.1f, \"seconds_to_first_bug\": %s, "
        "\"timelines\": %llu, \"bugs\": %llu}, "
        "\"fork\": {\"timelines_per_s\": %.1f, \"seconds_to_first_bug\": %s, "
        "\"timelines\": %llu, \"bugs\": %llu}, "
        "\"reexecute_vs_fork\": %.2f, \"jobs2_speedup\": %.2f, \"plain_seed_us\": %.1f}\n",
        reexecuted.rate(), number_or_null(reexecuted.first_bug).c_str(), reexecuted.rate(),
        number_or_null(reexecuted.first_bug).c_str(),
        static_cast<unsigned long long>(reexecuted.timelines),
        static_cast<unsigned long long>(reexecuted.bugs), forked.rate(),
        number_or_null(forked.first_bug).c_str(), static_cast<unsigned long long>(forked.timelines),
        static_cast<unsigned long long>(forked.bugs),
        forked.rate() > 0 ? reexecuted.rate() / forked.rate() : 0.0,
        parallel.seconds > 0 ? sequential.seconds / parallel.seconds : 0.0, plain_seed * 1e6);
    return 0;
  }
  std::printf("maze, %llu root seeds, default exploration:\n",
              static_cast<unsigned long long>(roots));
  std::printf("  re-execution: %8.0f timelines/s, %llu timelines, first bug after %s s\n",
              reexecuted.rate(), static_cast<unsigned long long>(reexecuted.timelines),
              number_or_null(reexecuted.first_bug).c_str());
  std::printf("  fork:         %8.0f timelines/s, %llu timelines, first bug after %s s\n",
              forked.rate(), static_cast<unsigned long long>(forked.timelines),
              number_or_null(forked.first_bug).c_str());
  std::printf("  re-execution / fork: %.2fx\n",
              forked.rate() > 0 ? reexecuted.rate() / forked.rate() : 0.0);
  std::printf("  --jobs 2 over --jobs 1 (%llu root seeds): %.2fx\n",
              static_cast<unsigned long long>(2 * roots),
              parallel.seconds > 0 ? sequential.seconds / parallel.seconds : 0.0);
  std::printf("  one plain seed: %.1f us\n", plain_seed * 1e6);
  return 0;
}
