#pragma once
// A word made safe to paste into a POSIX shell, for replay commands.

#include <string>
#include <string_view>

namespace moonpool::detail {

// `word` unchanged when it holds only characters no shell treats specially
// (letters, digits and _-./:@,=+); otherwise in single quotes, each quote
// inside written as '\''.
[[nodiscard]] std::string shell_quoted(std::string_view word);

}  // namespace moonpool::detail
