// Handler dispatch on a simulated world versus a plain io_context doing the
// same work, in the same run. Prints each pair's ratio (real time per
// handler, world / io_context) after the table, as
// `ratio sim/io_context single_chain: 1.49x`. No timing is asserted.
//
//   build/bin/bench-executor

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "moonpool/sim.hpp"

namespace asio = boost::asio;

namespace {

constexpr int handlers_per_run = 100'000;
constexpr int chains = 64;
constexpr int coroutine_hops = 10'000;
constexpr int sleepers = 10'000;
// Each benchmark runs for at least this long; seven of them, with warm-up
// and iteration-count probing, finish well within 30 s on a slow machine.
constexpr double min_time_seconds = 1.0;

// A chain of handlers, each posting the next: one ready handler at a time.
template <class Executor>
void post_chain(const Executor& ex, int* left) {
  if (--*left > 0) {
    asio::post(ex, [ex, left] { post_chain(ex, left); });
  }
}

// Runs handlers_per_run handlers in total, split as evenly as possible.
template <class Context>
void run_chains(Context& context, int chain_count) {
  std::vector<int> left(chain_count, handlers_per_run / chain_count);
  for (int i = 0; i < handlers_per_run % chain_count; ++i) {
    ++left[i];
  }
  for (int& counter : left) {
    asio::post(context.get_executor(),
               [ex = context.get_executor(), &counter] { post_chain(ex, &counter); });
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
// sleeping a distinct simulated duration. Items are the handlers the world
// ran (spawns, timer completions, resumptions); sleepers/s is beside them.
void world_sleeping_coroutines(benchmark::State& state) {
  std::int64_t handlers = 0;
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
    handlers += static_cast<std::int64_t>(w.handlers_run());
  }
  state.SetItemsProcessed(handlers);
  state.counters["sleepers"] = benchmark::Counter(
      static_cast<double>(state.iterations() * sleepers), benchmark::Counter::kIsRate);
}

BENCHMARK(io_context_single_chain)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);
BENCHMARK(world_single_chain)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);
BENCHMARK(io_context_64_chains)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);
BENCHMARK(world_64_chains)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);
BENCHMARK(io_context_coroutine_hops)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);
BENCHMARK(world_coroutine_hops)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);
BENCHMARK(world_sleeping_coroutines)->Unit(benchmark::kMillisecond)->MinTime(min_time_seconds);

// Handlers per iteration of each paired benchmark; both sides of a pair do
// the same work, and the ratio compares real time per handler.
struct benchmark_pair {
  const char* name;
  double handlers_per_iteration;
};
constexpr benchmark_pair pairs[] = {
    {"single_chain", handlers_per_run},
    {"64_chains", handlers_per_run},
    {"coroutine_hops", coroutine_hops},
};

// Keeps each run's real time per iteration so pairs can be compared at the
// end; the table itself is printed by ConsoleReporter as usual.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  // Colours only on a terminal, as the library's own default reporter does.
  ratio_reporter() : ConsoleReporter(isatty(fileno(stdout)) != 0 ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && !run.error_occurred && run.iterations > 0) {
        // The function name, without the "/min_time:..." suffix.
        real_seconds_per_iteration_[run.run_name.function_name] =
            run.real_accumulated_time / static_cast<double>(run.iterations);
      }
    }
  }

  // One line per pair that ran: real time per handler, sim / io_context.
  void print_ratios() const {
    std::printf("\n");
    for (const benchmark_pair& pair : pairs) {
      const auto sim = real_seconds_per_iteration_.find(std::string("world_") + pair.name);
      const auto io = real_seconds_per_iteration_.find(std::string("io_context_") + pair.name);
      if (sim == real_seconds_per_iteration_.end() || io == real_seconds_per_iteration_.end()) {
        continue;  // filtered out with --benchmark_filter
      }
      const double sim_per_handler = sim->second / pair.handlers_per_iteration;
      const double io_per_handler = io->second / pair.handlers_per_iteration;
      std::printf("ratio sim/io_context %s: %.2fx  (%.1f ns vs %.1f ns per handler)\n", pair.name,
                  sim_per_handler / io_per_handler, sim_per_handler * 1e9, io_per_handler * 1e9);
    }
  }

 private:
  std::map<std::string, double> real_seconds_per_iteration_;
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
