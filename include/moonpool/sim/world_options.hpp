#pragma once
// Knobs of one simulated world.

#include <chrono>
#include <cstdint>

namespace moonpool::sim {

// What happens when simulated code reaches the real operating system: reads
// OS entropy (std::random_device, getrandom, getentropy), opens a real
// socket, or starts a thread. Each makes a seed unreplayable.
enum class escape_policy : std::uint8_t {
  fail,  // the seed fails at once, naming the call, the seed and a short stack
  warn,  // one warning per kind on stderr; entropy is replaced by seeded bytes
};

struct world_options {
  // Keep every trace record in memory (world::trace()), not only the digest.
  // Off by default: the digest alone costs no memory.
  bool record_trace = false;
  // A drain that runs more handlers than this without simulated time moving
  // is a livelock: some handler keeps re-posting itself.
  std::uint64_t livelock_poll_bound = 1'000'000;
  escape_policy escapes = escape_policy::fail;
  // A handler that runs this long in wall time without returning (a loop
  // that never awaits, or a catch-all around a wait that fails at once
  // after a cancellation) ends the process with exit status 1 and one line
  // naming the seed and the task: it can never return, so the seed cannot
  // be failed any other way. Zero turns the watchdog off.
  std::chrono::seconds handler_wall_limit{30};
  // Wall time the world may be driven for (the runner's --seed-timeout).
  // Past it, the drive loop throws seed_timeout_error naming the busy
  // tasks; a handler still running then (one that never returns) is ended
  // by the watchdog as above. Zero: no limit.
  std::chrono::nanoseconds seed_wall_limit{0};
};

}  // namespace moonpool::sim
