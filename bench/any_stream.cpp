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
//   build/bin/bench-any-stream [--json] [--rounds N]
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

#include "moonpool/any_acceptor.hpp"
#include "moonpool/any_stream.hpp"
#include "moonpool/sim.hpp"

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t message_bytes = 64;
constexpr int sim_round_trips = 4000;
constexpr int real_round_trips = 4000;

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
double sim_batch(std::uint64_t seed) {
  moonpool::sim::world world(seed);
  world.set_network_config(moonpool::sim::network_config::fast_local());
  auto server_host = world.add_host("10.0.1.1");
  auto client_host = world.add_host("10.0.0.1");
  const asio::ip::tcp::endpoint endpoint{server_host.address(), 8080};
  Acceptor acceptor(server_host.get_executor(), endpoint);
  bool connected = false;
  moonpool::sim::spawn(server_host.get_executor(), "server",
                       echo_server<Acceptor, Socket>(std::move(acceptor), sim_round_trips))
      .detach();
  moonpool::sim::spawn(
      client_host.get_executor(), "client",
      client(Socket(client_host.get_executor()), endpoint, sim_round_trips, connected))
      .detach();
  static_cast<void>(world.state().run_until([&] { return connected; }, std::chrono::hours(1)));
  // Outside the drive loop the standard clocks read real time.
  const auto started = clock_type::now();
  world.run();
  const auto elapsed = clock_type::now() - started;
  return std::chrono::duration<double, std::nano>(elapsed).count() / sim_round_trips;
}

// Nanoseconds per round trip of one loopback batch.
template <class Acceptor, class Socket>
double real_batch() {
  asio::io_context io;
  Acceptor acceptor(io.get_executor(), {asio::ip::address_v4::loopback(), 0});
  const auto endpoint = acceptor.local_endpoint();
  bool connected = false;
  asio::co_spawn(io, echo_server<Acceptor, Socket>(std::move(acceptor), real_round_trips),
                 asio::detached);
  asio::co_spawn(io, client(Socket(io.get_executor()), endpoint, real_round_trips, connected),
                 asio::detached);
  while (!connected) {
    io.run_one();
  }
  const auto started = clock_type::now();
  io.run();
  const auto elapsed = clock_type::now() - started;
  return std::chrono::duration<double, std::nano>(elapsed).count() / real_round_trips;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct comparison {
  double concrete_ns = 0;  // median per round trip, concrete socket
  double any_ns = 0;       // median per round trip, any_stream
  double ratio = 0;        // median of per-pair any / concrete
};

// Alternates A and B `rounds` times (after one warm-up pair).
template <class A, class B>
comparison compare(int rounds, A run_concrete, B run_any) {
  static_cast<void>(run_concrete(0));
  static_cast<void>(run_any(0));
  std::vector<double> concrete;
  std::vector<double> any;
  std::vector<double> ratios;
  for (int i = 0; i < rounds; ++i) {
    concrete.push_back(run_concrete(i + 1));
    any.push_back(run_any(i + 1));
    ratios.push_back(any.back() / concrete.back());
  }
  return {median(concrete), median(any), median(ratios)};
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false;
  int rounds = 11;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: bench-any-stream [--json] [--rounds N]\n");
      return 2;
    }
  }
  if (rounds < 1) {
    std::fprintf(stderr, "bench-any-stream: --rounds expects at least 1\n");
    return 2;
  }

  using sim_tcp = moonpool::sim::tcp;
  using real_tcp = asio::ip::tcp;
  // The same seed for A and B of a pair: the same simulated schedule.
  const comparison simulated = compare(
      rounds,
      [](int i) { return sim_batch<sim_tcp::acceptor, sim_tcp::socket>(static_cast<unsigned>(i)); },
      [](int i) {
        return sim_batch<moonpool::any_acceptor, moonpool::any_stream>(static_cast<unsigned>(i));
      });
  const comparison real = compare(
      rounds, [](int) { return real_batch<real_tcp::acceptor, real_tcp::socket>(); },
      [](int) { return real_batch<moonpool::any_acceptor, moonpool::any_stream>(); });

  if (json) {
    std::printf(
        "{\"rounds\": %d, \"message_bytes\": %zu, "
        "\"sim\": {\"round_trips\": %d, \"socket_ns\": %.1f, \"any_stream_ns\": %.1f, "
        "\"ratio\": %.4f}, "
        "\"real\": {\"round_trips\": %d, \"socket_ns\": %.1f, \"any_stream_ns\": %.1f, "
        "\"ratio\": %.4f}}\n",
        rounds, message_bytes, sim_round_trips, simulated.concrete_ns, simulated.any_ns,
        simulated.ratio, real_round_trips, real.concrete_ns, real.any_ns, real.ratio);
    return 0;
  }
  std::printf("read+write round trips of %zu bytes (4 operations each), median of %d pairs:\n",
              message_bytes, rounds);
  std::printf("  simulated: socket %8.0f ns, any_stream %8.0f ns, any_stream / socket %.3fx\n",
              simulated.concrete_ns, simulated.any_ns, simulated.ratio);
  std::printf("  loopback:  socket %8.0f ns, any_stream %8.0f ns, any_stream / socket %.3fx\n",
              real.concrete_ns, real.any_ns, real.ratio);
  return 0;
}
