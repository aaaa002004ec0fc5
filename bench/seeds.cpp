// Whole seeds per second through the runner, for the smallest useful
// simulation: one server process (the sim-http demo's server code) and one
// client workload sending 100 keep-alive requests, every answer checked.
// Chaos off, the default network (realistic latencies, no faults). What a
// seed costs beyond its requests (building the world, booting the process,
// the phases, the report row) shows here and nowhere else.
//
// seeds_per_s is the median over the measured runs of N seeds each
// (SimulationBuilder::run in this process, wall time).
//
//   build/bin/bench-seeds [--json] [--quick] [--pairs N]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "harness.hpp"
#include "http_workloads.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace {

namespace asio = boost::asio;
namespace workloads = bench::http_workloads;
using sim_tcp = moonpool::sim::tcp;

constexpr unsigned short http_port = 8080;
constexpr int requests_per_seed = 100;

struct HttpServer : moonpool::sim::Process {
  std::string_view name() const override { return "http"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    sim_tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), http_port});
    for (;;) {
      sim_tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      moonpool::sim::spawn(ctx.get_executor(), "session", http_app::serve(std::move(peer)))
          .detach();
    }
  }
};

struct HttpClient : moonpool::sim::Workload {
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    sim_tcp::socket socket(ctx.get_executor());
    co_await socket.async_connect({ctx.process_ips().front(), http_port}, asio::use_awaitable);
    co_await workloads::keep_alive_requests(socket, requests_per_seed);
  }
};

moonpool::sim::SimulationBuilder one_server_one_client() {
  moonpool::sim::SimulationBuilder sim;
  sim.name("bench-seeds").processes(1, [] { return std::make_unique<HttpServer>(); }).workload([] {
    return std::make_unique<HttpClient>();
  });
  return sim;
}

// Seeds per wall second over `seeds` seeds; every seed must pass.
double seeds_per_second(const moonpool::sim::SimulationBuilder& sim, std::uint64_t seeds) {
  moonpool::sim::run_options options;
  options.iterations = seeds;
  moonpool::sim::SimulationReport report;
  const bench::elapsed e = bench::measure([&] { report = sim.run(options); });
  if (report.passed != seeds) {
    throw std::runtime_error(std::to_string(report.failed) + " of " + std::to_string(seeds) +
                             " seeds failed");
  }
  return static_cast<double>(seeds) / e.wall_s;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{"bench-seeds", "", 5, {}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  const std::uint64_t seeds = opts.quick ? 5 : 500;

  const auto sim = one_server_one_client();
  const double rate = bench::repeat_median(opts, [&] { return seeds_per_second(sim, seeds); });

  if (opts.json) {
    bench::json_object out;
    out.number("seeds_per_s", rate)
        .number("us_per_seed", 1e6 / rate)
        .integer("seeds_per_run", static_cast<long long>(seeds))
        .integer("requests_per_seed", requests_per_seed)
        .integer("pairs", opts.pairs);
    out.print();
    return 0;
  }
  std::printf("one server, one client, %d keep-alive requests per seed, no chaos:\n",
              requests_per_seed);
  std::printf("  %.0f seeds/s (%.0f us per seed), median of %d runs of %llu seeds\n", rate,
              1e6 / rate, opts.pairs, static_cast<unsigned long long>(seeds));
  return 0;
}
