// The report's packed seed rows: every field comes back exactly, random
// access works across marks and chunks, and a typical row stays small.

#include "moonpool/sim/runner/seed_rows.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using moonpool::sim::root_exploration;
using moonpool::sim::seed_result;
using moonpool::sim::seed_rows;

namespace {

// A passing seed as the runner records it: the run's index-th.
seed_result typical(std::uint64_t index) {
  seed_result row;
  row.seed = 0x9E3779B97F4A7C15ULL * (index + 1);
  row.index = index;
  row.events = 20'000 + index % 977;
  row.sim_time = std::chrono::nanoseconds(35'000'000'000LL + static_cast<long long>(index));
  row.wall = std::chrono::nanoseconds(900'000 + static_cast<long long>(index % 5000));
  static constexpr char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    row.trace_hash += digits[(row.seed >> (4 * i)) & 0xF];
  }
  return row;
}

// Rows that use every optional part and every unusual value.
std::vector<seed_result> unusual_rows() {
  std::vector<seed_result> rows;
  seed_result failed = typical(0);
  failed.ok = false;
  failed.error = "invariant 'acked writes survive' failed: key 7 lost";
  rows.push_back(failed);
  seed_result odd_hash = typical(1);
  odd_hash.trace_hash = "NOT-A-HEX-HASH";  // a hand-made report's; kept as text
  rows.push_back(odd_hash);
  seed_result empty_hash = typical(9);  // an index that does not follow
  empty_hash.trace_hash.clear();
  rows.push_back(empty_hash);
  seed_result replayed = typical(10);
  replayed.recipe_steps_applied = 0;
  rows.push_back(replayed);
  seed_result faulty = typical(11);
  faulty.storage_faults.torn_writes = 3;
  faulty.storage_faults.crash_kept_writes = 1ULL << 40;
  rows.push_back(faulty);
  seed_result explored = typical(12);
  explored.exploration = root_exploration{17, 5, 2, 0, 4, "reexecute", 2};
  rows.push_back(explored);
  seed_result extremes = typical(5);  // an index that goes back
  extremes.seed = ~0ULL;
  extremes.events = ~0ULL;
  extremes.sim_time = std::chrono::nanoseconds(0);
  extremes.wall = std::chrono::nanoseconds(std::numeric_limits<std::int64_t>::max());
  extremes.error = std::string(200'000, 'x');  // longer than a chunk
  extremes.ok = false;
  rows.push_back(extremes);
  return rows;
}

}  // namespace

TEST(SeedRows, EveryFieldComesBackExactly) {
  const std::vector<seed_result> rows = unusual_rows();
  const seed_rows packed(rows);
  ASSERT_EQ(packed.size(), rows.size());
  EXPECT_EQ(packed.to_vector(), rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(packed[i], rows[i]) << i;
  }
  EXPECT_EQ(packed.front(), rows.front());
  EXPECT_EQ(packed.back(), rows.back());
}

TEST(SeedRows, RandomAccessWorksAcrossMarksAndChunks) {
  seed_rows packed;
  std::vector<seed_result> rows;
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    seed_result row = typical(i);
    if (i % 1000 == 999) {
      row.ok = false;
      row.error = std::string(70'000, 'e');  // a row that needs a chunk of its own
    }
    rows.push_back(row);
    packed.push_back(row);
  }
  ASSERT_EQ(packed.size(), rows.size());
  for (const std::size_t i : {0UL, 1UL, 63UL, 64UL, 65UL, 998UL, 999UL, 1000UL, 4095UL, 9999UL}) {
    EXPECT_EQ(packed[i], rows[i]) << i;
  }
  std::size_t i = 0;
  for (const seed_result& row : packed) {
    ASSERT_EQ(row, rows[i]) << i;
    ++i;
  }
  EXPECT_EQ(i, rows.size());
  EXPECT_THROW((void)packed.at(rows.size()), std::out_of_range);
}

TEST(SeedRows, ATypicalPassingRowTakesAboutThirtyBytes) {
  seed_rows packed;
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    packed.push_back(typical(i));
  }
  // seed and hash 8 bytes each, flags 1, events 3, times 5 + 3: 28 bytes,
  // plus the last chunk's slack and the marks.
  EXPECT_LT(packed.bytes_held(), 10'000U * 36) << packed.bytes_held();
  EXPECT_GT(packed.bytes_held(), 10'000U * 20) << "smaller than its fields: not all kept?";
}

TEST(SeedRows, EqualityPopAndClear) {
  const std::vector<seed_result> rows = unusual_rows();
  seed_rows a(rows);
  const seed_rows b(rows);
  EXPECT_EQ(a, b);
  a.pop_back();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), rows.size() - 1);
  EXPECT_EQ(a.back(), rows[rows.size() - 2]);
  a.push_back(rows.back());
  EXPECT_EQ(a, b);
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.begin(), a.end());
  EXPECT_EQ(a, seed_rows{});
}
