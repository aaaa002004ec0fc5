// Simulated code that reaches the real OS (entropy, sockets, threads) is
// reported with the seed and a stack: the seed fails by default, or a
// warning is printed and entropy replaced by seeded bytes. Outside a
// simulation nothing changes.

#include <gtest/gtest.h>
#include <sys/random.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <random>
#include <thread>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace {

namespace asio = boost::asio;
namespace sim = moonpool::sim;

template <class Body>
std::string escape_message(Body body, sim::world_options options = {}) {
  sim::world world(42, options);
  asio::co_spawn(
      world.get_executor(),
      [&]() -> asio::awaitable<void> {
        body();
        co_return;
      },
      asio::detached);
  try {
    world.run();
  } catch (const sim::escape_error& e) {
    EXPECT_EQ(e.seed(), 42u);
    return e.what();
  }
  return {};
}

TEST(Escape, RandomDeviceInsideASimulationFailsTheSeedNamingTheCallAndTheStack) {
  const std::string message = escape_message([] {
    std::random_device device;
    (void)device();
  });
  EXPECT_NE(message.find("escape (seed 42)"), std::string::npos) << message;
  EXPECT_NE(message.find("std::random_device"), std::string::npos) << message;
  EXPECT_NE(message.find("ctx.random()"), std::string::npos) << message;
  EXPECT_NE(message.find("    at "), std::string::npos) << message;
}

TEST(Escape, GetrandomInsideASimulationFailsTheSeed) {
  const std::string message = escape_message([] {
    unsigned char bytes[16];
    EXPECT_EQ(getrandom(bytes, sizeof bytes, 0), 16);
  });
  EXPECT_NE(message.find("getrandom()"), std::string::npos) << message;
}

TEST(Escape, ARealSocketIsRefusedAndFailsTheSeed) {
  const std::string message = escape_message([] {
    asio::io_context real;
    asio::ip::tcp::socket socket(real);
    boost::system::error_code ec;
    socket.open(asio::ip::tcp::v4(), ec);
    EXPECT_EQ(ec, boost::system::errc::operation_not_permitted);
  });
  EXPECT_NE(message.find("a real socket was opened"), std::string::npos) << message;
  EXPECT_NE(message.find("moonpool::sim::tcp"), std::string::npos) << message;
}

TEST(Escape, AThreadIsRefusedAndFailsTheSeed) {
  const std::string message =
      escape_message([] { EXPECT_THROW(std::thread([] {}).join(), std::system_error); });
  EXPECT_NE(message.find("a thread was started"), std::string::npos) << message;
}

TEST(Escape, WarnModeReplacesEntropyWithSeededBytesThatReplay) {
  auto draw = [] {
    sim::world world(7, sim::world_options{.escapes = sim::escape_policy::warn});
    unsigned value = 0;
    asio::co_spawn(
        world.get_executor(),
        [&]() -> asio::awaitable<void> {
          std::random_device device;
          value = device();
          co_return;
        },
        asio::detached);
    world.run();  // no escape_error under warn
    return std::make_pair(value, world.trace_hash());
  };
  EXPECT_EQ(draw(), draw());
}

TEST(Escape, OutsideASimulationEverythingIsReal) {
  std::random_device device;
  (void)device();
  unsigned char bytes[8];
  EXPECT_EQ(getrandom(bytes, sizeof bytes, 0), 8);
  bool ran = false;
  std::thread([&] { ran = true; }).join();
  EXPECT_TRUE(ran);
  asio::io_context real;
  asio::ip::tcp::socket socket(real);
  socket.open(asio::ip::tcp::v4());
  EXPECT_TRUE(socket.is_open());
}

struct entropy_process : sim::Process {
  std::string_view name() const override { return "rng"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    std::random_device device;
    (void)device();
    co_await ctx.async_wait_shutdown(asio::use_awaitable);
  }
};

struct idle_workload : sim::Workload {
  std::string_view name() const override { return "idle"; }
  asio::awaitable<void> run(sim::Context&) override { co_return; }
};

TEST(Escape, TheRunnerFailsTheSeedAndTheSeedReplays) {
  sim::SimulationBuilder builder;
  builder.processes(1, [] { return std::make_unique<entropy_process>(); }).workload([] {
    return std::make_unique<idle_workload>();
  });
  const sim::seed_result first = builder.run_seed(5);
  EXPECT_FALSE(first.ok);
  EXPECT_NE(first.error.find("std::random_device read OS entropy"), std::string::npos)
      << first.error;
  EXPECT_EQ(builder.run_seed(5).trace_hash, first.trace_hash);
  builder.escapes(sim::escape_policy::warn);
  EXPECT_TRUE(builder.run_seed(5).ok);
}

}  // namespace
