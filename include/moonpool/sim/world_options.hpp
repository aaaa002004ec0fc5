#pragma once
// Knobs of one simulated world.

#include <cstdint>

namespace moonpool::sim {

struct world_options {
  // Keep every trace record in memory (world::trace()), not only the digest.
  // Off by default: the digest alone costs no memory.
  bool record_trace = false;
  // A drain that runs more handlers than this without simulated time moving
  // is a livelock: some handler keeps re-posting itself.
  std::uint64_t livelock_poll_bound = 1'000'000;
};

}  // namespace moonpool::sim
