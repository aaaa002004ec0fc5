// Simulated timers: how many timer events a world processes per CPU second,
// and how the cost of one event grows with the number of pending timers.
//
//  * timer_events_per_s: 1,000 tasks, each sleeping 1 s in a loop for a
//    simulated hour (3.6 million sleeps), co_await moonpool::sim::sleep;
//    events are completed sleeps, over the CPU time of world.run(). Median
//    of the measured runs.
//  * timer_cost_ratio_100k_vs_10: two worlds built once, one with 10 and
//    one with 100,000 tasks, each task sleeping 1 s in a loop with its
//    phase spread evenly over the second, so that every task always has one
//    timer pending. Batches alternate the two worlds: each runs simulated
//    time until about the same number of sleeps completed; the cost is CPU
//    time per completed sleep, and the ratio (100,000 / 10) is the median
//    of the per-pair ratios.
//
//   build/bin/bench-timers [--json] [--quick] [--pairs N] [--only hour|pending_10|pending_100k]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "harness.hpp"
#include "moonpool/sim.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct sizes {
  int hour_tasks = 1'000;
  int hour_sleeps = 3'600;  // per task: one simulated hour of 1 s sleeps
  int few_pending = 10;
  int many_pending = 100'000;
  std::int64_t sleeps_per_batch = 200'000;
};

asio::awaitable<void> sleep_loop(int sleeps, std::int64_t* completed) {
  for (int i = 0; i < sleeps; ++i) {
    co_await moonpool::sim::sleep(1s);
    ++*completed;
  }
}

// Completed sleeps per CPU second for `tasks` tasks sleeping 1 s `sleeps`
// times each.
double hour_of_sleeps(int tasks, int sleeps) {
  moonpool::sim::world world{1};
  std::int64_t completed = 0;
  for (int i = 0; i < tasks; ++i) {
    moonpool::sim::spawn(world.get_executor(), "sleeper", sleep_loop(sleeps, &completed)).detach();
  }
  const bench::elapsed e = bench::measure([&] { world.run(); });
  if (completed != static_cast<std::int64_t>(tasks) * sleeps) {
    throw std::runtime_error("only " + std::to_string(completed) + " sleeps completed");
  }
  return static_cast<double>(completed) / e.cpu_s;
}

// A task sleeping `period` forever, after a first sleep of `phase`.
asio::awaitable<void> sleep_forever(std::chrono::nanoseconds phase, std::chrono::nanoseconds period,
                                    std::int64_t* completed) {
  co_await moonpool::sim::sleep(phase);
  for (;;) {
    co_await moonpool::sim::sleep(period);
    ++*completed;
  }
}

// A world whose `tasks` tasks each always have one timer pending, their
// wake-ups spread evenly over each second. Destroying it drops the tasks.
class pending_timers {
 public:
  pending_timers(int tasks, std::int64_t sleeps_per_batch) : tasks_(tasks) {
    for (int i = 0; i < tasks; ++i) {
      const auto phase = std::chrono::nanoseconds(period_) * i / tasks;
      moonpool::sim::spawn(world_.get_executor(), "sleeper",
                           sleep_forever(phase, period_, &completed_))
          .detach();
    }
    // Every task past its phase: from here on, `tasks` timers are pending.
    world_.run_for(period_);
    batch_time_ = std::chrono::nanoseconds(period_) * sleeps_per_batch / tasks;
  }

  // CPU seconds per completed sleep over one batch of simulated time.
  double batch() {
    const std::int64_t before = completed_;
    const bench::elapsed e = bench::measure([&] { world_.run_for(batch_time_); });
    const std::int64_t sleeps = completed_ - before;
    if (sleeps <= 0) {
      throw std::runtime_error("a batch of " + std::to_string(tasks_) + " sleepers completed none");
    }
    return e.cpu_s / static_cast<double>(sleeps);
  }

 private:
  static constexpr std::chrono::nanoseconds period_ = 1s;
  int tasks_;
  std::int64_t completed_ = 0;
  moonpool::sim::world world_{1};
  std::chrono::nanoseconds batch_time_{0};
};

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{
      "bench-timers", "", 3, {"hour", "pending_10", "pending_100k"}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  sizes size;
  if (opts.quick) {
    size = {10, 60, 10, 1'000, 2'000};
  }

  double events_per_s = std::nan("");
  if (opts.only.empty() || opts.only == "hour") {
    events_per_s = bench::repeat_median(
        opts, [&] { return hour_of_sleeps(size.hour_tasks, size.hour_sleeps); });
  }

  std::unique_ptr<pending_timers> few;
  std::unique_ptr<pending_timers> many;
  const bench::comparison cost = bench::alternate(
      opts,
      {"pending_10",
       [&] {
         if (!few) {
           few = std::make_unique<pending_timers>(size.few_pending, size.sleeps_per_batch);
         }
         return few->batch();
       }},
      {"pending_100k", [&] {
         if (!many) {
           many = std::make_unique<pending_timers>(size.many_pending, size.sleeps_per_batch);
         }
         return many->batch();
       }});

  if (opts.json) {
    bench::json_object out;
    out.number("timer_events_per_s", events_per_s)
        .number("timer_cost_ratio_100k_vs_10", cost.ratio)
        .comparison_object("cpu_per_timer_event", cost, "s")
        .integer("hour_tasks", size.hour_tasks)
        .integer("hour_sleeps_per_task", size.hour_sleeps)
        .integer("few_pending", size.few_pending)
        .integer("many_pending", size.many_pending)
        .integer("sleeps_per_batch", size.sleeps_per_batch)
        .integer("pairs", opts.pairs);
    out.print();
    return 0;
  }
  std::printf("%d tasks sleeping 1 s for %d simulated seconds: %.3g timer events per CPU second\n",
              size.hour_tasks, size.hour_sleeps, events_per_s);
  std::printf(
      "CPU time per timer event, median of %d alternating pairs (ratio: %d / %d pending):\n",
      opts.pairs, size.many_pending, size.few_pending);
  bench::print_comparison("pending timers", cost, 1e9, "ns");
  return 0;
}
