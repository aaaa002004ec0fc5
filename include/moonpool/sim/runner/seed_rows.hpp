#pragma once
// A report's seed rows, packed: a run of millions of seeds keeps every row
// (the JSON report lists them all) without its memory growing by a
// seed_result (about 300 bytes) per seed. A typical passing row takes about
// 30 bytes: varints, the seed and a 16-digit trace hash as 8 bytes each,
// and nothing for what it does not have (no error, no storage faults, no
// exploration).
//
// Reads decode: operator[], at, front and back return a seed_result by
// value, and iteration yields each row in order (an input iterator, so a
// range-for or a copy into a std::vector works; sorting needs the copy).
// Rows are appended, never edited in place (to_vector, edit, pack again).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "moonpool/sim/runner/seed_result.hpp"

namespace moonpool::sim {

class seed_rows {
 public:
  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = seed_result;
    using difference_type = std::ptrdiff_t;
    using pointer = const seed_result*;
    using reference = const seed_result&;

    const_iterator() = default;
    reference operator*() const noexcept { return row_; }
    pointer operator->() const noexcept { return &row_; }
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept {
      return a.number_ == b.number_;
    }

   private:
    friend class seed_rows;
    const_iterator(const seed_rows* rows, std::size_t number);
    void load();

    const seed_rows* rows_ = nullptr;
    std::size_t number_ = 0;  // the row this iterator is at
    std::size_t chunk_ = 0;   // where that row's bytes begin
    std::size_t offset_ = 0;
    std::size_t length_ = 0;  // and how many there are
    seed_result row_;         // the row, decoded
  };
  using value_type = seed_result;
  using size_type = std::size_t;

  seed_rows() = default;
  seed_rows(std::initializer_list<seed_result> rows);
  explicit seed_rows(const std::vector<seed_result>& rows);

  void push_back(const seed_result& row);
  // Linear in the number of rows (it re-packs them): for tests and tools.
  void pop_back();
  // Every row, unpacked: to sort or edit them, then pack them again with
  // seed_rows(rows).
  [[nodiscard]] std::vector<seed_result> to_vector() const { return {begin(), end()}; }
  void clear() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  // Row `i`, decoded: from the nearest of the marks kept every
  // mark_interval rows, so at most that many rows are decoded.
  [[nodiscard]] seed_result operator[](std::size_t i) const;
  // As operator[], but throws std::out_of_range past the end.
  [[nodiscard]] seed_result at(std::size_t i) const;
  [[nodiscard]] seed_result front() const { return at(0); }
  [[nodiscard]] seed_result back() const { return at(size_ - 1); }
  [[nodiscard]] const_iterator begin() const { return const_iterator(this, 0); }
  [[nodiscard]] const_iterator end() const { return const_iterator(this, size_); }
  // Bytes held for the rows (capacity included): what a test of
  // compactness reads.
  [[nodiscard]] std::size_t bytes_held() const noexcept;

  // The same rows in the same order.
  friend bool operator==(const seed_rows& a, const seed_rows& b) noexcept {
    return a.size_ == b.size_ && a.chunks_ == b.chunks_;
  }

  static constexpr std::size_t mark_interval = 64;
  static constexpr std::size_t chunk_bytes = 64 * 1024;

 private:
  struct place {
    std::size_t chunk = 0;
    std::size_t offset = 0;
  };

  // Rows never straddle chunks, so one decodes from one string_view.
  // Vectors, not strings: their capacity is what reserve asks for, where a
  // string's doubles past it.
  std::vector<std::vector<char>> chunks_;
  std::vector<place> marks_;  // where rows 0, 64, 128, ... begin
  std::size_t size_ = 0;
  std::uint64_t last_index_ = 0;  // the last row's index: the next may be "one more"
};

}  // namespace moonpool::sim
