#pragma once
// Knobs of one simulated world.

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
};

}  // namespace moonpool::sim
