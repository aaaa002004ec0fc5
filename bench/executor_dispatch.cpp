// Handler dispatch on a simulated world versus a plain io_context doing the
// same work, in the same run. Prints each pair's ratio (time per handler,
// world / io_context) after the table.
//
//   build/bin/bench-executor

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <map>
#include <string>

#include "moonpool/sim.hpp"

namespace asio = boost::asio;

namespace {

constexpr int handlers_per_run = 100'000;
constexpr int chains = 64;
constexpr int coroutine_hops = 10'000;

// A chain of handlers, each posting the next: one ready handler at a time.
template <class Executor>
void post_chain(const Executor& ex, int* left) {
  if (--*left > 0) {
    asio::post(ex, [ex, left] { post_chain(ex, left); });
  }
}

template <class Context>
void run_chains(Context& context, int chain_count) {
  std::vector<int> left(chain_count, handlers_per_run / chain_count);
  for (int& counter : left) {
    asio::post(context.get_executor(), [ex = context.get_executor(), &counter] {
      post_chain(ex, &counter);
    });
  }
  context.run();
}

asio::awaitable<void> hop(int count) {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < count; ++i) {
    co_await asio::post(ex, asio::use_awaitable);
  }
}

void io_context_single_chain(benchmark::State& state) {
  for (auto _ : state) {
    asio::io_context io;
    run_chains(io, 1);
  }
  state.SetItemsProcessed(state.iterations() * handlers_per_run);
}

void world_single_chain(benchmark::State& state) {
  for (auto _ : state) {
    moonpool::sim::world w{1};
    run_chains(w, 1);
  }
  state.SetItemsProcessed(state.iterations() * handlers_per_run);
}

void io_context_64_chains(benchmark::State& state) {
  for (auto _ : state) {
    asio::io_context io;
    run_chains(io, chains);
  }
  state.SetItemsProcessed(state.iterations() * handlers_per_run);
}

void world_64_chains(benchmark::State& state) {
  for (auto _ : state) {
    moonpool::sim::world w{1};
    run_chains(w, chains);
  }
  state.SetItemsProcessed(state.iterations() * handlers_per_run);
}

void io_context_coroutine_hops(benchmark::State& state) {
  for (auto _ : state) {
    asio::io_context io;
    asio::co_spawn(io, hop(coroutine_hops), asio::detached);
    io.run();
  }
  state.SetItemsProcessed(state.iterations() * coroutine_hops);
}

void world_coroutine_hops(benchmark::State& state) {
  for (auto _ : state) {
    moonpool::sim::world w{1};
    asio::co_spawn(w.get_executor(), hop(coroutine_hops), asio::detached);
    w.run();
  }
  state.SetItemsProcessed(state.iterations() * coroutine_hops);
}

// Timers have no like-for-like io_context counterpart (a real timer waits
// for real time), so this reports the world alone: 10,000 coroutines each
// sleeping a distinct simulated duration.
void world_sleeping_coroutines(benchmark::State& state) {
  constexpr int sleepers = 10'000;
  for (auto _ : state) {
    moonpool::sim::world w{1};
    for (int i = 0; i < sleepers; ++i) {
      asio::co_spawn(
          w.get_executor(),
          [i]() -> asio::awaitable<void> {
            co_await moonpool::sim::sleep(std::chrono::microseconds(i));
          },
          asio::detached);
    }
    w.run();
  }
  state.SetItemsProcessed(state.iterations() * sleepers);
}

BENCHMARK(io_context_single_chain)->Unit(benchmark::kMillisecond);
BENCHMARK(world_single_chain)->Unit(benchmark::kMillisecond);
BENCHMARK(io_context_64_chains)->Unit(benchmark::kMillisecond);
BENCHMARK(world_64_chains)->Unit(benchmark::kMillisecond);
BENCHMARK(io_context_coroutine_hops)->Unit(benchmark::kMillisecond);
BENCHMARK(world_coroutine_hops)->Unit(benchmark::kMillisecond);
BENCHMARK(world_sleeping_coroutines)->Unit(benchmark::kMillisecond);

// Keeps each run's time per iteration so pairs can be compared at the end.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) {
        seconds_per_iteration_[run.benchmark_name()] =
            run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      }
    }
  }

  void print_ratios() const {
    std::printf("\nratios measured in this run (time per handler, world / io_context):\n");
    for (const char* pair : {"single_chain", "64_chains", "coroutine_hops"}) {
      const auto world = seconds_per_iteration_.find(std::string("world_") + pair);
      const auto io = seconds_per_iteration_.find(std::string("io_context_") + pair);
      if (world != seconds_per_iteration_.end() && io != seconds_per_iteration_.end()) {
        std::printf("  %-16s %.2fx\n", pair, world->second / io->second);
      }
    }
  }

 private:
  std::map<std::string, double> seconds_per_iteration_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 2;
  }
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
