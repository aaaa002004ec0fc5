// The same Beast HTTP code over real loopback TCP and over the simulation,
// in one run (bench/http_workloads.hpp, templated over the socket type):
//
//  * requests: a keep-alive client sends 20,000 GET /hello on one
//    connection to the sim-http demo's server code; every answer checked
//    (sim_vs_loopback);
//  * bulk: one GET answered with a 256 MiB body, written in 64 KiB pieces
//    (Beast's buffer_body) and read 64 KiB at a time (sim_vs_loopback_bulk);
//  * bulk with 512-byte reads: the same for 32 MiB, with the client's
//    buffer left as Beast sizes it by itself, so that every read asks for
//    512 bytes (sim_vs_loopback_bulk_512b_reads): the cost per I/O
//    operation rather than per byte.
//
// Simulated: two hosts of one world, network_config::fast_local() (no
// faults, microsecond latencies), wall time of world.run(). Real: both ends
// on one io_context over 127.0.0.1, wall time of io.run(). Batches
// alternate simulated (A) and loopback (B); the reported ratios are the
// medians of the per-pair loopback / simulated times (>1: the simulation
// is faster than the real thing).
//
//   build/bin/bench-http [--json] [--quick] [--pairs N] [--only SIDE]
//
// SIDE (to profile one side alone): sim_requests, loopback_requests,
// sim_bulk, loopback_bulk, sim_small_reads, loopback_small_reads.
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
  // The same transfer with Beast's default 512-byte reads: smaller, as each
  // read is an operation of its own (and a system call over loopback).
  std::uint64_t small_reads_bytes = std::uint64_t{32} << 20;
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

// What the last simulated batch asked of the engine: handlers run and world
// events processed (the same in every batch, the seed being fixed).
struct engine_work {
  std::uint64_t handlers = 0;
  std::uint64_t events = 0;
};

engine_work count_work(const moonpool::sim::world& world) {
  return {world.handlers_run(), world.events_processed()};
}

// Wall seconds of `requests` keep-alive requests, simulated.
double sim_requests(const sizes& size, engine_work& work) {
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
  work = count_work(sim.world);
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

void check_received(std::uint64_t received, std::uint64_t sent) {
  if (received != sent) {
    throw std::runtime_error("bulk transfer received " + std::to_string(received) + " bytes of " +
                             std::to_string(sent));
  }
}

// Wall seconds of one bulk transfer of `bytes`, simulated.
double sim_bulk(const sizes& size, std::uint64_t bytes, workloads::read_room room,
                engine_work& work) {
  bench::sim_hosts sim;
  std::exception_ptr server_error;
  std::exception_ptr client_error;
  std::uint64_t received = 0;
  asio::co_spawn(sim.server.get_executor(),
                 workloads::bulk_server(sim_tcp::acceptor(sim.server.get_executor(), sim.endpoint),
                                        bytes, size.piece_bytes),
                 keep_exception{&server_error});
  asio::co_spawn(sim.client.get_executor(),
                 workloads::bulk_client(sim_tcp::socket(sim.client.get_executor()), sim.endpoint,
                                        size.piece_bytes, room),
                 bulk_result{&client_error, &received});
  const bench::elapsed e = bench::measure([&] { sim.world.run(); });
  rethrow_any(server_error, client_error);
  check_received(received, bytes);
  work = count_work(sim.world);
  return e.wall_s;
}

// Wall seconds of one bulk transfer of `bytes` over loopback.
double real_bulk(const sizes& size, std::uint64_t bytes, workloads::read_room room) {
  asio::io_context io;
  real_tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  const auto endpoint = acceptor.local_endpoint();
  std::exception_ptr server_error;
  std::exception_ptr client_error;
  std::uint64_t received = 0;
  asio::co_spawn(io, workloads::bulk_server(std::move(acceptor), bytes, size.piece_bytes),
                 keep_exception{&server_error});
  asio::co_spawn(io, workloads::bulk_client(real_tcp::socket(io), endpoint, size.piece_bytes, room),
                 bulk_result{&client_error, &received});
  const bench::elapsed e = bench::measure([&] { io.run(); });
  rethrow_any(server_error, client_error);
  check_received(received, bytes);
  return e.wall_s;
}

// A total per unit, for the JSON and the table.
double per(double total, double units) {
  return total / units;
}
double per(std::uint64_t total, double units) {
  return static_cast<double>(total) / units;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{
      "bench-http",
      "",
      3,
      {"sim_requests", "loopback_requests", "sim_bulk", "loopback_bulk", "sim_small_reads",
       "loopback_small_reads"}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  sizes size;
  if (opts.quick) {
    size.requests = 200;
    size.bulk_bytes = std::uint64_t{2} << 20;
    size.small_reads_bytes = std::uint64_t{1} << 20;
  }
  using workloads::read_room;

  engine_work request_work;
  engine_work bulk_work;
  engine_work small_work;
  const bench::comparison requests =
      bench::alternate(opts, {"sim_requests", [&] { return sim_requests(size, request_work); }},
                       {"loopback_requests", [&] { return real_requests(size); }});
  const bench::comparison bulk = bench::alternate(
      opts,
      {"sim_bulk", [&] { return sim_bulk(size, size.bulk_bytes, read_room::piece, bulk_work); }},
      {"loopback_bulk", [&] { return real_bulk(size, size.bulk_bytes, read_room::piece); }});
  const bench::comparison small = bench::alternate(
      opts,
      {"sim_small_reads",
       [&] {
         return sim_bulk(size, size.small_reads_bytes, read_room::beast_default, small_work);
       }},
      {"loopback_small_reads",
       [&] { return real_bulk(size, size.small_reads_bytes, read_room::beast_default); }});

  const double requests_n = size.requests;
  const double bulk_mib = static_cast<double>(size.bulk_bytes) / (1 << 20);
  const double small_mib = static_cast<double>(size.small_reads_bytes) / (1 << 20);
  const double bulk_pieces = static_cast<double>(size.bulk_bytes) / size.piece_bytes;
  const double small_pieces = static_cast<double>(size.small_reads_bytes) / size.piece_bytes;
  if (opts.json) {
    bench::json_object out;
    out.number("sim_vs_loopback", requests.ratio)
        .number("sim_vs_loopback_bulk", bulk.ratio)
        .number("sim_vs_loopback_bulk_512b_reads", small.ratio)
        .comparison_object("requests", requests, "s")
        .comparison_object("bulk", bulk, "s")
        .comparison_object("bulk_512b_reads", small, "s")
        .integer("request_count", size.requests)
        .integer("bulk_bytes", static_cast<long long>(size.bulk_bytes))
        .integer("bulk_512b_reads_bytes", static_cast<long long>(size.small_reads_bytes))
        .integer("piece_bytes", static_cast<long long>(size.piece_bytes))
        .number("sim_us_per_request", per(requests.a * 1e6, requests_n))
        .number("loopback_us_per_request", per(requests.b * 1e6, requests_n))
        .number("sim_bulk_mib_per_s", per(bulk_mib, bulk.a))
        .number("loopback_bulk_mib_per_s", per(bulk_mib, bulk.b))
        .number("sim_bulk_512b_reads_mib_per_s", per(small_mib, small.a))
        .number("loopback_bulk_512b_reads_mib_per_s", per(small_mib, small.b))
        .number("sim_handlers_per_request", per(request_work.handlers, requests_n))
        .number("sim_events_per_request", per(request_work.events, requests_n))
        .number("sim_handlers_per_piece", per(bulk_work.handlers, bulk_pieces))
        .number("sim_events_per_piece", per(bulk_work.events, bulk_pieces))
        .number("sim_handlers_per_piece_512b_reads", per(small_work.handlers, small_pieces))
        .number("sim_events_per_piece_512b_reads", per(small_work.events, small_pieces))
        .integer("pairs", opts.pairs);
    out.print();
    return 0;
  }
  std::printf("wall time, median of %d alternating pairs (ratio: loopback / simulated):\n",
              opts.pairs);
  bench::print_comparison(std::to_string(size.requests) + " keep-alive requests", requests, 1e3,
                          "ms");
  bench::print_comparison(std::to_string(static_cast<int>(bulk_mib)) + " MiB, 64 KiB reads", bulk,
                          1e3, "ms");
  bench::print_comparison(std::to_string(static_cast<int>(small_mib)) + " MiB, 512 B reads", small,
                          1e3, "ms");
  std::printf("  per request: simulated %.2f us, loopback %.2f us\n",
              per(requests.a * 1e6, requests_n), per(requests.b * 1e6, requests_n));
  std::printf(
      "  bulk: simulated %.0f MiB/s, loopback %.0f MiB/s; 512 B reads: %.0f vs %.0f MiB/s\n",
      per(bulk_mib, bulk.a), per(bulk_mib, bulk.b), per(small_mib, small.a),
      per(small_mib, small.b));
  std::printf(
      "  simulated engine work: %.1f handlers, %.1f events per request; per 64 KiB piece "
      "%.1f and %.1f (64 KiB reads), %.1f and %.1f (512 B reads)\n",
      per(request_work.handlers, requests_n), per(request_work.events, requests_n),
      per(bulk_work.handlers, bulk_pieces), per(bulk_work.events, bulk_pieces),
      per(small_work.handlers, small_pieces), per(small_work.events, small_pieces));
  return 0;
}
