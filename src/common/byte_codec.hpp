#pragma once
// Little-endian u64s, varints and length-prefixed texts: what child
// processes send their parents (seed results, exploration summaries) and
// the report's compact seed rows (seed_rows.cpp) are built from these.

#include <cstdint>
#include <string>
#include <string_view>

namespace moonpool::detail {

void put_u64(std::string& out, std::uint64_t value);
void put_text(std::string& out, std::string_view text);
// Seven bits a byte, low first (LEB128): small counts take one byte.
void put_varint(std::string& out, std::uint64_t value);
// A varint length, then the bytes.
void put_short_text(std::string& out, std::string_view text);

// Reads back what put_u64 and put_text wrote; throws std::runtime_error
// ("truncated") when the bytes end early.
class byte_reader {
 public:
  explicit byte_reader(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] bool more() const { return at_ < bytes_.size(); }
  std::uint64_t u64();
  std::string_view text();
  std::uint64_t varint();
  std::string_view short_text();
  char byte();
  [[nodiscard]] std::size_t position() const noexcept { return at_; }

 private:
  void need(std::uint64_t n) const;
  std::string_view take(std::uint64_t size);
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace moonpool::detail
