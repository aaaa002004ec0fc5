#include "moonpool/sim/random.hpp"

namespace moonpool::sim {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

void random_stream::reseed(std::uint64_t seed) noexcept {
  seed_ = seed;
  std::uint64_t x = seed;
  for (auto& word : state_) {
    x += 0x9E3779B97F4A7C15ULL;
    word = mix64(x);
  }
}

void random_stream::add_breakpoint(std::uint64_t count, std::uint64_t seed) {
  breakpoints_.push_back(breakpoint{count, seed});
  apply_due_breakpoints();
}

// Reseeds as soon as a breakpoint's count is reached, as the explorer does
// at the fork itself, so that a replay and the explored timeline stand in
// the same state (and fingerprint) even when nothing is drawn after the
// last fork. A loop: a timeline forked again before drawing anything has a
// step with count 0 right after the previous one.
void random_stream::apply_due_breakpoints() noexcept {
  while (next_breakpoint_ < breakpoints_.size() && calls_ == breakpoints_[next_breakpoint_].count) {
    reseed(breakpoints_[next_breakpoint_].seed);
    calls_ = 0;
    ++next_breakpoint_;
  }
}

std::uint64_t random_stream::next_u64() noexcept {
  ++calls_;
  ++draws_;
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  apply_due_breakpoints();
  return result;
}

std::uint64_t random_stream::fingerprint() const noexcept {
  std::uint64_t h = mix64(draws_);
  for (const std::uint64_t word : state_) {
    h = mix64(h ^ word);
  }
  return h;
}

std::uint64_t random_stream::below(std::uint64_t bound) noexcept {
  if (bound == 0) {
    return 0;
  }
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high
  // word of x * bound is uniform once the biased low words are rejected.
  __extension__ using u128 = unsigned __int128;
  u128 product = static_cast<u128>(next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<u128>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t random_stream::between(std::uint64_t low, std::uint64_t high) noexcept {
  if (high <= low) {
    return low;
  }
  return low + below(high - low);
}

double random_stream::unit() noexcept {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

bool random_stream::chance(double p) noexcept {
  if (!(p > 0.0)) {
    return false;
  }
  if (p >= 1.0) {
    return true;
  }
  return unit() < p;
}

random_streams::random_streams(std::uint64_t seed) noexcept
    : simulation(seed),
      scheduling(seed ^ scheduling_salt),
      configuration(seed ^ configuration_salt) {}

}  // namespace moonpool::sim
