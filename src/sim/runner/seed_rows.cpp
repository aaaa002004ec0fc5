#include "moonpool/sim/runner/seed_rows.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "../../common/byte_codec.hpp"

namespace moonpool::sim {
namespace {

using moonpool::detail::byte_reader;
using moonpool::detail::put_short_text;
using moonpool::detail::put_u64;
using moonpool::detail::put_varint;

// What a row holds beyond the fields every row has (seed, events, times).
enum row_flag : std::uint8_t {
  row_ok = 0x01,
  row_next_index = 0x02,   // index = the previous row's + 1 (not written)
  row_packed_hash = 0x04,  // 16 lowercase hex digits, written as 8 bytes
  row_error = 0x08,
  row_recipe_steps = 0x10,
  row_storage_faults = 0x20,
  row_exploration = 0x40,
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

// The trace hash as a number when it is the usual 16 lowercase hex digits
// (trace_digest's form), so that it packs into 8 bytes and unpacks exactly.
std::optional<std::uint64_t> packed_hash(std::string_view hash) {
  if (hash.size() != 16) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : hash) {
    const int digit = hex_digit(c);
    if (digit < 0) {
      return std::nullopt;
    }
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

std::string unpacked_hash(std::uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hash(16, '0');
  for (int i = 15; i >= 0; --i) {
    hash[static_cast<std::size_t>(i)] = digits[value & 0xF];
    value >>= 4;
  }
  return hash;
}

std::uint64_t nanoseconds_bits(std::chrono::nanoseconds t) {
  return static_cast<std::uint64_t>(t.count());
}

std::chrono::nanoseconds nanoseconds_of(std::uint64_t bits) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(bits));
}

void encode(std::string& out, const seed_result& row, bool index_follows) {
  const std::optional<std::uint64_t> hash = packed_hash(row.trace_hash);
  std::uint64_t fault_mask = 0;
  for (std::size_t i = 0; i < storage_fault_count_fields.size(); ++i) {
    if (row.storage_faults.*storage_fault_count_fields[i].member != 0) {
      fault_mask |= std::uint64_t{1} << i;
    }
  }
  std::uint8_t flags = 0;
  flags |= row.ok ? row_ok : 0;
  flags |= index_follows ? row_next_index : 0;
  flags |= hash ? row_packed_hash : 0;
  flags |= row.error.empty() ? 0 : row_error;
  flags |= row.recipe_steps_applied ? row_recipe_steps : 0;
  flags |= fault_mask != 0 ? row_storage_faults : 0;
  flags |= row.exploration ? row_exploration : 0;
  out += static_cast<char>(flags);
  put_u64(out, row.seed);
  if (!index_follows) {
    put_varint(out, row.index);
  }
  put_varint(out, row.events);
  put_varint(out, nanoseconds_bits(row.sim_time));
  put_varint(out, nanoseconds_bits(row.wall));
  if (hash) {
    put_u64(out, *hash);
  } else {
    put_short_text(out, row.trace_hash);
  }
  if (!row.error.empty()) {
    put_short_text(out, row.error);
  }
  if (row.recipe_steps_applied) {
    put_varint(out, *row.recipe_steps_applied);
  }
  if (fault_mask != 0) {
    put_varint(out, fault_mask);
    for (std::size_t i = 0; i < storage_fault_count_fields.size(); ++i) {
      if ((fault_mask >> i & 1) != 0) {
        put_varint(out, row.storage_faults.*storage_fault_count_fields[i].member);
      }
    }
  }
  if (row.exploration) {
    const root_exploration& e = *row.exploration;
    put_varint(out, e.timelines);
    put_varint(out, e.fork_points);
    put_varint(out, e.bugs);
    put_varint(out, e.energy_left);
    put_varint(out, e.max_depth_reached);
    put_short_text(out, e.branching);
    put_varint(out, e.recipes);
  }
}

// Decodes the row at the start of `bytes` into `row`; returns its length.
std::size_t decode(std::string_view bytes, std::uint64_t previous_index, seed_result& row) {
  byte_reader in(bytes);
  const auto flags = static_cast<std::uint8_t>(in.byte());
  row = seed_result{};
  row.ok = (flags & row_ok) != 0;
  row.seed = in.u64();
  row.index = (flags & row_next_index) != 0 ? previous_index + 1 : in.varint();
  row.events = in.varint();
  row.sim_time = nanoseconds_of(in.varint());
  row.wall = nanoseconds_of(in.varint());
  row.trace_hash =
      (flags & row_packed_hash) != 0 ? unpacked_hash(in.u64()) : std::string(in.short_text());
  if ((flags & row_error) != 0) {
    row.error = std::string(in.short_text());
  }
  if ((flags & row_recipe_steps) != 0) {
    row.recipe_steps_applied = static_cast<std::size_t>(in.varint());
  }
  if ((flags & row_storage_faults) != 0) {
    const std::uint64_t mask = in.varint();
    for (std::size_t i = 0; i < storage_fault_count_fields.size(); ++i) {
      if ((mask >> i & 1) != 0) {
        row.storage_faults.*storage_fault_count_fields[i].member = in.varint();
      }
    }
  }
  if ((flags & row_exploration) != 0) {
    root_exploration e;
    e.timelines = in.varint();
    e.fork_points = in.varint();
    e.bugs = in.varint();
    e.energy_left = in.varint();
    e.max_depth_reached = static_cast<std::uint32_t>(in.varint());
    e.branching = std::string(in.short_text());
    e.recipes = in.varint();
    row.exploration = std::move(e);
  }
  return in.position();
}

}  // namespace

seed_rows::seed_rows(std::initializer_list<seed_result> rows) {
  for (const seed_result& row : rows) {
    push_back(row);
  }
}

seed_rows::seed_rows(const std::vector<seed_result>& rows) {
  for (const seed_result& row : rows) {
    push_back(row);
  }
}

void seed_rows::push_back(const seed_result& row) {
  // A mark's row carries its index, so that decoding can start there.
  const bool marked = size_ % mark_interval == 0;
  std::string bytes;
  encode(bytes, row, !marked && row.index == last_index_ + 1);
  if (chunks_.empty() ||
      (!chunks_.back().empty() && chunks_.back().size() + bytes.size() > chunk_bytes)) {
    chunks_.emplace_back();
  }
  std::vector<char>& chunk = chunks_.back();
  if (marked) {
    marks_.push_back(place{chunks_.size() - 1, chunk.size()});
  }
  if (chunk.size() + bytes.size() > chunk.capacity()) {
    // Doubling up to a chunk: a short report stays small, a long one
    // wastes at most its last chunk's slack.
    chunk.reserve(
        std::max(chunk.size() + bytes.size(), std::min(2 * chunk.capacity(), chunk_bytes)));
  }
  chunk.insert(chunk.end(), bytes.begin(), bytes.end());
  last_index_ = row.index;
  ++size_;
}

void seed_rows::pop_back() {
  std::vector<seed_result> rows = to_vector();
  rows.pop_back();
  *this = seed_rows(rows);
}

void seed_rows::clear() noexcept {
  chunks_.clear();
  marks_.clear();
  size_ = 0;
  last_index_ = 0;
}

seed_result seed_rows::operator[](std::size_t i) const {
  return *const_iterator(this, i);
}

seed_result seed_rows::at(std::size_t i) const {
  if (i >= size_) {
    throw std::out_of_range("seed_rows::at: row " + std::to_string(i) + " of " +
                            std::to_string(size_));
  }
  return (*this)[i];
}

std::size_t seed_rows::bytes_held() const noexcept {
  std::size_t bytes =
      marks_.capacity() * sizeof(place) + chunks_.capacity() * sizeof(std::vector<char>);
  for (const std::vector<char>& chunk : chunks_) {
    bytes += chunk.capacity();
  }
  return bytes;
}

seed_rows::const_iterator::const_iterator(const seed_rows* rows, std::size_t number)
    : rows_(rows), number_(number) {
  if (number_ >= rows_->size_) {
    number_ = rows_->size_;
    return;
  }
  const std::size_t mark = number_ / mark_interval;
  chunk_ = rows_->marks_[mark].chunk;
  offset_ = rows_->marks_[mark].offset;
  number_ = mark * mark_interval;
  load();
  while (number_ < number) {
    ++*this;
  }
}

void seed_rows::const_iterator::load() {
  const std::vector<char>& chunk = rows_->chunks_[chunk_];
  length_ =
      decode(std::string_view(chunk.data() + offset_, chunk.size() - offset_), row_.index, row_);
}

seed_rows::const_iterator& seed_rows::const_iterator::operator++() {
  ++number_;
  offset_ += length_;
  if (number_ >= rows_->size_) {
    return *this;
  }
  if (offset_ == rows_->chunks_[chunk_].size()) {
    ++chunk_;
    offset_ = 0;
  }
  load();
  return *this;
}

}  // namespace moonpool::sim
