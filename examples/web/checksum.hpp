#pragma once
// End-to-end checksums of requests and responses (FNV-1a, 64 bits, hex).
//
// TCP's own checksum lets a flipped bit through now and then, and the
// simulated network flips bits on purpose. A response always carries
// X-Checksum over its status, Location and body, so a client can tell a
// damaged answer from a true one. A request may carry X-Checksum over its
// method, target and body; the service refuses a request whose checksum does
// not match, before it routes it (a flipped digit in /items/12 must not
// update item 13), and can be told to refuse requests without one.

#include <cstdint>
#include <string>
#include <string_view>

namespace web {

inline constexpr std::string_view checksum_field = "X-Checksum";

class fnv1a {
 public:
  fnv1a& add(std::string_view bytes) noexcept {
    for (const char c : bytes) {
      state_ = (state_ ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    }
    return *this;
  }
  [[nodiscard]] std::uint64_t value() const noexcept { return state_; }
  [[nodiscard]] std::string hex() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text(16, '0');
    std::uint64_t v = state_;
    for (int i = 15; i >= 0; --i) {
      text[static_cast<std::size_t>(i)] = digits[v & 0xF];
      v >>= 4;
    }
    return text;
  }

 private:
  std::uint64_t state_ = 0xCBF29CE484222325ULL;
};

// Separators keep ("GET", "/a") and ("GE", "T/a") apart.
inline std::string request_checksum(std::string_view method, std::string_view target,
                                    std::string_view body) {
  return fnv1a{}.add(method).add("\n").add(target).add("\n").add(body).hex();
}

inline std::string response_checksum(unsigned status, std::string_view location,
                                     std::string_view body) {
  return fnv1a{}.add(std::to_string(status)).add("\n").add(location).add("\n").add(body).hex();
}

}  // namespace web
