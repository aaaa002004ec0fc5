// Does memory grow with the number of seeds run? Runs the sim-http demo
// twice as a child process, exactly as a user would (`sim-http
// --iterations N --quiet`), once over 100 seeds and once over 10,000, and
// compares the peak resident set sizes the kernel reports for each child
// (ru_maxrss from wait4). A runner that keeps nothing per seed but a
// failing seed's number gives a ratio near 1.
//
// Why a child and not SimulationBuilder::run in this process: a process's
// peak RSS never goes down, so two measurements in one process would see
// the larger one twice; and the child measures the shipped binary, its
// report and progress code included.
//
//   build/bin/bench-memory [--json] [--quick] [--sim-http PATH]
//
// (--quick: 10 and 100 seeds.) No figure is asserted anywhere;
// docs/PERFORMANCE.md records the numbers.

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "harness.hpp"

extern char** environ;

namespace {

struct child_run {
  long peak_rss_kib = 0;
  double wall_s = 0;
};

// sim-http beside this program in build/bin, unless --sim-http says where.
std::string default_sim_http() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sim-http") : (self.parent_path() / "sim-http").string();
}

// Runs `binary --iterations seeds --quiet` with its output discarded (this
// program's own stdout may be JSON, and the child's summary is noise here);
// throws when it cannot start or fails, with the command to run by hand.
child_run run_sim_http(const std::string& binary, std::uint64_t seeds) {
  std::vector<std::string> args = {binary, "--iterations", std::to_string(seeds), "--quiet"};
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const double started = bench::wall_seconds();
  const int spawn_error =
      posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    throw std::system_error(spawn_error, std::generic_category(), "cannot start " + binary);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) {
    throw std::system_error(errno, std::generic_category(), "wait4 on " + binary);
  }
  const double wall = bench::wall_seconds() - started;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(binary + " --iterations " + std::to_string(seeds) +
                             " did not pass (wait status " + std::to_string(status) +
                             "); run that command to see why");
  }
  return {usage.ru_maxrss, wall};  // Linux reports ru_maxrss in KiB
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{"bench-memory", "[--sim-http PATH]", 1, {}, false};
  const bench::options opts = bench::parse(argc, argv, description);
  std::string binary = default_sim_http();
  for (std::size_t i = 0; i < opts.rest.size(); ++i) {
    if (opts.rest[i] == "--sim-http" && i + 1 < opts.rest.size()) {
      binary = opts.rest[++i];
    } else if (opts.rest[i] == "--sim-http") {
      bench::usage_error(description, "--sim-http needs the path of the sim-http binary");
    } else {
      bench::usage_error(description, "unknown argument '" + opts.rest[i] + "'");
    }
  }
  if (access(binary.c_str(), X_OK) != 0) {
    bench::usage_error(description, "no runnable sim-http at '" + binary +
                                        "': build it (cmake --build build --target sim-http) "
                                        "or pass --sim-http PATH");
  }
  const std::uint64_t few = opts.quick ? 10 : 100;
  const std::uint64_t many = opts.quick ? 100 : 10'000;

  const child_run small = run_sim_http(binary, few);
  const child_run large = run_sim_http(binary, many);
  const double ratio = static_cast<double>(large.peak_rss_kib) / small.peak_rss_kib;
  const double kib_per_1000_seeds = static_cast<double>(large.peak_rss_kib - small.peak_rss_kib) *
                                    1000.0 / static_cast<double>(many - few);

  if (opts.json) {
    bench::json_object out;
    out.number("rss_growth_ratio", ratio)
        .integer("peak_rss_kib_few", small.peak_rss_kib)
        .integer("peak_rss_kib_many", large.peak_rss_kib)
        .number("rss_kib_per_1000_seeds", kib_per_1000_seeds)
        .integer("seeds_few", static_cast<long long>(few))
        .integer("seeds_many", static_cast<long long>(many))
        .number("seconds_many", large.wall_s);
    out.print();
    return 0;
  }
  std::printf(
      "peak RSS of sim-http: %llu seeds %ld KiB, %llu seeds %ld KiB (%.0f s): %.3fx, "
      "%.1f KiB per 1,000 seeds\n",
      static_cast<unsigned long long>(few), small.peak_rss_kib,
      static_cast<unsigned long long>(many), large.peak_rss_kib, large.wall_s, ratio,
      kib_per_1000_seeds);
  return 0;
}
