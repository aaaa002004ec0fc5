#pragma once
// Little-endian u64s and length-prefixed texts: what child processes send
// their parents (seed results, exploration summaries) is built from these.

#include <cstdint>
#include <string>
#include <string_view>

namespace moonpool::detail {

void put_u64(std::string& out, std::uint64_t value);
void put_text(std::string& out, std::string_view text);

// Reads back what put_u64 and put_text wrote; throws std::runtime_error
// ("truncated") when the bytes end early.
class byte_reader {
 public:
  explicit byte_reader(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] bool more() const { return at_ < bytes_.size(); }
  std::uint64_t u64();
  std::string_view text();
  char byte();

 private:
  void need(std::uint64_t n) const;
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace moonpool::detail
