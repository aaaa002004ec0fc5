#include "moonpool/explore/recipe.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "moonpool/sim/random.hpp"

using moonpool::explore::format_recipe;
using moonpool::explore::parse_recipe;
using moonpool::explore::recipe;

TEST(Recipe, FormatAndParseRoundTrip) {
  const recipe r{42, {{1033, 998877}, {17, 5566}, {0, 18446744073709551615ULL}}};
  const std::string text = format_recipe(r);
  EXPECT_EQ(text, "42:1033@998877,17@5566,0@18446744073709551615");
  EXPECT_EQ(parse_recipe(text), r);
  EXPECT_EQ(parse_recipe("7"), (recipe{7, {}}));
  EXPECT_EQ(format_recipe(recipe{7, {}}), "7");
}

TEST(Recipe, BadInputIsRejectedWithAClearMessage) {
  for (const char* bad : {"", "x", "42:", "42:10", "42:10@", "42:@5", "42:1@2,", "42:1@2,3",
                          "-1:1@2", "42:1@2x", "42;1@2"}) {
    try {
      (void)parse_recipe(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("bad recipe"), std::string::npos) << message;
      EXPECT_NE(message.find("expected ROOT:COUNT@SEED"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
    }
  }
}

TEST(Recipe, BreakpointsReseedTheStreamAtTheRecordedCounts) {
  // What a forked child does: after 3 draws of the root stream, continue
  // with seed 100; after 2 more, continue with seed 200.
  moonpool::sim::random_stream root(42);
  std::vector<std::uint64_t> expected;
  for (int i = 0; i < 3; ++i) {
    expected.push_back(root.next_u64());
  }
  moonpool::sim::random_stream child_a(100);
  for (int i = 0; i < 2; ++i) {
    expected.push_back(child_a.next_u64());
  }
  moonpool::sim::random_stream child_b(200);
  for (int i = 0; i < 4; ++i) {
    expected.push_back(child_b.next_u64());
  }

  // The replay: the root seed with the recipe's steps as breakpoints.
  const recipe r = parse_recipe("42:3@100,2@200");
  moonpool::sim::random_stream replay(r.root_seed);
  for (const auto& step : r.steps) {
    replay.add_breakpoint(step.count, step.seed);
  }
  std::vector<std::uint64_t> replayed;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    replayed.push_back(replay.next_u64());
  }
  EXPECT_EQ(replayed, expected);
  EXPECT_EQ(replay.call_count(), 4u) << "counting restarts at each breakpoint";
}

TEST(Recipe, AStepWithCountZeroFollowsThePreviousStepAtOnce) {
  // A child that forks again before its first draw: "3@100,0@200" means
  // the fourth draw already comes from seed 200.
  moonpool::sim::random_stream root(42);
  std::vector<std::uint64_t> expected;
  for (int i = 0; i < 3; ++i) {
    expected.push_back(root.next_u64());
  }
  moonpool::sim::random_stream grandchild(200);
  expected.push_back(grandchild.next_u64());

  moonpool::sim::random_stream replay(42);
  replay.add_breakpoint(3, 100);
  replay.add_breakpoint(0, 200);
  std::vector<std::uint64_t> replayed;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    replayed.push_back(replay.next_u64());
  }
  EXPECT_EQ(replayed, expected);
}
