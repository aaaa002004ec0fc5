#include "decimal.hpp"

#include <charconv>

namespace moonpool::detail {

std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) noexcept {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace moonpool::detail
