// How the cost of a simulated request grows with the number of concurrent
// connections: 20,000 keep-alive HTTP requests (the sim-http demo's server
// code, bench/http_workloads.hpp) spread over 10 connections (A) or over
// 1,000 (B), all open and all sending at once.
//
// A batch builds a fresh world (network_config::fast_local(), one server
// host, one client host), opens every connection and parks each client on
// a gate; then opens the gate and takes the CPU time of world.run() until
// every request is answered. Cost = CPU time per request; the ratio
// (1,000 / 10) is the median of the per-pair ratios.
//
//   build/bin/bench-scale [--json] [--quick] [--pairs N] [--only connections_10|connections_1000]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "harness.hpp"
#include "http_workloads.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/notification.hpp"
#include "sim_hosts.hpp"

namespace {

namespace asio = boost::asio;
namespace workloads = bench::http_workloads;
using sim_tcp = moonpool::sim::tcp;

struct sizes {
  int requests = 20'000;  // per batch, over all connections
  int few = 10;
  int many = 1'000;
};

struct client_state {
  int connected = 0;
  int finished = 0;
  std::exception_ptr error;
};

// Connects, waits for the gate, sends its share of the requests.
asio::awaitable<void> gated_client(sim_tcp::socket socket, asio::ip::tcp::endpoint server,
                                   moonpool::sim::notification& gate, int requests,
                                   client_state& state) {
  try {
    co_await socket.async_connect(server, asio::use_awaitable);
    ++state.connected;
    co_await gate.async_wait(asio::use_awaitable);
    co_await workloads::keep_alive_requests(socket, requests);
    socket.close();
    ++state.finished;
  } catch (...) {
    state.error = std::current_exception();
  }
}

// CPU seconds per request with `connections` connections at once.
double batch(int connections, int requests) {
  bench::sim_hosts sim;
  client_state state;
  moonpool::sim::notification gate(sim.client.get_executor());
  asio::co_spawn(sim.server.get_executor(),
                 workloads::accept_and_serve(
                     sim_tcp::acceptor(sim.server.get_executor(), sim.endpoint), connections),
                 asio::detached);
  for (int i = 0; i < connections; ++i) {
    // Shares differ by at most one request.
    const int share = requests / connections + (i < requests % connections ? 1 : 0);
    asio::co_spawn(
        sim.client.get_executor(),
        gated_client(sim_tcp::socket(sim.client.get_executor()), sim.endpoint, gate, share, state),
        asio::detached);
  }
  static_cast<void>(sim.world.state().run_until(
      [&] { return state.connected == connections || state.error; }, std::chrono::hours(1)));
  if (state.error) {
    std::rethrow_exception(state.error);
  }
  if (state.connected != connections) {
    throw std::runtime_error("only " + std::to_string(state.connected) + " of " +
                             std::to_string(connections) + " connections opened");
  }
  const bench::elapsed e = bench::measure([&] {
    gate.notify();
    sim.world.run();
  });
  if (state.error) {
    std::rethrow_exception(state.error);
  }
  if (state.finished != connections) {
    throw std::runtime_error("only " + std::to_string(state.finished) + " of " +
                             std::to_string(connections) + " clients finished");
  }
  return e.cpu_s / requests;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{
      "bench-scale", "", 5, {"connections_10", "connections_1000"}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  sizes size;
  if (opts.quick) {
    size.requests = 2'000;
  }

  const bench::comparison cost =
      bench::alternate(opts, {"connections_10", [&] { return batch(size.few, size.requests); }},
                       {"connections_1000", [&] { return batch(size.many, size.requests); }});

  if (opts.json) {
    bench::json_object out;
    out.number("cost_ratio_1000_vs_10", cost.ratio)
        .comparison_object("cpu_per_request", cost, "s")
        .integer("requests", size.requests)
        .integer("pairs", opts.pairs);
    out.print();
    return 0;
  }
  std::printf(
      "CPU time per request, %d requests, median of %d alternating pairs (ratio: %d / %d "
      "connections):\n",
      size.requests, opts.pairs, size.many, size.few);
  bench::print_comparison("concurrent connections", cost, 1e6, "us");
  return 0;
}
