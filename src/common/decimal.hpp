#pragma once
// Strict reading of the whole numbers people paste: seeds, counts, steps.

#include <cstdint>
#include <optional>
#include <string_view>

namespace moonpool::detail {

// `text` as a number when it is nothing but decimal digits (no sign, no
// spaces, no hexadecimal) and fits in 64 bits; nullopt otherwise.
[[nodiscard]] std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) noexcept;

}  // namespace moonpool::detail
