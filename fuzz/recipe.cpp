// Fuzz target: the recipe parser (include/moonpool/explore/recipe.hpp).
//
// The input is the text given to --replay. Properties:
//   - parse_recipe returns a recipe or throws std::invalid_argument whose
//     message is one non-empty line (the header promises one line); no
//     other exception, no crash;
//   - a parsed recipe round-trips: parse_recipe(format_recipe(r)) == r, and
//     the formatted text is canonical (formatting again gives the same).

#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "moonpool/explore/recipe.hpp"
#include "property.hpp"

namespace {

using moonpool::explore::format_recipe;
using moonpool::explore::parse_recipe;
using moonpool::explore::recipe;
namespace fuzz = moonpool::fuzz;

std::string describe(const recipe& r) {
  return format_recipe(r) + " (" + std::to_string(r.steps.size()) + " steps)";
}

void check_round_trip(const recipe& parsed, std::string_view input) {
  const std::string formatted = format_recipe(parsed);
  recipe again;
  try {
    again = parse_recipe(formatted);
  } catch (const std::exception& e) {
    fuzz::fail("format_recipe's text parses again",
               formatted + " from input " + std::string(input) + ": " + e.what());
  }
  fuzz::expect(again.root_seed == parsed.root_seed && again.steps == parsed.steps,
               "parse_recipe(format_recipe(r)) == r",
               describe(parsed) + " came back as " + describe(again));
  fuzz::expect(format_recipe(again) == formatted, "format_recipe is canonical", formatted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  recipe parsed;
  try {
    parsed = parse_recipe(input);
  } catch (const std::invalid_argument& e) {
    fuzz::expect_one_line(e.what(), "parse_recipe's std::invalid_argument message");
    return 0;
  } catch (const std::exception& e) {
    fuzz::fail("parse_recipe throws only std::invalid_argument",
               std::string(typeid(e).name()) + ": " + e.what());
  } catch (...) {
    fuzz::fail("parse_recipe throws only std::invalid_argument", "a non-standard exception");
  }
  check_round_trip(parsed, input);
  return 0;
}
