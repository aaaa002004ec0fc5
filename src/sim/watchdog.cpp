#include "watchdog.hpp"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "moonpool/sim/detail/world_state.hpp"

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
  const std::int64_t limit = world->options().handler_wall_limit.count();
  if (limit <= 0 || ++stuck_seconds < limit) {
    return;
  }
  // The process ends here: formatting is not async-signal-safe in general,
  // but nothing else will run in this process again.
  const task_record* task = world->current_task();
  char line[512];
  const int length = std::snprintf(
      line, sizeof line,
      "moonpool: seed %llu: a handler of task '%s' has run for more than %lld s of wall time "
      "without returning (a loop that never awaits, or a catch-all around a wait that fails at "
      "once after a cancellation); replay it with --seed %llu\n",
      static_cast<unsigned long long>(world->seed()), task != nullptr ? task->name.c_str() : "?",
      static_cast<long long>(limit), static_cast<unsigned long long>(world->seed()));
  if (length > 0) {
    [[maybe_unused]] const auto written = write(2, line, static_cast<std::size_t>(length));
  }
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

}  // namespace moonpool::sim::detail
