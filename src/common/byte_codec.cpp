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

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void put_short_text(std::string& out, std::string_view text) {
  put_varint(out, text.size());
  out.append(text);
}

std::uint64_t byte_reader::varint() {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const auto b = static_cast<unsigned char>(byte());
    value |= std::uint64_t{b & 0x7FU} << shift;
    if ((b & 0x80U) == 0) {
      return value;
    }
  }
  throw std::runtime_error("varint too long");
}

std::string_view byte_reader::short_text() {
  return take(varint());
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
  return take(u64());
}

std::string_view byte_reader::take(std::uint64_t size) {
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
