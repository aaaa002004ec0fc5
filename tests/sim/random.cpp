#include "moonpool/sim/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

using moonpool::sim::random_stream;
using moonpool::sim::random_streams;

// Known answers: if any of these change, every recorded failing seed in the
// world would replay differently. Change them only on purpose.
TEST(Random, KnownAnswersForSeedZero) {
  random_stream r(0);
  const std::array<std::uint64_t, 4> expected = {0x99EC5F36CB75F2B4ULL, 0xBF6E1F784956452AULL,
                                                 0x1A5F849D4933E6E0ULL, 0x6AA594F1262D2D2CULL};
  for (std::uint64_t v : expected) {
    EXPECT_EQ(r.next_u64(), v);
  }
  EXPECT_EQ(r.call_count(), 4u);
}

TEST(Random, KnownAnswersForSeed42) {
  random_stream r(42);
  const std::array<std::uint64_t, 4> expected = {0x15780B2E0C2EC716ULL, 0x6104D9866D113A7EULL,
                                                 0xAE17533239E499A1ULL, 0xECB8AD4703B360A1ULL};
  for (std::uint64_t v : expected) {
    EXPECT_EQ(r.next_u64(), v);
  }
}

TEST(Random, KnownAnswersForRangeReduction) {
  random_stream r(7);
  std::array<std::uint64_t, 8> got{};
  for (auto& v : got) {
    v = r.below(10);
  }
  const std::array<std::uint64_t, 8> expected = {7, 2, 8, 9, 9, 8, 0, 1};
  EXPECT_EQ(got, expected);
}

TEST(Random, StreamsAreSeededApart) {
  random_streams s(1);
  EXPECT_NE(s.simulation.next_u64(), s.scheduling.next_u64());
  EXPECT_NE(s.scheduling.next_u64(), s.configuration.next_u64());
  EXPECT_EQ(s.scheduling.seed(), 1 ^ random_streams::scheduling_salt);
}

TEST(Random, BelowStaysInRangeAndCoversIt) {
  random_stream r(3);
  std::array<int, 7> hits{};
  for (int i = 0; i < 7000; ++i) {
    const auto v = r.below(7);
    ASSERT_LT(v, 7u);
    ++hits[v];
  }
  for (int h : hits) {
    EXPECT_GT(h, 800);
    EXPECT_LT(h, 1200);
  }
}

TEST(Random, EmptyRangesCostNoDraw) {
  random_stream r(4);
  EXPECT_EQ(r.below(0), 0u);
  EXPECT_EQ(r.between(5, 5), 5u);
  EXPECT_EQ(r.between(9, 3), 9u);
  EXPECT_FALSE(r.chance(0.0));
  EXPECT_TRUE(r.chance(1.0));
  EXPECT_EQ(r.call_count(), 0u);
}

TEST(Random, UnitIsInHalfOpenInterval) {
  random_stream r(5);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double u = r.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
}

TEST(Random, ReseedKeepsTheCallCount) {
  random_stream r(6);
  r.next_u64();
  r.next_u64();
  r.reseed(6);
  EXPECT_EQ(r.call_count(), 2u);
  random_stream fresh(6);
  EXPECT_EQ(r.next_u64(), fresh.next_u64());
}
