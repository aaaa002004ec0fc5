#include "edge_coverage.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <cstring>

// The hooks the compiler's -fsanitize-coverage instrumentation calls. This
// file itself is never instrumented (only the user's code is, see the
// MOONPOOL_SANCOV option), so the hooks do not count themselves.

namespace moonpool::explore::detail::edges {
namespace {

// clang's inline 8-bit counters: one range per instrumented module, handed
// over before main() runs.
struct counter_range {
  std::uint8_t* begin;
  std::uint8_t* end;
};
constexpr std::size_t max_ranges = 16;
counter_range ranges[max_ranges];
std::size_t range_count = 0;

// gcc's trace-pc: a callback per edge with no counter of its own; the
// caller's offset in the executable (stable across runs, unlike its
// address) is hashed into this table.
constexpr std::size_t hashed_edges = 1 << 16;
std::uint8_t hashed_counters[hashed_edges];
// Set by the hook, read elsewhere: a plain bool touched through compiler
// builtins, because the hook must not call inline library functions
// (std::atomic's members). An unoptimised build may link the copy of such a
// function that an instrumented file emitted, which calls the hook again.
bool hashed_in_use = false;

// The history of every timeline: the highest AFL bucket each edge reached.
// Shared with forked children; mapped before the first fork.
std::atomic<std::uint8_t>* history = nullptr;
std::size_t history_size = 0;

// clang's ranges when there are any, else the hashed table (whose size is
// fixed, so the shared history can be mapped before gcc-instrumented code
// first runs).
std::size_t edge_total() {
  if (range_count == 0) {
    return hashed_edges;
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < range_count; ++i) {
    total += static_cast<std::size_t>(ranges[i].end - ranges[i].begin);
  }
  return total;
}

// AFL's hit-count classes: exact for 0-3, then powers of two.
std::uint8_t bucket_of(std::uint8_t hits) {
  if (hits <= 2)
    return hits;
  if (hits == 3)
    return 4;
  if (hits <= 7)
    return 8;
  if (hits <= 15)
    return 16;
  if (hits <= 31)
    return 32;
  if (hits <= 127)
    return 64;
  return 128;
}

void ensure_history() {
  const std::size_t size = edge_total();
  if (history != nullptr || size == 0) {
    return;
  }
  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    return;  // no edge signal; the assertion signal still works
  }
  history = static_cast<std::atomic<std::uint8_t>*>(memory);
  history_size = size;
}

template <class Visit>
void for_each_counter(Visit&& visit) {
  if (range_count == 0) {
    for (std::size_t i = 0; i < hashed_edges; ++i) {
      visit(i, hashed_counters[i]);
    }
    return;
  }
  std::size_t index = 0;
  for (std::size_t r = 0; r < range_count; ++r) {
    for (std::uint8_t* c = ranges[r].begin; c != ranges[r].end; ++c) {
      visit(index++, *c);
    }
  }
}

}  // namespace

bool instrumented() noexcept {
  return range_count > 0 || __atomic_load_n(&hashed_in_use, __ATOMIC_RELAXED);
}

void zero_counters() noexcept {
  if (!instrumented()) {
    return;  // untouched counters: zeroing them would only fault pages in
  }
  for_each_counter([](std::size_t, std::uint8_t& c) { c = 0; });
}

bool fold_into_history() noexcept {
  ensure_history();
  if (history == nullptr || !instrumented()) {
    return false;
  }
  bool fresh = false;
  for_each_counter([&fresh](std::size_t i, std::uint8_t& c) {
    if (c == 0 || i >= history_size) {
      return;
    }
    const std::uint8_t mine = bucket_of(c);
    std::uint8_t seen = history[i].load(std::memory_order_relaxed);
    while (seen < mine) {
      if (history[i].compare_exchange_weak(seen, mine)) {
        fresh = true;
        break;
      }
    }
  });
  return fresh;
}

std::size_t covered() noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < history_size; ++i) {
    n += history[i].load(std::memory_order_relaxed) != 0 ? 1 : 0;
  }
  return n;
}

void reset_history() noexcept {
  ensure_history();
  for (std::size_t i = 0; i < history_size; ++i) {
    history[i].store(0, std::memory_order_relaxed);
  }
}

}  // namespace moonpool::explore::detail::edges

extern "C" {

extern char __executable_start;  // provided by the GNU linkers

void __sanitizer_cov_8bit_counters_init(std::uint8_t* begin, std::uint8_t* end) {
  using namespace moonpool::explore::detail::edges;
  if (begin == end || range_count == max_ranges) {
    return;
  }
  for (std::size_t i = 0; i < range_count; ++i) {
    if (ranges[i].begin == begin) {
      return;  // a module may register twice
    }
  }
  ranges[range_count++] = {begin, end};
}

// clang also asks for a PC table with some flag sets; we do not need it.
void __sanitizer_cov_pcs_init(const std::uintptr_t*, const std::uintptr_t*) {}

void __sanitizer_cov_trace_pc() {
  using namespace moonpool::explore::detail::edges;
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  const auto offset =
      static_cast<std::uint64_t>(pc - reinterpret_cast<std::uintptr_t>(&__executable_start));
  const std::uint64_t h = (offset * 0x9E3779B97F4A7C15ULL) >> 48;  // 16 bits
  std::uint8_t& c = hashed_counters[h];
  c = static_cast<std::uint8_t>(c + (c != 255 ? 1 : 0));
  __atomic_store_n(&hashed_in_use, true, __ATOMIC_RELAXED);
}

}  // extern "C"
