#pragma once
// A whole buffer written to a file descriptor (a pipe to a parent process).

#include <string_view>

namespace moonpool::detail {

// Writes every byte unless the descriptor fails; retries after a signal.
// Async-signal-safe: dying processes report through it.
void write_all(int fd, std::string_view bytes) noexcept;

}  // namespace moonpool::detail
