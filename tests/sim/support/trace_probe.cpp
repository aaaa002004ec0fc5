// Runs a fixed concurrent program in a world seeded from argv[1] and prints
// its trace hash, so tests can compare hashes across separate processes.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "moonpool/sim.hpp"
#include "racing_program.hpp"

namespace {

boost::asio::awaitable<void> sleeper(int id) {
  for (int i = 0; i < 5; ++i) {
    co_await moonpool::sim::sleep(std::chrono::milliseconds(10 * id + i));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SEED\n", argv[0]);
    return 2;
  }
  moonpool::sim::world world{std::strtoull(argv[1], nullptr, 10)};
  moonpool::test::start_two_racers(world.get_executor(), 20);
  for (int id = 1; id <= 3; ++id) {
    moonpool::sim::spawn(world.get_executor(), "sleeper-" + std::to_string(id), sleeper(id))
        .detach();
  }
  world.run();
  std::printf("%s\n", world.trace_hash().c_str());
  return 0;
}
