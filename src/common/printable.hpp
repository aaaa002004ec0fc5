#pragma once
// Echoed input made safe for a one-line message.

#include <string>
#include <string_view>

namespace moonpool::detail {

// `text` with control characters and bytes outside printable ASCII written
// as escapes (\n, \x1b), so that echoed input cannot break a one-line
// message or a terminal.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace moonpool::detail
