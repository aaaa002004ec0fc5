// The same Beast HTTP code over real loopback TCP and over the simulation,
// in one run (bench/http_workloads.hpp, templated over the socket type):
//
//  * requests: a keep-alive client sends 20,000 GET /hello on one
//    connection to the sim-http demo's server code; every answer checked;
//  * bulk: one GET answered with a 256 MiB body, written and read in
//    64 KiB pieces (Beast's buffer_body).
//
// Simulated: two hosts of one world, network_config::fast_local() (no
// faults, microsecond latencies), wall time of world.run(). Real: both ends
// on one io_context over 127.0.0.1, wall time of io.run(). Batches
// alternate simulated (A) and loopback (B); the reported ratios are the
// medians of the per-pair loopback / simulated times (>1: the simulation
// is faster than the real thing).
//
//   build/bin/bench-http [--json] [--quick] [--pairs N] [--only sim|loopback]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "harness.hpp"
#include "http_workloads.hpp"
#include "moonpool/sim.hpp"
#include "sim_hosts.hpp"

namespace {

namespace asio = boost::asio;
namespace workloads = bench::http_workloads;
using sim_tcp = moonpool::sim::tcp;
using real_tcp = asio::ip::tcp;

struct sizes {
  int requests = 20'000;
  std::uint64_t bulk_bytes = std::uint64_t{256} << 20;
  std::size_t piece_bytes = std::size_t{64} << 10;
};

// A co_spawn completion that keeps the coroutine's exception for later:
// asio::detached would swallow it, and a benchmark of failing code measures
// nothing.
struct keep_exception {
  std::exception_ptr* slot;
  void operator()(std::exception_ptr e) const { *slot = e; }
  template <class T>
  void operator()(std::exception_ptr e, T /*value*/) const {
    *slot = e;
  }
};

void rethrow_any(std::exception_ptr server, std::exception_ptr client) {
  if (server) {
    std::rethrow_exception(server);
  }
  if (client) {
    std::rethrow_exception(client);
  }
}

// Wall seconds of `requests` keep-alive requests, simulated.
double sim_requests(const sizes& size) {
  bench::sim_hosts sim;
  std::exception_ptr server_error;
  std::exception_ptr client_error;
  asio::co_spawn(
      sim.server.get_executor(),
      workloads::accept_and_serve(sim_tcp::acceptor(sim.server.get_executor(), sim.endpoint), 1),
      keep_exception{&server_error});
  asio::co_spawn(sim.client.get_executor(),
                 workloads::keep_alive_client(sim_tcp::socket(sim.client.get_executor()),
                                              sim.endpoint, size.requests),
                 keep_exception{&client_error});
  const bench::elapsed e = bench::measure([&] { sim.world.run(); });
  rethrow_any(server_error, client_error);
  return e.wall_s;
}

// Wall seconds of `requests` keep-alive requests over loopback.
double real_requests(const sizes& size) {
  asio::io_context io;
  real_tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  const auto endpoint = acceptor.local_endpoint();
  std::exception_ptr server_error;
  std::exception_ptr client_error;
  asio::co_spawn(io, workloads::accept_and_serve(std::move(acceptor), 1),
                 keep_exception{&server_error});
  asio::co_spawn(io, workloads::keep_alive_client(real_tcp::socket(io), endpoint, size.requests),
                 keep_exception{&client_error});
  const bench::elapsed e = bench::measure([&] { io.run(); });
  rethrow_any(server_error, client_error);
  return e.wall_s;
}

// Receives the bulk body's byte count, or the client's exception.
struct bulk_result {
  std::exception_ptr* slot;
  std::uint64_t* received;
  void operator()(std::exception_ptr e, std::uint64_t bytes) const {
    *slot = e;
    *received = bytes;
  }
};

void check_received(std::uint64_t received, const sizes& size) {
  if (received != size.bulk_bytes) {
    throw std::runtime_error("bulk transfer received " + std::to_string(received) + " bytes of " +
                             std::to_string(size.bulk_bytes));
  }
}

// Wall seconds of one bulk transfer, simulated.
double sim_bulk(const sizes& size) {
  bench::sim_hosts sim;
  std::exception_ptr server_error;
  std::exception_ptr client_error;
  std::uint64_t received = 0;
  asio::co_spawn(sim.server.get_executor(),
                 workloads::bulk_server(sim_tcp::acceptor(sim.server.get_executor(), sim.endpoint),
                                        size.bulk_bytes, size.piece_bytes),
                 keep_exception{&server_error});
  asio::co_spawn(sim.client.get_executor(),
                 workloads::bulk_client(sim_tcp::socket(sim.client.get_executor()), sim.endpoint,
                                        size.piece_bytes),
                 bulk_result{&client_error, &received});
  const bench::elapsed e = bench::measure([&] { sim.world.run(); });
  rethrow_any(server_error, client_error);
  check_received(received, size);
  return e.wall_s;
}

// Wall seconds of one bulk transfer over loopback.
double real_bulk(const sizes& size) {
  asio::io_context io;
  real_tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  const auto endpoint = acceptor.local_endpoint();
  std::exception_ptr server_error;
  std::exception_ptr client_error;
  std::uint64_t received = 0;
  asio::co_spawn(io, workloads::bulk_server(std::move(acceptor), size.bulk_bytes, size.piece_bytes),
                 keep_exception{&server_error});
  asio::co_spawn(io, workloads::bulk_client(real_tcp::socket(io), endpoint, size.piece_bytes),
                 bulk_result{&client_error, &received});
  const bench::elapsed e = bench::measure([&] { io.run(); });
  rethrow_any(server_error, client_error);
  check_received(received, size);
  return e.wall_s;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{"bench-http", "", 5, {"sim", "loopback"}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  sizes size;
  if (opts.quick) {
    size.requests = 200;
    size.bulk_bytes = std::uint64_t{2} << 20;
  }

  const bench::comparison requests =
      bench::alternate(opts, {"sim", [&] { return sim_requests(size); }},
                       {"loopback", [&] { return real_requests(size); }});
  const bench::comparison bulk = bench::alternate(opts, {"sim", [&] { return sim_bulk(size); }},
                                                  {"loopback", [&] { return real_bulk(size); }});

  const double mib = static_cast<double>(size.bulk_bytes) / (1 << 20);
  if (opts.json) {
    bench::json_object out;
    out.number("sim_vs_loopback", requests.ratio)
        .number("sim_vs_loopback_bulk", bulk.ratio)
        .comparison_object("requests", requests, "s")
        .comparison_object("bulk", bulk, "s")
        .integer("request_count", size.requests)
        .integer("bulk_bytes", static_cast<long long>(size.bulk_bytes))
        .integer("piece_bytes", static_cast<long long>(size.piece_bytes))
        .number("sim_us_per_request", requests.a * 1e6 / size.requests)
        .number("loopback_us_per_request", requests.b * 1e6 / size.requests)
        .number("sim_bulk_mib_per_s", mib / bulk.a)
        .number("loopback_bulk_mib_per_s", mib / bulk.b)
        .integer("pairs", opts.pairs);
    out.print();
    return 0;
  }
  std::printf("wall time, median of %d alternating pairs (ratio: loopback / simulated):\n",
              opts.pairs);
  bench::print_comparison(std::to_string(size.requests) + " keep-alive requests", requests, 1e3,
                          "ms");
  bench::print_comparison(std::to_string(static_cast<int>(mib)) + " MiB in 64 KiB pieces", bulk,
                          1e3, "ms");
  std::printf(
      "  per request: simulated %.2f us, loopback %.2f us; bulk: %.0f MiB/s vs %.0f MiB/s\n",
      requests.a * 1e6 / size.requests, requests.b * 1e6 / size.requests, mib / bulk.a,
      mib / bulk.b);
  return 0;
}
