// moonpool::sim::log: a trace record with simulated time, host and task,
// never part of the trace hash (include/moonpool/sim/log.hpp).

#include "moonpool/sim/log.hpp"

#include <gtest/gtest.h>

#include <string>

#include "moonpool/sim.hpp"

namespace asio = boost::asio;
namespace sim = moonpool::sim;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> worker(bool logs) {
  for (int round = 1; round <= 3; ++round) {
    co_await sim::sleep(std::chrono::milliseconds(5 * round));
    if (logs) {
      sim::log("round ", round, " of ", 3);
    }
  }
  if (logs) {
    sim::log(std::string("done"));
  }
}

struct run_result {
  std::string hash;
  std::vector<sim::trace_record> records;
};

run_result run_workers(bool logs, bool record_trace) {
  sim::world world{17, {.record_trace = record_trace}};
  const sim::host server = world.add_host("10.0.1.1");
  sim::spawn(server.get_executor(), "worker", worker(logs)).detach();
  sim::spawn(world.get_executor(), "racer", worker(logs)).detach();
  world.run();
  return {world.trace_hash(), world.trace()};
}

std::vector<const sim::trace_record*> logs_of(const std::vector<sim::trace_record>& records) {
  std::vector<const sim::trace_record*> logs;
  for (const sim::trace_record& r : records) {
    if (r.kind == sim::trace_kind::user_log) {
      logs.push_back(&r);
    }
  }
  return logs;
}

}  // namespace

TEST(Log, IsARecordWithTimeHostAndTask) {
  const run_result run = run_workers(true, true);
  const auto logs = logs_of(run.records);
  ASSERT_EQ(logs.size(), 8u);
  const sim::trace_record* first_on_host = nullptr;
  for (const sim::trace_record* r : logs) {
    if (r->host == "10.0.1.1") {
      first_on_host = first_on_host != nullptr ? first_on_host : r;
    }
  }
  ASSERT_NE(first_on_host, nullptr);
  EXPECT_EQ(first_on_host->task, "worker");
  EXPECT_EQ(first_on_host->label, "round 1 of 3");
  EXPECT_EQ(first_on_host->time_ns, 5'000'000u);
  EXPECT_EQ(sim::to_json_line(*first_on_host),
            R"({"t_ns":5000000,"t":"0.005000000s","host":"10.0.1.1","task":"worker",)"
            R"("event":"user.log","message":"round 1 of 3"})");
  EXPECT_EQ(logs.back()->label, "done");
}

TEST(Log, NeverChangesTheTraceHash) {
  const std::string quiet = run_workers(false, false).hash;
  EXPECT_EQ(run_workers(true, false).hash, quiet) << "logging without a trace";
  EXPECT_EQ(run_workers(true, true).hash, quiet) << "logging into a kept trace";
  EXPECT_EQ(run_workers(false, true).hash, quiet);
}

TEST(Log, KeepsNothingWhenTheTraceIsNotKept) {
  EXPECT_TRUE(run_workers(true, false).records.empty());
}

TEST(Log, OutsideASimulationWritesOneLineToStandardError) {
  testing::internal::CaptureStderr();
  sim::log("served ", 3, " requests");
  sim::log("plain text");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "served 3 requests\nplain text\n");
}
