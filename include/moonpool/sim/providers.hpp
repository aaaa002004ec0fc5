#pragma once
// moonpool::sim::providers: the simulation bundle. The simulated host's
// executor, clock, network and disk, and the counted simulation stream.
//
//   void run(const moonpool::sim::Context& ctx) {     // in a Process
//     moonpool::sim::providers p{ctx};
//     p.spawn("server", serve(p, 8080));
//   }
//
// or, without a runner, from a host of a world driven by hand:
//
//   moonpool::sim::world world{seed};
//   moonpool::sim::providers p{world.add_host("10.0.1.1")};
//
// spawn() starts a moonpool::sim::spawn task with the given name (deadlock
// and livelock reports name it; a crash of the host destroys it). An
// exception that escapes it is never swallowed: it fails the run. The drive
// loop (world.run(), run_for(), poll()) throws moonpool::task_failed naming
// the task, the seed and the exception, right after the handler that ended
// the task; under the runner that fails the seed with the same message.
// moonpool::real::providers is the production twin (docs/providers.md).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "moonpool/core/detail/owned_call.hpp"
#include "moonpool/core/providers.hpp"
#include "moonpool/core/task_failed.hpp"
#include "moonpool/sim/clock.hpp"
#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/host.hpp"
#include "moonpool/sim/net/tcp.hpp"
#include "moonpool/sim/random.hpp"
#include "moonpool/sim/runner/context.hpp"
#include "moonpool/sim/steady_timer.hpp"
#include "moonpool/sim/storage/storage.hpp"
#include "moonpool/sim/task.hpp"

namespace moonpool::sim {

namespace detail {

// Runs `body`; if it throws, the exception ends the task as usual (its
// join status is `failed`) and a handler posted right behind it throws
// task_failed out of the drive loop, so the run cannot go on as if nothing
// happened.
inline boost::asio::awaitable<void> fail_run_on_exception(std::string name,
                                                          boost::asio::awaitable<void> body) {
  std::exception_ptr error;
  try {
    co_await std::move(body);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    const auto ex = co_await boost::asio::this_coro::executor;
    const std::uint64_t seed = state_of(ex, "moonpool::sim::providers::spawn").seed();
    boost::asio::post(ex, [name = std::move(name), error, seed] {
      throw task_failed(name, error, " (seed " + std::to_string(seed) + ")");
    });
    std::rethrow_exception(error);
  }
}

}  // namespace detail

class providers {
 public:
  using executor_type = boost::asio::any_io_executor;
  using tcp = sim::tcp;
  using steady_timer = sim::steady_timer;
  using clock = sim::clock;
  using storage_type = sim::storage;
  using file_type = sim::file;

  // The bundle of the process or workload `ctx` describes. Valid for one
  // boot: a rebooted process gets a new context and makes a new bundle.
  explicit providers(const Context& ctx) : providers(ctx.host()) {}
  // The bundle of one host of a world driven by hand (tests, benchmarks).
  explicit providers(sim::host h)
      : host_(h),
        random_(
            &detail::state_of(h.get_executor(), "moonpool::sim::providers").streams().simulation) {}

  [[nodiscard]] executor_type get_executor() const noexcept { return host_.get_executor(); }
  [[nodiscard]] sim::host host() const noexcept { return host_; }
  // The host's own clock: simulated time, or up to
  // network_config::clock_drift_max ahead of it when clock drift is on
  // (chaos turns it on); never decreasing. Timers count simulated time.
  [[nodiscard]] clock::time_point now() const { return host_.now(); }
  // The host's disk (docs/storage.md): it survives reboots of the process,
  // subject to the durability model.
  [[nodiscard]] storage_type storage() const { return storage_type(get_executor()); }
  // The counted simulation stream: the same seed draws the same values, and
  // the explorer can branch on them.
  [[nodiscard]] std::uint64_t random_u64() const noexcept { return random_->next_u64(); }

  // Starts `task` as a sim::spawn task named `name` on the host. An
  // escaping exception fails the run with moonpool::task_failed.
  void spawn(std::string name, boost::asio::awaitable<void> task) const {
    std::string label = name;
    sim::spawn(host_.get_executor(), std::move(label),
               detail::fail_run_on_exception(std::move(name), std::move(task)))
        .detach();
  }

  // Starts the coroutine `make_task()` returns, keeping the callable (a
  // lambda and its captures) alive until the task ends.
  template <moonpool::detail::task_factory F>
  void spawn(std::string name, F make_task) const {
    spawn(std::move(name), moonpool::detail::owned_call(std::move(make_task)));
  }

 private:
  sim::host host_;
  random_stream* random_;
};

static_assert(moonpool::providers<providers>);

}  // namespace moonpool::sim
