#include "byte_codec.hpp"

#include <stdexcept>

namespace moonpool::detail {

void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out += static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

void put_text(std::string& out, std::string_view text) {
  put_u64(out, text.size());
  out.append(text);
}

std::uint64_t byte_reader::u64() {
  need(8);
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(bytes_[at_ + i])} << (8 * i);
  }
  at_ += 8;
  return value;
}

std::string_view byte_reader::text() {
  const std::uint64_t size = u64();
  need(size);
  const std::string_view out = bytes_.substr(at_, size);
  at_ += size;
  return out;
}

char byte_reader::byte() {
  need(1);
  return bytes_[at_++];
}

void byte_reader::need(std::uint64_t n) const {
  if (bytes_.size() - at_ < n) {
    throw std::runtime_error("truncated");
  }
}

}  // namespace moonpool::detail
