#pragma once
// A recipe names one explored timeline: the root seed it started from, and
// each fork on the way to it as (draws made by the simulation stream before
// the fork, seed the child continued with).
//
//   text form:  ROOT:COUNT@SEED,COUNT@SEED,...      e.g. 42:1033@998877,17@5566
//   a root seed alone ("42") is a recipe with no forks.
//
// Replaying installs the steps as breakpoints of the simulation stream
// (random_stream::add_breakpoint), so the run makes exactly the choices the
// forked timeline made.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moonpool::explore {

struct recipe_step {
  std::uint64_t count = 0;
  std::uint64_t seed = 0;
  friend bool operator==(const recipe_step&, const recipe_step&) = default;
};

struct recipe {
  std::uint64_t root_seed = 0;
  std::vector<recipe_step> steps;
  friend bool operator==(const recipe&, const recipe&) = default;
};

[[nodiscard]] std::string format_recipe(const recipe& r);

// Throws std::invalid_argument with one line saying what is wrong and what
// the form is.
[[nodiscard]] recipe parse_recipe(std::string_view text);

}  // namespace moonpool::explore
