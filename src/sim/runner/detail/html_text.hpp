#pragma once
// Text from a run (assertion names, errors, program paths, recipes) placed
// in an HTML page. A simulation may print anything, so nothing it prints may
// open a tag, close an attribute or smuggle bytes a browser would guess at.

#include <cstdint>
#include <string>
#include <string_view>

namespace moonpool::sim::detail {

// `text` as HTML text or attribute value: & < > " ' as entities, control
// characters (but tab and newline) and bytes that are not UTF-8 as visible
// \xNN, valid UTF-8 kept as it is.
[[nodiscard]] std::string html_escape(std::string_view text);

// 14273 -> "14,273": counts a reader compares at a glance.
[[nodiscard]] std::string grouped_count(std::uint64_t value);

// A duration in the unit that reads best: 850 ns, 12.5 µs, 3.2 ms, 865.75 s,
// 14.2 h.
[[nodiscard]] std::string readable_duration(double seconds);

}  // namespace moonpool::sim::detail
