#include "moonpool/sim/trace.hpp"

#include <gtest/gtest.h>

#include <string_view>

using namespace std::string_view_literals;

using moonpool::sim::trace_digest;
using moonpool::sim::trace_kind;

TEST(Trace, DigestOfNothingIsTheDocumentedInitialState) {
  trace_digest d;
  EXPECT_EQ(d.hex(), "6d6f6f6e706f6f6c");
}

TEST(Trace, DigestKnownAnswer) {
  trace_digest d;
  d.add(trace_kind::schedule, 5, {1, 2, 3, 4}, "label");
  EXPECT_EQ(d.hex(), "49083db393b4a06c");
}

TEST(Trace, DigestIsOrderSensitive) {
  trace_digest a;
  a.add(trace_kind::event, 1, {1, 0, 0, 0}, "");
  a.add(trace_kind::event, 1, {2, 0, 0, 0}, "");
  trace_digest b;
  b.add(trace_kind::event, 1, {2, 0, 0, 0}, "");
  b.add(trace_kind::event, 1, {1, 0, 0, 0}, "");
  EXPECT_NE(a.value(), b.value());
}

TEST(Trace, LabelBytesAndLengthCount) {
  trace_digest a;
  a.add(trace_kind::task_spawned, 0, {}, "ab");
  trace_digest b;
  b.add(trace_kind::task_spawned, 0, {}, "ab\0"sv);
  EXPECT_NE(a.value(), b.value());
}

TEST(Trace, JsonLine) {
  moonpool::sim::trace_record r{trace_kind::task_spawned, 7, {1, 0, 0, 0}, "w\"x", "", ""};
  EXPECT_EQ(moonpool::sim::to_json_line(r),
            R"({"kind":"task_spawned","code":3,"time_ns":7,"fields":[1,0,0,0],"label":"w\"x"})");
  // Where it happened, when known.
  r.task = "client.run";
  r.host = "client";
  EXPECT_EQ(moonpool::sim::to_json_line(r),
            R"({"kind":"task_spawned","code":3,"time_ns":7,"fields":[1,0,0,0],"label":"w\"x",)"
            R"("task":"client.run","host":"client"})");
}
