#pragma once
// The portable random number generator behind every decision in a simulation.
//
// Algorithm: xoshiro256** (Blackman and Vigna), state seeded from the 64-bit
// seed by four steps of splitmix64. Range reduction is our own (Lemire's
// multiply-and-reject), never std::uniform_*_distribution, whose output differs
// between standard libraries. Everything here uses only fixed-width integer
// arithmetic, so the same seed gives the same numbers with any compiler, any
// optimisation level and any standard library. tests/sim/random.cpp pins the
// first outputs for fixed seeds.

#include <array>
#include <cstdint>
#include <vector>

namespace moonpool::sim {

// splitmix64's output function: a bijective 64-bit mixer with full avalanche.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class random_stream {
 public:
  explicit random_stream(std::uint64_t seed = 0) noexcept { reseed(seed); }

  // Restarts the sequence from `seed`. The call count is left alone: the
  // explorer reseeds a stream mid-run and keeps counting from there.
  void reseed(std::uint64_t seed) noexcept;

  // A forked timeline's turn: once this stream has produced `count` values
  // (counted since the previous breakpoint, or since construction), it
  // reseeds with `seed` and counts from zero again. Replaying an explorer
  // recipe installs its steps as breakpoints, in order.
  void add_breakpoint(std::uint64_t count, std::uint64_t seed);
  // How many breakpoints this stream has reached (and reseeded at).
  [[nodiscard]] std::size_t breakpoints_reached() const noexcept { return next_breakpoint_; }

  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

  // How many values this stream has produced since construction or
  // reset_call_count(). Exploration addresses its split points by this count.
  [[nodiscard]] std::uint64_t call_count() const noexcept { return calls_; }
  void reset_call_count() noexcept { calls_ = 0; }

  // Where this stream stands: a mix of its generator state and of every
  // value it has drawn so far (never reset). Two runs that drew different
  // values, or a different number of them, have different fingerprints.
  [[nodiscard]] std::uint64_t fingerprint() const noexcept;

  // The next raw 64-bit value. Every other draw is built on this one call.
  std::uint64_t next_u64() noexcept;

  // Uniform integer in [0, bound). bound == 0 returns 0 without a draw.
  std::uint64_t below(std::uint64_t bound) noexcept;

  // Uniform integer in [low, high). An empty range returns low without a draw.
  std::uint64_t between(std::uint64_t low, std::uint64_t high) noexcept;

  // Uniform double in [0, 1) with 53 random bits.
  double unit() noexcept;

  // True with probability p (clamped to [0, 1]); p <= 0 returns false and
  // p >= 1 returns true, both without a draw.
  bool chance(double p) noexcept;

 private:
  void apply_due_breakpoints() noexcept;

  struct breakpoint {
    std::uint64_t count;
    std::uint64_t seed;
  };

  std::array<std::uint64_t, 4> state_{};
  std::uint64_t seed_ = 0;
  std::uint64_t calls_ = 0;
  std::uint64_t draws_ = 0;
  std::vector<breakpoint> breakpoints_;
  std::size_t next_breakpoint_ = 0;
};

// The three streams every world owns. Each is derived from the world's seed
// with a fixed constant so that one stream's draws never shift another's.
struct random_streams {
  explicit random_streams(std::uint64_t seed) noexcept;

  // Counted: latencies, faults, buggify, application randomness.
  random_stream simulation;
  // Which ready handler runs next.
  random_stream scheduling;
  // Swarm and knob choices made before a run starts.
  random_stream configuration;

  static constexpr std::uint64_t scheduling_salt = 0x6578656373636864ULL;     // "execschd"
  static constexpr std::uint64_t configuration_salt = 0x6D6F6F6E7377726DULL;  // "moonswrm"
};

}  // namespace moonpool::sim
