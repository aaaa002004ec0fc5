#include "watchdog.hpp"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "moonpool/sim/detail/wall_clock.hpp"
#include "moonpool/sim/detail/world_state.hpp"
#include "process_hooks.hpp"

namespace moonpool::sim::detail {
namespace {

std::atomic<world_state*> watched{nullptr};
std::atomic<std::uint64_t> started_handler{0};
std::atomic<bool> armed{false};
std::uint64_t last_seen = 0;
std::int64_t stuck_seconds = 0;

void on_tick(int) {
  world_state* world = watched.load(std::memory_order_relaxed);
  if (world == nullptr) {
    stuck_seconds = 0;
    return;
  }
  const std::uint64_t handler = started_handler.load(std::memory_order_relaxed);
  if (handler != last_seen) {
    last_seen = handler;
    stuck_seconds = 0;
    return;
  }
  ++stuck_seconds;
  const std::int64_t limit = world->options().handler_wall_limit.count();
  const bool handler_limit = limit > 0 && stuck_seconds >= limit;
  // The seed's own deadline passed while one handler has been running for
  // a second or more: the drive loop, which checks it, cannot regain
  // control.
  const bool seed_limit = wall_now() >= world->wall_deadline();
  if (!handler_limit && !seed_limit) {
    return;
  }
  // The process ends here. The report path is not async-signal-safe, but a
  // handler that spins is user code, not the allocator: report_abort bounds
  // the attempt with alarm() in case it was.
  char what[320];
  std::snprintf(what, sizeof what,
                "%s one handler that has not returned for %lld s of wall time (a loop that "
                "never awaits, or a catch-all around a wait that fails at once after a "
                "cancellation)",
                handler_limit ? "is stuck in" : "passed its --seed-timeout inside",
                static_cast<long long>(stuck_seconds));
  char line[768];
  describe_abort(line, sizeof line, what);
  report_abort(line);
  _exit(1);
}

void arm() {
  if (armed.exchange(true)) {
    return;
  }
  const int signal_number = SIGRTMIN + 5;
  struct sigaction action {};
  action.sa_handler = on_tick;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(signal_number, &action, nullptr);
  sigevent event{};
  event.sigev_notify = SIGEV_SIGNAL;
  event.sigev_signo = signal_number;
  timer_t timer{};
  if (timer_create(CLOCK_MONOTONIC, &event, &timer) != 0) {
    return;
  }
  itimerspec every_second{};
  every_second.it_interval.tv_sec = 1;
  every_second.it_value.tv_sec = 1;
  timer_settime(timer, 0, &every_second, nullptr);
  // Timers do not survive fork(): a forked child arms its own.
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { armed.store(false); });
    return true;
  }();
  (void)registered;
}

}  // namespace

void watchdog_handler_started(world_state& world) noexcept {
  if (!armed.load(std::memory_order_relaxed) && world.options().handler_wall_limit.count() > 0) {
    arm();
  }
  watched.store(&world, std::memory_order_relaxed);
  // One writer (this thread): a plain increment, not a locked one.
  started_handler.store(started_handler.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
}

void watchdog_handler_finished() noexcept {
  watched.store(nullptr, std::memory_order_relaxed);
}

void watchdog_pause() noexcept {
  watched.store(nullptr, std::memory_order_relaxed);
}

void watchdog_resume(world_state& world) noexcept {
  watchdog_handler_started(world);
}

}  // namespace moonpool::sim::detail
