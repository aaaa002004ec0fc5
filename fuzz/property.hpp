#pragma once
// How a fuzz target says that a property does not hold: one line on stderr
// naming the property and the evidence, then abort(). libFuzzer and our
// standalone driver (driver.cpp) both catch the abort and save the input.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace moonpool::fuzz {

// `text` with every byte outside printable ASCII written as an escape, so
// that the evidence printed for a failure is one readable line.
inline std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\\') {
      out += "\\\\";
    } else if (byte < 0x20 || byte >= 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

[[noreturn]] inline void fail(std::string_view property, std::string_view evidence) {
  const std::string line =
      "fuzz property violated: " + std::string(property) + ": " + escaped(evidence) + "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

inline void expect(bool holds, std::string_view property, std::string_view evidence = {}) {
  if (!holds) {
    fail(property, evidence);
  }
}

// A message promised to be one line: not empty, no line break.
inline void expect_one_line(std::string_view message, std::string_view whose) {
  if (message.empty() || message.find('\n') != std::string_view::npos) {
    fail(std::string(whose) + " is one non-empty line", message);
  }
}

// A message promised to be one printable line: not empty, printable ASCII
// only (no control characters, no bytes that a terminal would interpret).
inline void expect_printable_line(std::string_view message, std::string_view whose) {
  bool printable = !message.empty();
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    printable = printable && byte >= 0x20 && byte < 0x7f;
  }
  if (!printable) {
    fail(std::string(whose) + " is one non-empty printable line", message);
  }
}

}  // namespace moonpool::fuzz
