#include "moonpool/sim/clock.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "moonpool/sim/sleep.hpp"
#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(Clock, IsAChronoClockReadingSimulatedTime) {
  static_assert(moonpool::sim::clock::is_steady);
  moonpool::sim::world w{1};
  moonpool::sim::clock::time_point seen{};
  asio::co_spawn(
      w.get_executor(),
      [&]() -> asio::awaitable<void> {
        co_await moonpool::sim::sleep(90s);
        seen = moonpool::sim::clock::now();
      },
      asio::detached);
  w.run();
  EXPECT_EQ(seen.time_since_epoch(), 90s);
}

TEST(Clock, OutsideASimulationItThrowsNamingTheFix) {
  try {
    (void)moonpool::sim::clock::now();
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("outside a simulation"), std::string::npos);
  }
}
