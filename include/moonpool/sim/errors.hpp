#pragma once
// Errors that end a simulated run. Each message names the seed, so a failure
// seen once can be replayed.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace moonpool::sim {

class simulation_error : public std::runtime_error {
 public:
  simulation_error(std::uint64_t seed, const std::string& message)
      : std::runtime_error(message), seed_(seed) {}
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

 private:
  std::uint64_t seed_;
};

// Nothing is runnable, nothing is scheduled, yet some task still waits.
class deadlock_error : public simulation_error {
 public:
  using simulation_error::simulation_error;
};

// Handlers keep running without simulated time ever advancing.
class livelock_error : public simulation_error {
 public:
  using simulation_error::simulation_error;
};

// The seed ran longer in wall time than world_options::seed_wall_limit.
class seed_timeout_error : public simulation_error {
 public:
  using simulation_error::simulation_error;
};

// Simulated code reached the real operating system (OS entropy, a real
// socket, a new thread) under escape_policy::fail.
class escape_error : public simulation_error {
 public:
  using simulation_error::simulation_error;
};

// The explorer abandoned the run at a split point (world_state::abandon);
// the timeline continues in a later re-execution. Never a user-visible
// failure.
class run_abandoned : public simulation_error {
 public:
  using simulation_error::simulation_error;
};

}  // namespace moonpool::sim
