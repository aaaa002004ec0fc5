#include "moonpool/explore/recipe.hpp"

#include <stdexcept>

#include "../common/decimal.hpp"
#include "../common/printable.hpp"

namespace moonpool::explore {
namespace {

constexpr std::string_view form = "ROOT:COUNT@SEED,COUNT@SEED,... (e.g. 42:1033@998877,17@5566)";

[[noreturn]] void reject(std::string_view text, const std::string& why) {
  // The input may hold anything (it is echoed): keep the message one line.
  throw std::invalid_argument(moonpool::detail::printable(
      "bad recipe '" + std::string(text) + "': " + why + "; expected " + std::string(form)));
}

std::uint64_t number(std::string_view whole, std::string_view part, const char* what) {
  const std::optional<std::uint64_t> value = moonpool::detail::parse_decimal_u64(part);
  if (!value) {
    reject(whole, std::string(what) + " '" + std::string(part) + "' is not a whole number");
  }
  return *value;
}

}  // namespace

std::string format_recipe(const recipe& r) {
  std::string text = std::to_string(r.root_seed);
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    text += (i == 0 ? ":" : ",") + std::to_string(r.steps[i].count) + "@" +
            std::to_string(r.steps[i].seed);
  }
  return text;
}

recipe parse_recipe(std::string_view text) {
  recipe r;
  const auto colon = text.find(':');
  r.root_seed = number(text, text.substr(0, colon), "the root seed");
  if (colon == std::string_view::npos) {
    return r;
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) {
    reject(text, "no steps after ':'");
  }
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view step = rest.substr(0, comma);
    const auto at = step.find('@');
    if (at == std::string_view::npos) {
      reject(text, "step '" + std::string(step) + "' has no '@'");
    }
    r.steps.push_back(
        {number(text, step.substr(0, at), "a count"), number(text, step.substr(at + 1), "a seed")});
    if (comma == std::string_view::npos) {
      break;
    }
    rest = rest.substr(comma + 1);
    if (rest.empty()) {
      reject(text, "a trailing ','");
    }
  }
  return r;
}

}  // namespace moonpool::explore
