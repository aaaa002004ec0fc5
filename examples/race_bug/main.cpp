// sim-race-bug: a race that only a non-FIFO schedule exposes.
//
// A service starts two tasks: a warm-up task that loads its cache and then
// sets `ready`, and a request handler that assumes warm-up is done "by the
// time it gets going" (after two scheduling steps of its own). On a plain
// io_context, which runs ready handlers in FIFO order, the handler always
// wins the bet: the bug never shows. The simulated executor picks ready
// handlers in a seeded random order, and some seeds let the handler run
// ahead of the warm-up.
//
//   build/bin/sim-race-bug --iterations 200 --report-json report.json   # fails
//   build/bin/sim-race-bug --seed <a failing seed>                       # fails again

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;

namespace {

struct cache_state {
  bool ready = false;
  int entries = 0;
};

asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

asio::awaitable<void> warm_up(std::shared_ptr<cache_state> cache) {
  cache->entries = 100;  // load
  co_await yield();      // e.g. an await on a local queue
  cache->ready = true;
}

asio::awaitable<void> handle_request(std::shared_ptr<cache_state> cache) {
  co_await yield();  // parse the request
  co_await yield();  // authenticate
  // The bug: nothing orders this read after warm-up; it relies on timing.
  MP_ALWAYS(cache->ready, "request served from a warm cache");
}

struct RaceWorkload : moonpool::sim::Workload {
  std::string_view name() const override { return "service"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    auto cache = std::make_shared<cache_state>();
    auto warm = moonpool::sim::spawn(ctx.get_executor(), "warm-up", warm_up(cache));
    auto request = moonpool::sim::spawn(ctx.get_executor(), "request", handle_request(cache));
    co_await warm.async_join(asio::use_awaitable);
    co_await request.async_join(asio::use_awaitable);
    MP_SOMETIMES(cache->ready, "warm-up finished");
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  sim.name("race-bug").iterations(200).workload([] { return std::make_unique<RaceWorkload>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}
