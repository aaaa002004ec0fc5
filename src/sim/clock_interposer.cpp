// Standard clocks read simulated time inside a simulation.
//
// Unmodified code asks the time through std::chrono::steady_clock::now(),
// system_clock::now(), and (C libraries such as OpenSSL) clock_gettime(),
// gettimeofday() and time(). All of them are out-of-line functions of the
// C and C++ runtimes, so a definition in the program itself takes their
// place (symbol interposition, as with malloc). Each one asks whether a
// world is current on this thread (world_state::current(): during a drive,
// and during a whole runner iteration) and then answers from simulated
// time; otherwise it passes the call through to the C library.
//
// Simulated clocks: the monotonic family reads simulated nanoseconds since
// the world began (so std::chrono::steady_clock and sim::clock agree); the
// real-time family reads simulated_epoch plus the same offset. CPU-time
// clocks always pass through.

#include <dlfcn.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <chrono>

#include "process_hooks.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"
#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim::detail {
namespace {

using clock_gettime_fn = int (*)(clockid_t, timespec*);

// 2026-01-01T00:00:00Z: what system_clock reads when a simulation starts.
constexpr std::int64_t simulated_epoch_s = 1'767'225'600;

int raw_clock_gettime(clockid_t clock, timespec* ts) noexcept {
  static const auto next = reinterpret_cast<clock_gettime_fn>(dlsym(RTLD_NEXT, "clock_gettime"));
  if (next != nullptr) {
    return next(clock, ts);
  }
  return static_cast<int>(syscall(SYS_clock_gettime, clock, ts));
}

// Simulated nanoseconds for `clock`, or -1 when the real clock must answer.
std::int64_t simulated_ns(clockid_t clock) noexcept {
  const world_state* world = world_state::current();
  if (world == nullptr) {
    return -1;
  }
  const std::int64_t now = world->now().count();
  switch (clock) {
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      return now;
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
      return simulated_epoch_s * 1'000'000'000 + now;
    default:
      return -1;
  }
}

}  // namespace

std::chrono::nanoseconds wall_now() noexcept {
  timespec ts{};
  raw_clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

void link_clock_interposer() noexcept {}

}  // namespace moonpool::sim::detail

using moonpool::sim::detail::simulated_ns;

extern "C" int clock_gettime(clockid_t clock, timespec* ts) noexcept {
  const std::int64_t ns = simulated_ns(clock);
  if (ns < 0) {
    return moonpool::sim::detail::raw_clock_gettime(clock, ts);
  }
  ts->tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts->tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return 0;
}

extern "C" int gettimeofday(timeval* tv, void* /*timezone*/) noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  // The C library declares tv non-null.
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = static_cast<suseconds_t>(ts.tv_nsec / 1000);
  return 0;
}

extern "C" time_t time(time_t* out) noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != nullptr) {
    *out = ts.tv_sec;
  }
  return ts.tv_sec;
}

namespace std::chrono {
inline namespace _V2 {

steady_clock::time_point steady_clock::now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return time_point(seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec));
}

system_clock::time_point system_clock::now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return time_point(
      duration_cast<system_clock::duration>(seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec)));
}

}  // namespace _V2
}  // namespace std::chrono
