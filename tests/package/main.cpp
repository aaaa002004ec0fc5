// Runs a tiny simulation against the installed headers and library.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <cstdio>
#include <moonpool/sim.hpp>

int main() {
  moonpool::sim::world world{1};
  boost::asio::co_spawn(
      world.get_executor(),
      []() -> boost::asio::awaitable<void> {
        co_await moonpool::sim::sleep(std::chrono::minutes(5));
      },
      boost::asio::detached);
  world.run();
  if (world.now() != std::chrono::minutes(5)) {
    std::fprintf(stderr, "consumer: wrong simulated time\n");
    return 1;
  }
  std::printf("consumer ok: trace %s\n", world.trace_hash().c_str());
  return 0;
}
