// What moonpool::any_stream costs over the socket it holds, measured in one
// run for both worlds:
//
//  * simulated: a world with two hosts (fast_local network), a client that
//    writes 64 bytes and reads the echo, a server that echoes them;
//  * real: the same over loopback TCP on one io_context.
//
// Each round trip is four operations (two async_write_some, two
// async_read_some) through C++20 coroutines with use_awaitable. A batch is
// N round trips on one connection, timed from the first write to the last
// read (connection set-up excluded). Batches alternate: concrete socket and
// acceptor (A), then any_stream and any_acceptor (B), so that drift of the
// machine hits both; the ratio B/A is taken per pair and the median
// reported with the median time of each side.
//
//   build/bin/bench-any-stream [--json] [--quick] [--pairs N]
//
// No timing is asserted anywhere; docs/PERFORMANCE.md records the numbers.

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "harness.hpp"
#include "moonpool/any_acceptor.hpp"
#include "moonpool/any_stream.hpp"
#include "moonpool/sim.hpp"

namespace {

namespace asio = boost::asio;

constexpr std::size_t message_bytes = 64;
constexpr int sim_round_trips_default = 4000;
constexpr int real_round_trips_default = 4000;

// Echoes `round_trips` messages of message_bytes.
template <class Acceptor, class Socket>
asio::awaitable<void> echo_server(Acceptor acceptor, int round_trips) {
  Socket peer = co_await acceptor.async_accept(asio::use_awaitable);
  char buffer[message_bytes];
  for (int i = 0; i < round_trips; ++i) {
    co_await asio::async_read(peer, asio::buffer(buffer), asio::use_awaitable);
    co_await asio::async_write(peer, asio::buffer(buffer), asio::use_awaitable);
  }
}

// Connects, then (once `go` is set) runs the round trips.
template <class Socket>
asio::awaitable<void> client(Socket socket, asio::ip::tcp::endpoint server, int round_trips,
                             bool& connected) {
  co_await socket.async_connect(server, asio::use_awaitable);
  connected = true;
  char buffer[message_bytes] = {};
  for (int i = 0; i < round_trips; ++i) {
    co_await asio::async_write(socket, asio::buffer(buffer), asio::use_awaitable);
    co_await asio::async_read(socket, asio::buffer(buffer), asio::use_awaitable);
  }
}

// Nanoseconds per round trip of one simulated batch.
template <class Acceptor, class Socket>
double sim_batch(std::uint64_t seed, int round_trips) {
  moonpool::sim::world world(seed);
  world.set_network_config(moonpool::sim::network_config::fast_local());
  auto server_host = world.add_host("10.0.1.1");
  auto client_host = world.add_host("10.0.0.1");
  const asio::ip::tcp::endpoint endpoint{server_host.address(), 8080};
  Acceptor acceptor(server_host.get_executor(), endpoint);
  bool connected = false;
  moonpool::sim::spawn(server_host.get_executor(), "server",
                       echo_server<Acceptor, Socket>(std::move(acceptor), round_trips))
      .detach();
  moonpool::sim::spawn(client_host.get_executor(), "client",
                       client(Socket(client_host.get_executor()), endpoint, round_trips, connected))
      .detach();
  static_cast<void>(world.state().run_until([&] { return connected; }, std::chrono::hours(1)));
  const bench::elapsed e = bench::measure([&] { world.run(); });
  return e.wall_s * 1e9 / round_trips;
}

// Nanoseconds per round trip of one loopback batch.
template <class Acceptor, class Socket>
double real_batch(int round_trips) {
  asio::io_context io;
  Acceptor acceptor(io.get_executor(), {asio::ip::address_v4::loopback(), 0});
  const auto endpoint = acceptor.local_endpoint();
  bool connected = false;
  asio::co_spawn(io, echo_server<Acceptor, Socket>(std::move(acceptor), round_trips),
                 asio::detached);
  asio::co_spawn(io, client(Socket(io.get_executor()), endpoint, round_trips, connected),
                 asio::detached);
  while (!connected) {
    io.run_one();
  }
  const bench::elapsed e = bench::measure([&] { io.run(); });
  return e.wall_s * 1e9 / round_trips;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::description description{"bench-any-stream", "", 11, {}};
  const bench::options opts = bench::parse(argc, argv, description);
  bench::reject_rest(opts, description);
  const int sim_round_trips = opts.quick ? 100 : sim_round_trips_default;
  const int real_round_trips = opts.quick ? 100 : real_round_trips_default;

  using sim_tcp = moonpool::sim::tcp;
  using real_tcp = asio::ip::tcp;
  // One seed for every batch: both sides run the same simulated schedule.
  constexpr std::uint64_t sim_seed = 1;
  const bench::comparison simulated = bench::alternate(
      opts,
      {"socket",
       [&] { return sim_batch<sim_tcp::acceptor, sim_tcp::socket>(sim_seed, sim_round_trips); }},
      {"any_stream", [&] {
         return sim_batch<moonpool::any_acceptor, moonpool::any_stream>(sim_seed, sim_round_trips);
       }});
  const bench::comparison real = bench::alternate(
      opts,
      {"socket",
       [&] { return real_batch<real_tcp::acceptor, real_tcp::socket>(real_round_trips); }},
      {"any_stream",
       [&] { return real_batch<moonpool::any_acceptor, moonpool::any_stream>(real_round_trips); }});

  if (opts.json) {
    bench::json_object sim_json;
    sim_json.integer("round_trips", sim_round_trips)
        .number("socket_ns", simulated.a)
        .number("any_stream_ns", simulated.b)
        .number("ratio", simulated.ratio);
    bench::json_object real_json;
    real_json.integer("round_trips", real_round_trips)
        .number("socket_ns", real.a)
        .number("any_stream_ns", real.b)
        .number("ratio", real.ratio);
    bench::json_object out;
    out.integer("rounds", opts.pairs)
        .integer("message_bytes", static_cast<long long>(message_bytes))
        .object("sim", sim_json)
        .object("real", real_json);
    out.print();
    return 0;
  }
  std::printf("read+write round trips of %zu bytes (4 operations each), median of %d pairs:\n",
              message_bytes, opts.pairs);
  bench::print_comparison("simulated", simulated, 1, "ns");
  bench::print_comparison("loopback", real, 1, "ns");
  return 0;
}
