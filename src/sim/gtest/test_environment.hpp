#pragma once
// The environment variables through which a failing test's replay command
// picks its seeds (include/moonpool/sim/gtest.hpp): MOONPOOL_SEED,
// MOONPOOL_ITERATIONS and MOONPOOL_REPLAY.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "moonpool/explore/recipe.hpp"
#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim::detail {

inline constexpr const char* seed_variable = "MOONPOOL_SEED";
inline constexpr const char* iterations_variable = "MOONPOOL_ITERATIONS";
inline constexpr const char* replay_variable = "MOONPOOL_REPLAY";

// What the environment asks a test's simulation to run instead of the
// seeds the test chose.
struct test_environment {
  std::vector<std::uint64_t> seeds;         // MOONPOOL_SEED
  std::optional<std::uint64_t> iterations;  // MOONPOOL_ITERATIONS
  std::optional<explore::recipe> replay;    // MOONPOOL_REPLAY
  // The variables set, as NAME=VALUE separated by spaces ("" when none),
  // for messages.
  std::string assignments;

  [[nodiscard]] bool empty() const noexcept { return assignments.empty(); }
};

// Reads the three variables. A malformed value, or MOONPOOL_REPLAY set
// with either of the others, throws std::invalid_argument with one line
// naming the variable, what it holds and the form it takes.
[[nodiscard]] test_environment read_test_environment();

// `options` with the environment's choice of seeds in place of its own.
// What the test chose besides its seeds (check_determinism, explore,
// isolate, ...) stays, except that a replay runs only its recipe.
void apply_test_environment(const test_environment& environment, run_options& options);

}  // namespace moonpool::sim::detail
