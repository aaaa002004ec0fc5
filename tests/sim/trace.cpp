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
  EXPECT_EQ(d.hex(), "bad76db5260b47ad");
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

TEST(Trace, JsonLineNamesTheEventAndItsFields) {
  moonpool::sim::trace_record r{trace_kind::task_spawned, 7, {1, 0, 0, 0}, "w\"x", "", "", {}};
  EXPECT_EQ(moonpool::sim::to_json_line(r),
            R"({"t_ns":7,"t":"0.000000007s","event":"task.spawn","task_id":1,"parent_id":0,)"
            R"("name":"w\"x"})");
  // Where it happened, when known.
  r.task = "client.run";
  r.host = "client";
  EXPECT_EQ(moonpool::sim::to_json_line(r),
            R"({"t_ns":7,"t":"0.000000007s","host":"client","task":"client.run",)"
            R"("event":"task.spawn","task_id":1,"parent_id":0,"name":"w\"x"})");
}

TEST(Trace, JsonLineWritesCodesByNameAndNotesInPlaceOfNumbers) {
  moonpool::sim::trace_record finished{
      trace_kind::task_finished, 12'000'345'000, {4, 2, 0, 0}, "", "", "", {}};
  EXPECT_EQ(moonpool::sim::to_json_line(finished),
            R"({"t_ns":12000345000,"t":"12.000345000s","event":"task.finish","task_id":4,)"
            R"("outcome":"failed"})");
  // A code without a name stays a number.
  finished.fields[1] = 99;
  EXPECT_NE(moonpool::sim::to_json_line(finished).find(R"("outcome":99})"), std::string::npos);
  // A note under a field's name replaces the number; other notes follow.
  moonpool::sim::trace_record partition{static_cast<trace_kind>(124),
                                        5,
                                        {0, 2, 9, 0},
                                        "",
                                        "",
                                        "",
                                        {{"from", "node-0"}, {"to", "node-2"}, {"x", "y"}}};
  EXPECT_EQ(moonpool::sim::to_json_line(partition),
            R"({"t_ns":5,"t":"0.000000005s","event":"net.partition","from":"node-0",)"
            R"("to":"node-2","until_ns":9,"scope":"pair","x":"y"})");
}

TEST(Trace, JsonLineOfAnUnknownKindStillSaysEverything) {
  const moonpool::sim::trace_record r{
      static_cast<trace_kind>(9999), 1, {1, 2, 3, 4}, "what", "", "", {}};
  EXPECT_EQ(moonpool::sim::to_json_line(r),
            R"({"t_ns":1,"t":"0.000000001s","event":"kind.9999","f0":1,"f1":2,"f2":3,"f3":4,)"
            R"("label":"what"})");
}

TEST(Trace, JsonLineEscapesText) {
  const moonpool::sim::trace_record r{trace_kind::user_log, 0, {}, "a\nb\x01\\", "", "", {}};
  EXPECT_EQ(moonpool::sim::to_json_line(r),
            R"({"t_ns":0,"t":"0.000000000s","event":"user.log","message":"a\nb\u0001\\"})");
}

TEST(Trace, TimeTextIsExactToTheNanosecond) {
  EXPECT_EQ(moonpool::sim::trace_time_text(0), "0.000000000s");
  EXPECT_EQ(moonpool::sim::trace_time_text(8'698'089'000), "8.698089000s");
  EXPECT_EQ(moonpool::sim::trace_time_text(UINT64_MAX), "18446744073.709551615s");
}
