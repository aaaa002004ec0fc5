// Every trace kind the engine can emit has a name, names are unique, and a
// record's description follows its shape (include/moonpool/sim/detail/trace_kinds.hpp).

#include "moonpool/sim/detail/trace_kinds.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "moonpool/sim/net/detail/network.hpp"
#include "moonpool/sim/storage/detail/disk.hpp"

namespace detail = moonpool::sim::detail;
using moonpool::sim::trace_kind;

namespace {

std::string_view name_of(trace_kind kind, std::array<std::uint64_t, 4> fields = {},
                         std::string_view label = {}) {
  const detail::trace_kind_info* info = detail::describe_trace_record(kind, fields, label);
  return info != nullptr ? info->name : "(none)";
}

// Every kind number the sources define as `static_cast<trace_kind>(N)`,
// with where: the way each layer numbers its kinds.
std::map<unsigned, std::string> kinds_defined_in(const std::filesystem::path& root) {
  const std::regex definition(R"(static_cast<\s*(?:sim::)?trace_kind\s*>\(\s*(\d+)\s*\))");
  std::map<unsigned, std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string extension = entry.path().extension().string();
    if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".hpp")) {
      continue;
    }
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), definition), end; it != end; ++it) {
      found.emplace(static_cast<unsigned>(std::stoul((*it)[1].str())), entry.path().string());
    }
  }
  return found;
}

}  // namespace

TEST(TraceKinds, RegistryHasNoProblems) {
  const std::vector<std::string> problems = detail::trace_kind_problems();
  for (const std::string& problem : problems) {
    ADD_FAILURE() << problem;
  }
  EXPECT_GT(detail::registered_trace_kinds().size(), 60u);
}

TEST(TraceKinds, NamesAreUniqueAndDotted) {
  std::set<std::string_view> names;
  for (const detail::trace_kind_info* info : detail::registered_trace_kinds()) {
    EXPECT_TRUE(names.insert(info->name).second) << info->name;
    EXPECT_NE(info->name.find('.'), std::string_view::npos) << info->name;
  }
}

TEST(TraceKinds, EveryCoreKindIsNamed) {
  for (unsigned code = 1; code <= 9; ++code) {
    EXPECT_NE(name_of(static_cast<trace_kind>(code)), "(none)") << "core kind " << code;
  }
  EXPECT_EQ(name_of(trace_kind::user_log), "user.log");
  const detail::trace_kind_info* log =
      detail::describe_trace_record(trace_kind::user_log, {}, "hello");
  ASSERT_NE(log, nullptr);
  EXPECT_FALSE(log->hashed);
}

// Kinds 400 and up belong to moonpool::tls, a library of its own that this
// executable does not link: moonpool-tls-tests checks them.
TEST(TraceKinds, EveryKindTheSourcesDefineIsNamed) {
  const std::filesystem::path root(MOONPOOL_SOURCE_DIR);
  std::map<unsigned, std::string> defined = kinds_defined_in(root / "include");
  defined.merge(kinds_defined_in(root / "src"));
  ASSERT_GE(defined.size(), 39u) << "the scan found too few kinds: has their spelling changed?";
  for (const auto& [code, where] : defined) {
    if (code >= 400) {
      continue;
    }
    EXPECT_NE(name_of(static_cast<trace_kind>(code)), "(none)")
        << "trace kind " << code << " (" << where << ") has no description; add it to its "
        << "layer's table (detail/trace_kinds.hpp)";
  }
}

// docs/debugging.md ("Trace events") lists every event with its kind and
// fields, and nothing else.
TEST(TraceKinds, TheDocumentationListsEveryEventWithItsFields) {
  std::ifstream in(std::filesystem::path(MOONPOOL_SOURCE_DIR) / "docs" / "debugging.md");
  ASSERT_TRUE(in) << "docs/debugging.md";
  std::map<std::string, std::string> rows;  // event name -> its table row
  const std::regex row_start(R"(^\| `([a-z_]+\.[a-z_]+)` \| )");
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, row_start)) {
      rows.emplace(match[1].str(), line);
    }
  }
  std::set<std::string> registered;
  for (const detail::trace_kind_info* info : detail::registered_trace_kinds()) {
    const std::string name(info->name);
    registered.insert(name);
    const auto row = rows.find(name);
    if (row == rows.end()) {
      ADD_FAILURE() << name << " is not in docs/debugging.md's table of trace events";
      continue;
    }
    const std::string code = "| " + std::to_string(static_cast<unsigned>(info->kind)) + " |";
    EXPECT_NE(row->second.find(code), std::string::npos) << name << ": kind " << code;
    for (const detail::trace_field& field : info->fields) {
      if (!field.name.empty()) {
        EXPECT_NE(row->second.find("`" + std::string(field.name) + "`"), std::string::npos)
            << name << " has a field " << field.name << " the table does not list";
      }
    }
  }
  for (const auto& [name, row] : rows) {
    if (!name.starts_with("tls.")) {  // moonpool::tls, not linked here
      EXPECT_TRUE(registered.contains(name)) << name << " is documented but not registered";
    }
  }
}

TEST(TraceKinds, VariantsFollowTheRecordsShape) {
  namespace net = detail::net::kinds;
  // A reset made by its end, and the same reset reaching the peer.
  EXPECT_EQ(name_of(net::reset, {7, 0, 0, 0}), "net.reset");
  EXPECT_EQ(name_of(net::reset, {31, 7, 1, 1}), "net.reset_arrived");
  // The world's generic events, by whose they are.
  EXPECT_EQ(name_of(trace_kind::event, {1, 7, 0, 0}), "net.write_clog_end");
  EXPECT_EQ(name_of(trace_kind::event, {1, 2, 9, 7}), "disk.complete");
  EXPECT_EQ(name_of(trace_kind::event, {1, 0, 0, 5}), "runner.chaos_end_due");
  EXPECT_EQ(name_of(trace_kind::event, {1, 0, 0, 99}), "world.event");
  // Storage faults, by their label; a label that only starts alike is not one.
  EXPECT_EQ(name_of(detail::fs::kinds::fault, {0, 1, 2, 3}, "storage.stall"), "disk.stall");
  EXPECT_EQ(name_of(detail::fs::kinds::fault, {}, "storage.sync_failure /d"), "disk.sync_failure");
  EXPECT_EQ(name_of(detail::fs::kinds::fault, {}, "storage.stalled"), "disk.fault");
}

TEST(TraceKinds, WrittenLabelLeavesOutWhatTheNameSays) {
  const detail::trace_kind_info* open =
      detail::describe_trace_record(detail::fs::kinds::open, {}, "storage.open /kv/log");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(detail::written_label(*open, "storage.open /kv/log"), "/kv/log");
  EXPECT_EQ(detail::written_label(*open, "storage.opened"), "storage.opened");
  const detail::trace_kind_info* stall =
      detail::describe_trace_record(detail::fs::kinds::fault, {}, "storage.stall");
  ASSERT_NE(stall, nullptr);
  EXPECT_EQ(detail::written_label(*stall, "storage.stall"), "");
}

TEST(TraceKinds, ProblemsAreFoundAndNamed) {
  static constexpr detail::trace_kind_info clashing[] = {
      {static_cast<trace_kind>(990), "test.clash", {"seq", "host"}},
      {static_cast<trace_kind>(991), "test.clash", {"a", "a"}},
      {static_cast<trace_kind>(992), "nodot", {}, "label", detail::when_field(0, 1)},
      {static_cast<trace_kind>(993), "test.twice", {}},
      {static_cast<trace_kind>(993), "test.again", {}},
  };
  std::vector<const detail::trace_kind_info*> descriptions;
  for (const detail::trace_kind_info& info : clashing) {
    descriptions.push_back(&info);
  }
  std::string all;
  for (const std::string& problem : detail::trace_kind_problems(descriptions)) {
    all += problem + "\n";
  }
  for (const char* expected :
       {"trace kind 991 ('test.clash') has the name of trace kind 990",
        "trace kind 990 ('test.clash') names a field 'host', a key every trace line",
        "trace kind 991 ('test.clash') names two fields 'a'",
        "trace kind 992 ('nodot') needs a dotted name",
        "trace kind 992 has variants but no plain description",
        "trace kind 993 is described 2 times"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << "\nin:\n" << all;
  }
}
