#include "moonpool/sim/chaos/buggify.hpp"

#include <gtest/gtest.h>

using moonpool::sim::random_stream;

namespace {
bool site_a() {
  return MP_BUGGIFY();
}
bool site_b() {
  return MP_BUGGIFY_WITH_PROB(1.0);
}
}  // namespace

TEST(Buggify, OutsideASimulationNothingFiresAndNothingIsDrawn) {
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(site_a());
    EXPECT_FALSE(site_b());
    EXPECT_EQ(MP_BUGGIFY_KNOB(64, 1, 4), 64);
  }
  EXPECT_FALSE(moonpool::sim::buggify::enabled());
}

TEST(Buggify, ASiteIsActiveForAWholeIterationOrNotAtAll) {
  int active_iterations = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    random_stream random(seed);
    moonpool::sim::buggify::iteration_scope scope(random);
    int fired = 0;
    for (int i = 0; i < 100; ++i) {
      fired += site_b() ? 1 : 0;
    }
    EXPECT_TRUE(fired == 0 || fired == 100) << "probability 1 fires every time when active";
    active_iterations += fired == 100 ? 1 : 0;
  }
  EXPECT_GT(active_iterations, 70);  // about half of 200
  EXPECT_LT(active_iterations, 130);
}

TEST(Buggify, FiresAboutAQuarterOfTheTimeWhenActive) {
  int fired = 0;
  int calls = 0;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    random_stream random(seed);
    moonpool::sim::buggify::iteration_scope scope(random, /*activation=*/1.0);
    for (int i = 0; i < 100; ++i, ++calls) {
      fired += site_a() ? 1 : 0;
    }
  }
  EXPECT_NEAR(static_cast<double>(fired) / calls, 0.25, 0.03);
}

TEST(Buggify, IsDeterministicPerSeed) {
  auto pattern = [](std::uint64_t seed) {
    random_stream random(seed);
    moonpool::sim::buggify::iteration_scope scope(random, 1.0);
    std::vector<bool> out;
    for (int i = 0; i < 64; ++i) {
      out.push_back(site_a());
    }
    return out;
  };
  EXPECT_EQ(pattern(9), pattern(9));
  EXPECT_NE(pattern(9), pattern(10));
}

TEST(Buggify, KnobReturnsTheDefaultOrAValueInRange) {
  random_stream random(3);
  moonpool::sim::buggify::iteration_scope scope(random, 1.0);
  bool spiked = false;
  for (int i = 0; i < 200; ++i) {
    const double v = MP_BUGGIFY_KNOB(100.0, 1.0, 4.0);
    EXPECT_TRUE(v == 100.0 || (v >= 1.0 && v < 4.0)) << v;
    spiked |= v != 100.0;
  }
  EXPECT_TRUE(spiked);
}
