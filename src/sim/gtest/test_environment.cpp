#include "test_environment.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "../../common/decimal.hpp"
#include "../../common/printable.hpp"

namespace moonpool::sim::detail {
namespace {

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

// One line: the value is echoed as it is, escaped, whatever it holds.
[[noreturn]] void reject(const char* name, const std::string& value, std::string_view problem) {
  throw std::invalid_argument(moonpool::detail::printable(std::string(name) + "='" + value + "' " +
                                                          std::string(problem) +
                                                          "; fix it or unset " + name));
}

std::vector<std::uint64_t> parse_seeds(const std::string& text) {
  constexpr std::string_view form =
      "a list of seeds: whole numbers below 2^64 separated by commas (MOONPOOL_SEED=42 or "
      "MOONPOOL_SEED=1,7)";
  std::vector<std::uint64_t> seeds;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    const std::optional<std::uint64_t> seed =
        moonpool::detail::parse_decimal_u64(rest.substr(0, comma));
    if (!seed) {
      reject(seed_variable, text, std::string("is not ") + std::string(form));
    }
    seeds.push_back(*seed);
    if (comma == std::string_view::npos) {
      return seeds;
    }
    rest = rest.substr(comma + 1);
  }
}

std::uint64_t parse_iterations(const std::string& text) {
  const std::optional<std::uint64_t> count = moonpool::detail::parse_decimal_u64(text);
  if (!count || *count == 0) {
    reject(iterations_variable, text,
           "is not a number of seeds: a whole number from 1 to 2^64-1 (MOONPOOL_ITERATIONS=500)");
  }
  return *count;
}

explore::recipe parse_replay(const std::string& text) {
  try {
    return explore::parse_recipe(text);
  } catch (const std::invalid_argument& e) {
    reject(replay_variable, text, std::string("is not a recipe (") + e.what() + ")");
  }
}

void add_assignment(std::string& assignments, const char* name, const std::string& value) {
  assignments += (assignments.empty() ? "" : " ") + std::string(name) + "=" +
                 moonpool::detail::printable(value);
}

}  // namespace

test_environment read_test_environment() {
  test_environment environment;
  if (const auto text = variable(seed_variable)) {
    environment.seeds = parse_seeds(*text);
    add_assignment(environment.assignments, seed_variable, *text);
  }
  if (const auto text = variable(iterations_variable)) {
    environment.iterations = parse_iterations(*text);
    add_assignment(environment.assignments, iterations_variable, *text);
  }
  if (const auto text = variable(replay_variable)) {
    environment.replay = parse_replay(*text);
    add_assignment(environment.assignments, replay_variable, *text);
    if (!environment.seeds.empty() || environment.iterations) {
      // Checked after parsing, so a malformed value is named first.
      throw std::invalid_argument(std::string(replay_variable) + " replays one recipe and " +
                                  seed_variable + " and " + iterations_variable +
                                  " choose seeds: unset one side (the set ones are " +
                                  environment.assignments + ")");
    }
  }
  return environment;
}

void apply_test_environment(const test_environment& environment, run_options& options) {
  if (environment.replay) {
    // SimulationBuilder::run replays a recipe alone: what chooses or
    // repeats seeds does not apply to it.
    options.replay = environment.replay;
    options.seeds.clear();
    options.iterations.reset();
    options.time_limit.reset();
    options.until_stable.reset();
    options.explore = false;
    options.isolate = false;
    options.check_determinism = false;
    return;
  }
  if (environment.seeds.empty() && !environment.iterations) {
    return;
  }
  options.replay.reset();
  options.seeds = environment.seeds;
  options.iterations = environment.iterations;
  options.time_limit.reset();
  options.until_stable.reset();
  // A seed named outside the test's shard must still run.
  options.shard_index = 0;
  options.shard_count = 1;
}

}  // namespace moonpool::sim::detail
