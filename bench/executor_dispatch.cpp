// Handler dispatch on a simulated world (a world with nothing else in it)
// versus a plain asio::io_context running the same handlers, in one run.
//
// Three shapes:
//  * single_chain: one handler at a time, each posting the next;
//  * 64_chains: 64 such chains at once, so 64 handlers are ready together
//    (the world picks among them with its scheduling stream);
//  * coroutine_hops: one C++20 coroutine doing co_await asio::post.
//
// For each shape, batches alternate io_context (A) and world (B); each batch
// reports CPU time per handler, and the ratio world / io_context is taken
// per pair and its median reported (>1: the world is slower).
//
//   build/bin/bench-executor [--json] [--quick] [--pairs N] [--only io_context|world]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <vector>

#include "harness.hpp"
#include "moonpool/sim.hpp"

namespace asio = boost::asio;

namespace {

constexpr int chains = 64;

struct sizes {
  int handlers = 200'000;  // per chain batch
  int hops = 100'000;      // per coroutine batch
};

// A chain of handlers, each posting the next: one ready handler at a time.
template <class Executor>
void post_chain(const Executor& ex, int* left) {
  if (--*left > 0) {
    asio::post(ex, [ex, left] { post_chain(ex, left); });
  }
}

// Runs `handlers` handlers in `chain_count` chains; CPU ns per handler.
template <class Context>
double run_chains(Context& context, int chain_count, int handlers) {
  std::vector<int> left(chain_count, handlers / chain_count);
  for (int i = 0; i < handlers % chain_count; ++i) {
    ++left[i];
  }
  const bench::elapsed e = bench::measure([&] {
    for (int& counter : left) {
      asio::post(context.get_executor(),
                 [ex = context.get_executor(), &counter] { post_chain(ex, &counter); });
    }
    context.run();
  });
  return e.cpu_s * 1e9 / handlers;
}

asio::awaitable<void> hop(int count) {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < count; ++i) {
    co_await asio::post(ex, asio::use_awaitable);
  }
}

// CPU ns per hop of one coroutine hopping `hops` times.
template <class Context>
double run_hops(Context& context, int hops) {
  const bench::elapsed e = bench::measure([&] {
    asio::co_spawn(context.get_executor(), hop(hops), asio::detached);
    context.run();
  });
  return e.cpu_s * 1e9 / hops;
}

// The same shape on both sides; each batch builds its context untimed.
template <class Shape>
bench::comparison compare_shape(const bench::options& opts, Shape shape) {
  return bench::alternate(opts,
                          {"io_context",
                           [&] {
                             asio::io_context io;
                             return shape(io);
                           }},
                          {"world", [&] {
                             moonpool::sim::world world{1};
                             return shape(world);
                           }});
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{"bench-executor", "", 15, {"io_context", "world"}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  sizes size;
  if (opts.quick) {
    size = {1'000, 1'000};
  }

  const bench::comparison single =
      compare_shape(opts, [&](auto& context) { return run_chains(context, 1, size.handlers); });
  const bench::comparison many = compare_shape(
      opts, [&](auto& context) { return run_chains(context, chains, size.handlers); });
  const bench::comparison hops =
      compare_shape(opts, [&](auto& context) { return run_hops(context, size.hops); });

  if (opts.json) {
    bench::json_object ratios;
    ratios.number("single_chain", single.ratio)
        .number("64_chains", many.ratio)
        .number("coroutine_hops", hops.ratio);
    bench::json_object per_handler;
    per_handler.comparison_object("single_chain", single, "ns")
        .comparison_object("64_chains", many, "ns")
        .comparison_object("coroutine_hops", hops, "ns");
    bench::json_object out;
    out.object("executor_vs_io_context", ratios)
        .object("cpu_per_handler", per_handler)
        .integer("pairs", opts.pairs)
        .integer("handlers", size.handlers)
        .integer("hops", size.hops);
    out.print();
    return 0;
  }
  std::printf("CPU time per handler, median of %d alternating pairs (ratio: world / io_context):\n",
              opts.pairs);
  bench::print_comparison("single chain", single, 1, "ns");
  bench::print_comparison("64 chains", many, 1, "ns");
  bench::print_comparison("coroutine hops", hops, 1, "ns");
  return 0;
}
