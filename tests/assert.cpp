// Assertion accounting: statuses, compound assertions, and counts that
// forked processes report into one table.

#include "moonpool/assert.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "moonpool/sim/runner/report.hpp"

namespace assertions = moonpool::assertions;

namespace {

// The row named `name`; a missing row is a test failure, not a crash.
const moonpool::sim::assertion_row* row(const std::vector<moonpool::sim::assertion_row>& rows,
                                        const std::string& name) {
  for (const auto& r : rows) {
    if (r.name == name) {
      return &r;
    }
  }
  ADD_FAILURE() << "no assertion row named '" << name << "'";
  static const moonpool::sim::assertion_row missing{};
  return &missing;
}

// Runs `body` in `children` forked processes, `parallel` at a time at most
// (all at once when true), and waits for them; every child must exit 0.
template <class Body>
void in_children(int children, bool parallel, Body body) {
  std::vector<pid_t> running;
  for (int i = 0; i < children; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      body(i);
      _exit(0);
    }
    running.push_back(pid);
    if (!parallel) {
      int status = 0;
      waitpid(pid, &status, 0);
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      running.clear();
    }
  }
  for (pid_t pid : running) {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

}  // namespace

TEST(Assertions, OutsideASimulationNothingIsRecordedNorEvaluated) {
  assertions::reset_table();
  int evaluated = 0;
  MP_ALWAYS(++evaluated > 0, "not evaluated");
  MP_SOMETIMES_EACH("not recorded", {{"k", ++evaluated}});
  EXPECT_EQ(evaluated, 0);
  // The sites are known (registered before main) but nothing was counted.
  const auto rows = assertions::table();
  ASSERT_NE(row(rows, "not evaluated"), nullptr);
  EXPECT_FALSE(row(rows, "not evaluated")->reached);
  EXPECT_EQ(row(rows, "not evaluated")->pass + row(rows, "not evaluated")->fail, 0u);
  EXPECT_EQ(row(rows, "not recorded")->pass, 0u);
}

TEST(Assertions, SitesThatNeverRanAreListed) {
  assertions::reset_table();
  {
    assertions::iteration_scope scope;
    if (assertions::iteration_violations() > 100) {  // never true
      MP_ALWAYS(true, "an always that never runs");
      MP_ALWAYS_OR_UNREACHABLE(true, "an always-or-unreachable that never runs");
      MP_UNREACHABLE("an unreachable that never runs");
      MP_SOMETIMES(true, "a sometimes that never runs");
      MP_ALWAYS_LE(1, 2, "a numeric always that never runs");
    }
  }
  const auto rows = assertions::table();
  EXPECT_EQ(row(rows, "an always that never runs")->status, "miss");
  EXPECT_FALSE(row(rows, "an always that never runs")->reached);
  EXPECT_EQ(row(rows, "a numeric always that never runs")->status, "miss");
  EXPECT_EQ(row(rows, "an always-or-unreachable that never runs")->status, "pass");
  EXPECT_EQ(row(rows, "an unreachable that never runs")->status, "pass");
  EXPECT_EQ(row(rows, "a sometimes that never runs")->status, "miss");
}

TEST(Assertions, StatusesOfEveryKind) {
  assertions::reset_table();
  {
    assertions::iteration_scope scope;
    MP_ALWAYS(true, "always holds");
    MP_ALWAYS(false, "always broken");
    MP_SOMETIMES(false, "sometimes never");
    MP_SOMETIMES(true, "sometimes once");
    MP_REACHABLE("reached");
    MP_UNREACHABLE("unreachable reached");
    MP_ALWAYS_LE(3, 5, "numeric ok");
    MP_SOMETIMES_GT(1, 5, "numeric never");
    EXPECT_EQ(assertions::iteration_violations(), 2u);
    EXPECT_EQ(assertions::first_violation(), "always broken");
  }
  const auto rows = assertions::table();
  EXPECT_EQ(row(rows, "always holds")->status, "pass");
  EXPECT_EQ(row(rows, "always broken")->status, "fail");
  EXPECT_EQ(row(rows, "sometimes never")->status, "miss");
  EXPECT_EQ(row(rows, "sometimes once")->status, "pass");
  EXPECT_EQ(row(rows, "reached")->status, "pass");
  EXPECT_EQ(row(rows, "unreachable reached")->status, "fail");
  EXPECT_EQ(row(rows, "numeric ok")->status, "pass");
  EXPECT_EQ(row(rows, "numeric never")->status, "miss");
}

TEST(Assertions, SometimesAllPassesOnlyWhenEveryConditionHeldTogether) {
  assertions::reset_table();
  {
    assertions::iteration_scope scope;
    MP_SOMETIMES_ALL("partial", {{"a", true}, {"b", false}, {"c", true}});
    MP_SOMETIMES_ALL("partial", {{"a", false}, {"b", true}, {"c", false}});
    MP_SOMETIMES_ALL("complete", {{"a", true}, {"b", false}});
    MP_SOMETIMES_ALL("complete", {{"a", true}, {"b", true}});
  }
  const auto rows = assertions::table();
  EXPECT_EQ(row(rows, "partial")->status, "miss");
  EXPECT_EQ(row(rows, "partial")->frontier, 2u);
  EXPECT_EQ(row(rows, "partial")->conditions, 3u);
  EXPECT_EQ(row(rows, "complete")->status, "pass");
  EXPECT_EQ(row(rows, "complete")->pass, 2u);
}

TEST(Assertions, SometimesEachCountsDistinctKeyCombinations) {
  assertions::reset_table();
  {
    assertions::iteration_scope scope;
    for (int i = 0; i < 30; ++i) {
      MP_SOMETIMES_EACH("outcome", {{"status", i % 3}, {"retried", i % 2}});
    }
    MP_SOMETIMES_EACH("outcome with quality", {{"room", 1}}, 5);
    MP_SOMETIMES_EACH("outcome with quality", {{"room", 1}}, 9);
  }
  const auto rows = assertions::table();
  EXPECT_EQ(row(rows, "outcome")->buckets, 6u);
  EXPECT_EQ(row(rows, "outcome")->pass, 30u);
  EXPECT_EQ(row(rows, "outcome")->status, "pass");
  EXPECT_EQ(row(rows, "outcome with quality")->buckets, 1u);
}

TEST(Assertions, ForkedProcessesReportIntoOneTable) {
  for (bool parallel : {false, true}) {
    SCOPED_TRACE(parallel ? "parallel children" : "sequential children");
    assertions::reset_table();
    {
      assertions::iteration_scope scope;
      MP_SOMETIMES(true, "seen by parent and children");
    }
    in_children(6, parallel, [](int child) {
      assertions::iteration_scope scope;
      for (int i = 0; i < 100; ++i) {
        MP_SOMETIMES(true, "seen by parent and children");
        MP_ALWAYS(i != 99 || child != 0, "child 0 breaks this once");
      }
      // A row only children create, racing each other to create it.
      MP_REACHABLE("created in a child");
      MP_SOMETIMES_EACH("child buckets", {{"child", child}});
    });
    const auto rows = assertions::table();
    EXPECT_EQ(row(rows, "seen by parent and children")->pass, 1u + 6 * 100);
    EXPECT_EQ(row(rows, "child 0 breaks this once")->pass, 6u * 100 - 1);
    EXPECT_EQ(row(rows, "child 0 breaks this once")->fail, 1u);
    EXPECT_EQ(row(rows, "created in a child")->pass, 6u);
    EXPECT_EQ(row(rows, "child buckets")->buckets, 6u);
    std::size_t created = 0;
    for (const auto& r : rows) {
      created += r.name == "created in a child" ? 1 : 0;
    }
    EXPECT_EQ(created, 1u) << "racing children must not create duplicate rows";
    EXPECT_EQ(assertions::iteration_violations(), 0u) << "a child's violations are its own";
  }
}
