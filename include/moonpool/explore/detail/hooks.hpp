#pragma once
// What the assertion table tells the explorer. Internal.

#include <cstdint>
#include <string_view>

namespace moonpool::explore::detail {

// Set while exploring: discoveries then fork. A plain flag so that the
// assertion fast path stays one load.
extern bool exploring;

// Something new was found. `mark` names it (the child seeds derive from it),
// `mark_index` picks its energy account (< mark_count), `coverage_bit` is set
// in the timeline's coverage bitmap.
void discovery(std::string_view mark, std::uint32_t mark_index, std::uint32_t coverage_bit);
// A SOMETIMES_EACH call: marks its bucket in the coverage bitmap.
void mark_coverage(std::uint32_t coverage_bit) noexcept;

inline constexpr std::uint32_t mark_count = 256 + 1024;  // assertion slots, then buckets

}  // namespace moonpool::explore::detail
