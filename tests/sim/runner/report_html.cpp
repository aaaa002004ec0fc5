// The HTML report (SimulationReport::to_html, --report-html): run text is
// escaped, failing seeds carry the JSON's replay command, the multiverse
// tree follows the recipes, the seed chart bins large runs, and the page
// loads nothing. tests: examples/check_report_html.cmake opens real pages
// in headless Chromium.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "moonpool/sim/runner/report.hpp"
#include "sim/runner/detail/html_text.hpp"
#include "sim/runner/detail/multiverse_tree.hpp"
#include "sim/runner/detail/seed_chart.hpp"

namespace {

using moonpool::explore::found_bug;
using moonpool::explore::recipe;
using moonpool::explore::recipe_step;
using moonpool::sim::assertion_row;
using moonpool::sim::seed_result;
using moonpool::sim::SimulationReport;
using moonpool::sim::detail::build_multiverse;
using moonpool::sim::detail::html_escape;
using moonpool::sim::detail::seed_chart_svg;

std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

seed_result seed(std::uint64_t number, bool ok, std::uint64_t events, std::int64_t sim_ms) {
  seed_result s;
  s.seed = number;
  s.ok = ok;
  s.error = ok ? "" : "invariant failed for seed " + std::to_string(number);
  s.events = events;
  s.sim_time = std::chrono::milliseconds(sim_ms);
  s.trace_hash = "00000000000000ab";
  return s;
}

SimulationReport failing_report() {
  SimulationReport report;
  report.name = "escape-test";
  report.program = "build/bin/sim-escape-test";
  report.stop_reason = "iterations";
  std::vector<seed_result> rows = {seed(1, true, 100, 2000), seed(2, false, 150, 3000)};
  rows[1].error = "<img src=x onerror=alert(2)> & \"quoted\" 'single'";
  report.seeds = moonpool::sim::seed_rows(rows);
  report.iterations = 2;
  report.passed = 1;
  report.failed = 1;
  report.failing_seeds = {2};
  assertion_row hostile;
  hostile.name = "<script>alert(1)</script>";
  hostile.kind = "always";
  hostile.pass = 3;
  hostile.fail = 1;
  hostile.status = "fail";
  hostile.reached = true;
  report.assertions.push_back(hostile);
  return report;
}

TEST(HtmlEscape, MarkupBecomesEntities) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(HtmlEscape, ControlBytesAndBrokenUtf8ShowAsEscapes) {
  EXPECT_EQ(html_escape(std::string_view("a\0b\x1b[31m\x7f", 9)), "a\\x00b\\x1b[31m\\x7f");
  EXPECT_EQ(html_escape("tab\tand\nnewline"), "tab\tand\nnewline");
  // A stray continuation byte, a truncated sequence, an overlong '/' and a
  // surrogate: none is UTF-8, each byte is shown.
  EXPECT_EQ(html_escape("\x80"), "\\x80");
  EXPECT_EQ(html_escape("x\xe2\x82"), "x\\xe2\\x82");
  EXPECT_EQ(html_escape("\xc0\xaf"), "\\xc0\\xaf");
  EXPECT_EQ(html_escape("\xed\xa0\x80"), "\\xed\\xa0\\x80");
  // Valid UTF-8 stays as it is.
  EXPECT_EQ(html_escape("µs → 🙂"), "µs → 🙂");
}

TEST(ReportHtml, AssertionNamedScriptTagAppearsAsText) {
  const std::string page = failing_report().to_html();
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert(1)"), std::string::npos);
  // The page's own two scripts, and no third.
  EXPECT_EQ(occurrences(page, "<script"), 2U);
  EXPECT_NE(
      page.find("&lt;img src=x onerror=alert(2)&gt; &amp; &quot;quoted&quot; &#39;single&#39;"),
      std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
}

TEST(ReportHtml, HostileNameAndProgramAreEscapedEverywhere) {
  SimulationReport report = failing_report();
  report.name = "</title><script>alert(3)</script>";
  report.program = "/tmp/\"><svg onload=alert(4)>";
  const std::string page = report.to_html();
  EXPECT_EQ(page.find("alert(3)</script>"), std::string::npos);
  EXPECT_EQ(page.find("<svg onload"), std::string::npos);
  EXPECT_EQ(occurrences(page, "<script"), 2U);
  EXPECT_NE(page.find("<title>&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; - moonpool "
                      "report</title>"),
            std::string::npos);
}

TEST(ReportHtml, FailingSeedCarriesTheJsonReplayCommand) {
  const SimulationReport report = failing_report();
  const boost::json::value json = boost::json::parse(report.to_json());
  const std::string replay(json.at("seeds").at(1).at("replay").as_string());
  const std::string page = report.to_html();
  EXPECT_NE(
      page.find("data-replay=\"\">" + html_escape(replay) +
                "</code><button type=\"button\" class=\"copy\" data-copy-target=\"replay-0\">"),
      std::string::npos)
      << replay;
  EXPECT_NE(page.find("data-failing-seed=\"2\""), std::string::npos);
  EXPECT_EQ(page.find("data-failing-seed=\"1\""), std::string::npos);
}

TEST(ReportHtml, LoadsNothing) {
  SimulationReport report = failing_report();
  std::vector<seed_result> rows = report.seeds.to_vector();
  rows[1].error = "plain";  // not the hostile one, which names src= as text
  report.seeds = moonpool::sim::seed_rows(rows);
  const std::string page = report.to_html();
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  // The one address in the page is the SVG namespace, which is a name.
  EXPECT_EQ(occurrences(page, "http"), occurrences(page, "http://www.w3.org/2000/svg"));
}

TEST(ReportHtml, AssertionRowsHaveTheirStatus) {
  SimulationReport report = failing_report();
  assertion_row missed;
  missed.name = "a rare path";
  missed.kind = "sometimes";
  missed.status = "miss";
  report.assertions.push_back(missed);
  const std::string page = report.to_html();
  EXPECT_EQ(occurrences(page, "<tr data-assertion-row=\"\""), 2U);
  EXPECT_NE(page.find("<tr data-assertion-row=\"\" data-status=\"fail\">"), std::string::npos);
  EXPECT_NE(page.find("<tr data-assertion-row=\"\" data-status=\"miss\">"), std::string::npos);
  EXPECT_NE(page.find("never reached"), std::string::npos);
}

TEST(ReportHtml, StorageFaultsShowOnlyTheKindsThatHappened) {
  SimulationReport report = failing_report();
  std::vector<seed_result> rows = report.seeds.to_vector();
  rows[0].storage_faults.torn_writes = 3;
  rows[1].storage_faults.torn_writes = 2;
  rows[1].storage_faults.crash_lost_writes = 7;
  report.seeds = moonpool::sim::seed_rows(rows);
  const std::string page = report.to_html();
  EXPECT_NE(page.find("<tr data-fault=\"torn_writes\"><td><code>torn_writes</code></td><td "
                      "class=\"count\">5</td><td class=\"count\">2</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr data-fault=\"crash_lost_writes\">"), std::string::npos);
  EXPECT_EQ(page.find("<tr data-fault=\"hangs\">"), std::string::npos);
}

TEST(SeedChart, DrawsADotPerSeedUpToTheLimit) {
  const std::vector<seed_result> seeds = {seed(1, true, 10, 5), seed(2, false, 20, 7),
                                          seed(3, true, 0, 0)};
  const std::string svg = seed_chart_svg(seeds);
  EXPECT_NE(svg.find("data-mode=\"dots\" data-seeds=\"3\" data-marks=\"3\""), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<circle data-mark=\"\" class=\"failed\""), 1U);
  EXPECT_EQ(occurrences(svg, "<circle data-mark=\"\" class=\"ok\""), 2U);
}

TEST(SeedChart, AHundredThousandSeedsAreBinnedIntoAPageOfBoundedSize) {
  SimulationReport report = failing_report();
  report.seeds.clear();
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    // A spread of event counts and times, every seventh seed failing.
    report.seeds.push_back(seed(i, i % 7 != 0, 100 + (i * 7919) % 5000, 1 + (i * 104729) % 20000));
  }
  report.iterations = report.seeds.size();
  const std::string svg = seed_chart_svg(report.seeds.to_vector());
  EXPECT_NE(svg.find("data-mode=\"binned\" data-seeds=\"100000\""), std::string::npos);
  const std::size_t cells =
      moonpool::sim::detail::seed_chart_columns * moonpool::sim::detail::seed_chart_rows;
  EXPECT_LE(occurrences(svg, "data-mark=\"\""), 2 * cells);
  const std::string page = report.to_html();
  EXPECT_LT(page.size(), 1'500'000U);
  // 14,286 failing seeds, 200 of them listed.
  EXPECT_EQ(occurrences(page, "data-failing-seed="), 200U);
  EXPECT_NE(page.find("The first 200 of 14,286 failing seeds"), std::string::npos);
}

found_bug bug(std::uint64_t root, std::vector<recipe_step> steps) {
  found_bug b;
  b.where = recipe{root, std::move(steps)};
  b.error = "bug";
  return b;
}

TEST(MultiverseTree, FoldsPathsThatDoNotBranchAndSplitsWhereTheyDo) {
  const std::vector<seed_result> roots = {seed(7, true, 1, 1), seed(9, true, 1, 1)};
  const std::vector<found_bug> bugs = {
      bug(9, {{10, 1}, {2, 2}, {5, 3}, {1, 4}}), bug(9, {{10, 1}, {2, 2}, {5, 3}, {1, 5}}),
      bug(9, {{10, 1}, {2, 2}}),  // a failing timeline that forked before it failed
      bug(11, {{3, 3}}),          // a root the report's seeds do not hold
  };
  const auto tree = build_multiverse(roots, bugs);
  ASSERT_EQ(tree.size(), 3U);
  EXPECT_EQ(tree[0].seed, 7U);
  EXPECT_EQ(tree[0].bugs_below, 0U);
  EXPECT_TRUE(tree[0].tree.children.empty());
  ASSERT_EQ(tree[1].seed, 9U);
  EXPECT_EQ(tree[1].timeline, &roots[1]);
  EXPECT_EQ(tree[1].bugs_below, 3U);
  ASSERT_EQ(tree[1].tree.children.size(), 1U);
  const auto& shared = tree[1].tree.children[0];
  EXPECT_EQ(shared.forks, (std::vector<recipe_step>{{10, 1}, {2, 2}}));
  EXPECT_EQ(shared.bugs, std::vector<std::size_t>{2});
  ASSERT_EQ(shared.children.size(), 1U);
  const auto& chain = shared.children[0];
  EXPECT_EQ(chain.forks, (std::vector<recipe_step>{{5, 3}}));
  ASSERT_EQ(chain.children.size(), 2U);
  EXPECT_EQ(chain.children[0].forks, (std::vector<recipe_step>{{1, 4}}));
  EXPECT_EQ(chain.children[0].bugs, std::vector<std::size_t>{0});
  EXPECT_EQ(chain.children[1].bugs, std::vector<std::size_t>{1});
  EXPECT_EQ(tree[2].seed, 11U);
  EXPECT_EQ(tree[2].timeline, nullptr);
}

TEST(ReportHtml, ExplorationDrawsEveryKeptBugWithItsReplayCommand) {
  SimulationReport report = failing_report();
  report.seeds = {seed(9, true, 1, 1)};
  report.failed = 0;
  moonpool::explore::exploration_summary e;
  e.roots = 1;
  e.timelines = 40;
  e.fork_points = 3;
  e.bugs = 2;
  e.recipes = {bug(9, {{10, 1}, {5, 3}}), bug(9, {{10, 1}, {6, 4}})};
  e.recipes[1].error = "<b>bold</b>";
  report.exploration = e;
  const std::string page = report.to_html();
  EXPECT_EQ(occurrences(page, "data-node=\"root\""), 1U);
  EXPECT_EQ(occurrences(page, "<span class=\"fork\" data-node=\"fork\""), 3U);
  EXPECT_EQ(occurrences(page, "<div class=\"bug\" data-node=\"bug\""), 2U);
  for (const found_bug& b : e.recipes) {
    const std::string replay = moonpool::sim::replay_command(report.program, b.where);
    EXPECT_NE(page.find(">" + html_escape(replay) + "</code>"), std::string::npos) << replay;
  }
  EXPECT_NE(page.find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
}

}  // namespace
