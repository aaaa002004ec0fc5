// One suite of provider behaviours, two bundles: every typed test runs the
// same code against moonpool::sim::providers (a world with a server host
// and a client host, fast_local network and disk, no faults) and against
// moonpool::real::providers (an io_context, loopback TCP on port 0, real
// files in a fresh temporary directory). The network cases run a second
// time through moonpool::any_stream and moonpool::any_acceptor, made from
// the bundle's executor, in both worlds. Real-world cases use no timing
// threshold: a timer is checked to last at least its duration, never at
// most.
//
// What only one world can show is tested below the typed suites: exact
// replays of random draws, the deadlock report naming a spawned task, a
// bundle made from a runner's Context.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/write_at.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <exception>
#include <filesystem>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "moonpool/any_acceptor.hpp"
#include "moonpool/any_stream.hpp"
#include "moonpool/any_stream_websocket.hpp"
#include "moonpool/core/providers.hpp"
#include "moonpool/core/task_failed.hpp"
#include "moonpool/real/beast.hpp"
#include "moonpool/real/providers.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/beast.hpp"
#include "moonpool/sim/providers.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);

static_assert(moonpool::providers<moonpool::real::providers>);
static_assert(moonpool::providers<moonpool::sim::providers>);
static_assert(
    std::is_same_v<moonpool::tcp_stream_of_t<moonpool::real::providers>, boost::beast::tcp_stream>);
static_assert(
    std::is_same_v<moonpool::tcp_stream_of_t<moonpool::sim::providers>, moonpool::sim::tcp_stream>);

// --- the two worlds ------------------------------------------------------------------

// Two simulated hosts; the test body runs as a task on the client.
class sim_world {
 public:
  using providers_type = moonpool::sim::providers;
  static constexpr bool simulated = true;

  sim_world()
      : world_(7),
        server_host_(world_.add_host("10.0.1.1")),
        client_host_(world_.add_host("10.0.0.1")) {
    world_.set_network_config(moonpool::sim::network_config::fast_local());
    world_.set_storage_config(moonpool::sim::storage_config::fast_local());
  }

  [[nodiscard]] providers_type server() const { return providers_type(server_host_); }
  [[nodiscard]] providers_type client() const { return providers_type(client_host_); }
  [[nodiscard]] asio::ip::tcp::endpoint listen_endpoint() const {
    return {server_host_.address(), 0};
  }
  [[nodiscard]] moonpool::sim::world& world() { return world_; }

  // Runs `body` (a callable returning awaitable<void>) until the world is
  // quiet; rethrows what it threw.
  template <class Body>
  void run(Body body) {
    auto task = moonpool::sim::spawn(client_host_.get_executor(), "test", std::move(body));
    world_.run();
    task.get();
  }

  // Runs `body`; returns how the bundle reported a task's escaping
  // exception (here: the task_failed the drive loop threw).
  template <class Body>
  std::string run_reporting_escape(Body body) {
    auto task = moonpool::sim::spawn(client_host_.get_executor(), "test", std::move(body));
    std::string report;
    try {
      world_.run();
    } catch (const moonpool::task_failed& failure) {
      report = failure.what();
      world_.run();  // the run can be resumed: the other tasks finish
    }
    task.get();
    return report;
  }

  // Simulated time is exact: a timer of D takes D.
  static void expect_elapsed(std::chrono::nanoseconds measured, std::chrono::nanoseconds d) {
    EXPECT_EQ(measured, d);
  }

 private:
  moonpool::sim::world world_;
  moonpool::sim::host server_host_;
  moonpool::sim::host client_host_;
};

std::filesystem::path make_temporary_directory() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "moonpool-providers-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  return pattern;
}

// One io_context, loopback TCP, real files in a fresh temporary directory.
class real_world {
 public:
  using providers_type = moonpool::real::providers;
  static constexpr bool simulated = false;

  real_world() : root_(make_temporary_directory()) {}
  real_world(const real_world&) = delete;
  real_world& operator=(const real_world&) = delete;
  ~real_world() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  [[nodiscard]] providers_type server() { return providers_type(io_, root_ / "server"); }
  [[nodiscard]] providers_type client() { return providers_type(io_, root_ / "client"); }
  [[nodiscard]] static asio::ip::tcp::endpoint listen_endpoint() {
    return {asio::ip::address_v4::loopback(), 0};
  }

  template <class Body>
  void run(Body body) {
    std::exception_ptr failure;
    asio::co_spawn(io_, std::move(body), [&](std::exception_ptr e) { failure = e; });
    io_.restart();
    io_.run();
    if (failure) {
      std::rethrow_exception(failure);
    }
  }

  // Runs `body`; returns how the bundle reported a task's escaping
  // exception (here: what it printed on stderr).
  template <class Body>
  std::string run_reporting_escape(Body body) {
    testing::internal::CaptureStderr();
    try {
      run(std::move(body));
    } catch (...) {
      testing::internal::GetCapturedStderr();
      throw;
    }
    return testing::internal::GetCapturedStderr();
  }

  // The OS clock: at least D, with no upper bound (a loaded machine).
  static void expect_elapsed(std::chrono::nanoseconds measured, std::chrono::nanoseconds d) {
    EXPECT_GE(measured, d);
  }

 private:
  asio::io_context io_;
  std::filesystem::path root_;
};

// Yields to the other ready work of the executor (both worlds).
asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

// Waits, yielding, until `done` holds; fails after a bound rather than hang.
template <class Predicate>
asio::awaitable<void> yield_until(Predicate done) {
  constexpr int yields_max = 10000;
  for (int i = 0; i < yields_max; ++i) {
    if (done()) {
      co_return;
    }
    co_await yield();
  }
  throw std::runtime_error("condition not reached after 10000 yields");
}

// --- the bundle: time, tasks, randomness, storage --------------------------------------

template <class World>
class ProvidersConformance : public testing::Test {
 protected:
  World world_;
};

using worlds = testing::Types<sim_world, real_world>;

class world_names {
 public:
  template <class T>
  static std::string GetName(int) {
    return T::simulated ? "sim" : "real";
  }
};

TYPED_TEST_SUITE(ProvidersConformance, worlds, world_names);

TYPED_TEST(ProvidersConformance, TimerCompletesAfterItsDurationOnTheBundleClock) {
  auto p = this->world_.client();
  std::vector<std::chrono::nanoseconds> elapsed;
  this->world_.run([&]() -> asio::awaitable<void> {
    for (const auto d : {1ms, 25ms}) {
      typename decltype(p)::steady_timer timer(p.get_executor());
      const auto before = p.now();
      timer.expires_after(d);
      co_await timer.async_wait(asio::use_awaitable);
      elapsed.push_back(p.now() - before);
    }
  });
  ASSERT_EQ(elapsed.size(), 2U);
  TypeParam::expect_elapsed(elapsed[0], 1ms);
  TypeParam::expect_elapsed(elapsed[1], 25ms);
}

TYPED_TEST(ProvidersConformance, CancelledTimerCompletesWithOperationAborted) {
  auto p = this->world_.client();
  error_code ec;
  this->world_.run([&]() -> asio::awaitable<void> {
    typename decltype(p)::steady_timer timer(p.get_executor());
    timer.expires_after(std::chrono::hours(1));
    bool done = false;
    timer.async_wait([&](error_code e) {
      ec = e;
      done = true;
    });
    co_await yield();
    timer.cancel();
    co_await yield_until([&] { return done; });
  });
  EXPECT_EQ(ec, asio::error::operation_aborted);
}

TYPED_TEST(ProvidersConformance, SpawnRunsTheTask) {
  auto p = this->world_.client();
  bool ran = false;
  this->world_.run([&]() -> asio::awaitable<void> {
    p.spawn("worker", [](bool& flag) -> asio::awaitable<void> {
      flag = true;
      co_return;
    }(ran));
    co_await yield_until([&] { return ran; });
  });
  EXPECT_TRUE(ran);
}

// spawn(name, callable): the callable, and so a lambda coroutine's
// captures, lives as long as the task.
TYPED_TEST(ProvidersConformance, SpawnOfALambdaKeepsItsCapturesAlive) {
  auto p = this->world_.client();
  std::string seen;
  this->world_.run([&]() -> asio::awaitable<void> {
    {
      std::string message = "captured by value";
      p.spawn("lambda", [message, &seen]() -> asio::awaitable<void> {
        co_await yield();
        seen = message;
      });
    }
    co_await yield_until([&] { return !seen.empty(); });
  });
  EXPECT_EQ(seen, "captured by value");
}

TYPED_TEST(ProvidersConformance, TwoSpawnedTasksInterleave) {
  auto p = this->world_.client();
  std::string log;
  char turn = 'a';
  auto player = [](char me, char other, char& turn_ref, std::string& out) -> asio::awaitable<void> {
    for (int round = 0; round < 3; ++round) {
      co_await yield_until([&] { return turn_ref == me; });
      out += me;
      turn_ref = other;
    }
  };
  this->world_.run([&]() -> asio::awaitable<void> {
    p.spawn("player-b", player('b', 'a', turn, log));
    p.spawn("player-a", player('a', 'b', turn, log));
    co_await yield_until([&] { return log.size() == 6; });
  });
  // Each task waits for the other three times: neither can finish first.
  EXPECT_EQ(log, "ababab");
}

TYPED_TEST(ProvidersConformance, EscapingExceptionIsReportedWithTheTaskName) {
  auto p = this->world_.client();
  bool other_ran = false;
  const std::string report = this->world_.run_reporting_escape([&]() -> asio::awaitable<void> {
    p.spawn("thrower", []() -> asio::awaitable<void> {
      co_await yield();
      throw std::runtime_error("boom in the task");
    }());
    // The failure does not stop other work in either world.
    p.spawn("bystander", [](bool& flag) -> asio::awaitable<void> {
      co_await yield();
      co_await yield();
      flag = true;
    }(other_ran));
    co_return;
  });
  EXPECT_NE(report.find("task 'thrower'"), std::string::npos) << report;
  EXPECT_NE(report.find("boom in the task"), std::string::npos) << report;
  EXPECT_TRUE(other_ran);
}

TYPED_TEST(ProvidersConformance, RandomValuesVary) {
  auto p = this->world_.client();
  std::set<std::uint64_t> values;
  for (int i = 0; i < 16; ++i) {
    values.insert(p.random_u64());
  }
  // 16 draws of 64 bits: a repeat would be a broken source.
  EXPECT_EQ(values.size(), 16U);
}

TYPED_TEST(ProvidersConformance, StorageRoundTripThroughTheBundle) {
  using moonpool::sim::open_options;
  using moonpool::sim::sync_kind;
  auto p = this->world_.server();
  std::string read_back;
  this->world_.run([&]() -> asio::awaitable<void> {
    auto disk = p.storage();
    typename decltype(p)::file_type f = co_await disk.async_open(
        "/data/record", open_options::read_write | open_options::create, asio::use_awaitable);
    const std::string content = "written through the bundle";
    co_await asio::async_write_at(f, 0, asio::buffer(content), asio::use_awaitable);
    co_await f.async_sync(sync_kind::data_and_metadata, asio::use_awaitable);
    read_back.resize(content.size());
    co_await asio::async_read_at(f, 0, asio::buffer(read_back), asio::use_awaitable);
    EXPECT_TRUE(disk.exists("/data/record"));
  });
  EXPECT_EQ(read_back, "written through the bundle");
}

// Beast's tcp_stream counterpart of each bundle: deadline set, connect,
// one HTTP exchange.
TYPED_TEST(ProvidersConformance, BeastTcpStreamOfTheBundleCarriesHttp) {
  auto server = this->world_.server();
  auto client = this->world_.client();
  using P = decltype(client);
  std::string body;
  this->world_.run([&]() -> asio::awaitable<void> {
    typename P::tcp::acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    const auto endpoint = acceptor.local_endpoint();
    server.spawn("http-server", [](typename P::tcp::acceptor a) -> asio::awaitable<void> {
      auto socket = co_await a.async_accept(asio::use_awaitable);
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      co_await http::async_read(socket, buffer, request, asio::use_awaitable);
      http::response<http::string_body> response{http::status::ok, 11};
      response.body() = "hello " + std::string(request.target());
      response.prepare_payload();
      co_await http::async_write(socket, response, asio::use_awaitable);
    }(std::move(acceptor)));
    moonpool::tcp_stream_of_t<P> stream(client.get_executor());
    stream.expires_after(30s);
    co_await stream.async_connect(endpoint, asio::use_awaitable);
    http::request<http::empty_body> request{http::verb::get, "/bundle", 11};
    co_await http::async_write(stream, request, asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    co_await http::async_read(stream, buffer, response, asio::use_awaitable);
    body = response.body();
  });
  EXPECT_EQ(body, "hello /bundle");
}

// Beast HTTP over any_stream on both ends, made from the bundle's executor.
TYPED_TEST(ProvidersConformance, BeastHttpOverAnyStream) {
  auto server = this->world_.server();
  auto client = this->world_.client();
  std::string body;
  std::string server_saw;
  this->world_.run([&]() -> asio::awaitable<void> {
    moonpool::any_acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    EXPECT_EQ(acceptor.is_simulated(), TypeParam::simulated);
    const auto endpoint = acceptor.local_endpoint();
    server.spawn("http-server",
                 [](moonpool::any_acceptor a, std::string& saw) -> asio::awaitable<void> {
                   moonpool::any_stream socket = co_await a.async_accept(asio::use_awaitable);
                   boost::beast::flat_buffer buffer;
                   http::request<http::string_body> request;
                   co_await http::async_read(socket, buffer, request, asio::use_awaitable);
                   saw = request.body();
                   http::response<http::string_body> response{http::status::ok, 11};
                   response.body() = std::string(256 * 1024, 'r');
                   response.prepare_payload();
                   co_await http::async_write(socket, response, asio::use_awaitable);
                   socket.shutdown(moonpool::any_stream::shutdown_send);
                 }(std::move(acceptor), server_saw));
    moonpool::any_stream stream(client.get_executor());
    EXPECT_EQ(stream.is_simulated(), TypeParam::simulated);
    co_await stream.async_connect(endpoint, asio::use_awaitable);
    http::request<http::string_body> request{http::verb::post, "/echo", 11};
    request.body() = std::string(100 * 1024, 'q');
    request.prepare_payload();
    co_await http::async_write(stream, request, asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    co_await http::async_read(stream, buffer, response, asio::use_awaitable);
    body = response.body();
  });
  EXPECT_EQ(server_saw, std::string(100 * 1024, 'q'));
  EXPECT_EQ(body, std::string(256 * 1024, 'r'));
}

// Beast WebSocket over any_stream (moonpool/any_stream_websocket.hpp): a
// handshake, one message each way, a close handshake.
TYPED_TEST(ProvidersConformance, BeastWebSocketOverAnyStream) {
  moonpool::sim::seed_websocket_prng();  // before any WebSocket stream exists
  auto server = this->world_.server();
  auto client = this->world_.client();
  std::string echoed;
  error_code server_end;
  this->world_.run([&]() -> asio::awaitable<void> {
    moonpool::any_acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    const auto endpoint = acceptor.local_endpoint();
    server.spawn(
        "ws-server", [](moonpool::any_acceptor a, error_code& end) -> asio::awaitable<void> {
          websocket::stream<moonpool::any_stream> ws(co_await a.async_accept(asio::use_awaitable));
          co_await ws.async_accept(asio::use_awaitable);
          boost::beast::flat_buffer buffer;
          co_await ws.async_read(buffer, asio::use_awaitable);
          ws.text(ws.got_text());
          co_await ws.async_write(buffer.data(), asio::use_awaitable);
          buffer.consume(buffer.size());
          std::tie(end, std::ignore) = co_await ws.async_read(buffer, awaitable_tuple);
        }(std::move(acceptor), server_end));
    websocket::stream<moonpool::any_stream> ws(moonpool::any_stream(client.get_executor()));
    co_await ws.next_layer().async_connect(endpoint, asio::use_awaitable);
    co_await ws.async_handshake("localhost", "/", asio::use_awaitable);
    co_await ws.async_write(asio::buffer(std::string("ping over any_stream")), asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    echoed = boost::beast::buffers_to_string(buffer.data());
    co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
  });
  EXPECT_EQ(echoed, "ping over any_stream");
  EXPECT_EQ(server_end, websocket::error::closed);
}

// --- the network: the bundle's own sockets, and any_stream -------------------------------

template <class World, bool UseAny>
struct net_case {
  using world = World;
  using providers_type = typename World::providers_type;
  using socket =
      std::conditional_t<UseAny, moonpool::any_stream, typename providers_type::tcp::socket>;
  using acceptor =
      std::conditional_t<UseAny, moonpool::any_acceptor, typename providers_type::tcp::acceptor>;
  static constexpr bool any = UseAny;
};

template <class Case>
class NetworkConformance : public testing::Test {
 protected:
  typename Case::world world_;
};

using net_cases = testing::Types<net_case<sim_world, false>, net_case<real_world, false>,
                                 net_case<sim_world, true>, net_case<real_world, true>>;

class net_case_names {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::string(T::world::simulated ? "sim" : "real") + (T::any ? "_any_stream" : "_socket");
  }
};

TYPED_TEST_SUITE(NetworkConformance, net_cases, net_case_names);

// Reads until end of stream; returns what came and the final error.
template <class Socket>
asio::awaitable<std::pair<std::string, error_code>> read_to_end(Socket& socket) {
  std::string out;
  char chunk[1024];
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk), awaitable_tuple);
    out.append(chunk, n);
    if (ec) {
      co_return std::pair{out, ec};
    }
  }
}

// A server that accepts one connection, echoes everything it reads, then
// closes its side once the client has closed its own.
template <class Case>
asio::awaitable<void> echo_once(typename Case::acceptor acceptor) {
  typename Case::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
  char chunk[4096];
  for (;;) {
    auto [ec, n] = co_await peer.async_read_some(asio::buffer(chunk), awaitable_tuple);
    if (n > 0) {
      co_await asio::async_write(peer, asio::buffer(chunk, n), asio::use_awaitable);
    }
    if (ec) {
      break;
    }
  }
  peer.close();
}

TYPED_TEST(NetworkConformance, EchoesBytesBothWaysThenEndOfStream) {
  auto server = this->world_.server();
  auto client = this->world_.client();
  std::string echoed;
  error_code end;
  this->world_.run([&]() -> asio::awaitable<void> {
    typename TypeParam::acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    const auto endpoint = acceptor.local_endpoint();
    EXPECT_NE(endpoint.port(), 0);
    server.spawn("echo", echo_once<TypeParam>(std::move(acceptor)));

    typename TypeParam::socket socket(client.get_executor());
    co_await socket.async_connect(endpoint, asio::use_awaitable);
    EXPECT_EQ(socket.remote_endpoint(), endpoint);
    EXPECT_TRUE(socket.is_open());
    const std::string message(64 * 1024, 'x');
    co_await asio::async_write(socket, asio::buffer(message), asio::use_awaitable);
    std::string first(message.size(), '\0');
    co_await asio::async_read(socket, asio::buffer(first), asio::use_awaitable);
    EXPECT_EQ(first, message);
    co_await asio::async_write(socket, asio::buffer(std::string("tail")), asio::use_awaitable);
    socket.shutdown(TypeParam::socket::shutdown_send);
    std::tie(echoed, end) = co_await read_to_end(socket);
  });
  EXPECT_EQ(echoed, "tail");
  EXPECT_EQ(end, asio::error::eof);
}

TYPED_TEST(NetworkConformance, ConnectToAClosedPortIsRefused) {
  auto server = this->world_.server();
  auto client = this->world_.client();
  error_code ec;
  this->world_.run([&]() -> asio::awaitable<void> {
    asio::ip::tcp::endpoint endpoint;
    {
      // A port that was just free: listen on port 0, note it, close.
      typename TypeParam::acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
      endpoint = acceptor.local_endpoint();
      acceptor.close();
    }
    typename TypeParam::socket socket(client.get_executor());
    std::tie(ec) = co_await socket.async_connect(endpoint, awaitable_tuple);
  });
  EXPECT_EQ(ec, asio::error::connection_refused);
}

// Per-operation cancellation: emitting on the read's slot aborts it.
TYPED_TEST(NetworkConformance, CancellingAPendingReadGivesOperationAborted) {
  auto server = this->world_.server();
  auto client = this->world_.client();
  error_code ec;
  std::size_t bytes = 1;
  this->world_.run([&]() -> asio::awaitable<void> {
    typename TypeParam::acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    const auto endpoint = acceptor.local_endpoint();
    server.spawn("echo", echo_once<TypeParam>(std::move(acceptor)));
    typename TypeParam::socket socket(client.get_executor());
    co_await socket.async_connect(endpoint, asio::use_awaitable);

    asio::cancellation_signal signal;
    bool done = false;
    char chunk[16];
    socket.async_read_some(
        asio::buffer(chunk),
        asio::bind_cancellation_slot(signal.slot(), [&](error_code e, std::size_t n) {
          ec = e;
          bytes = n;
          done = true;
        }));
    co_await yield();
    EXPECT_FALSE(done) << "nothing was sent: the read must still be pending";
    signal.emit(asio::cancellation_type::terminal);
    co_await yield_until([&] { return done; });
    socket.close();  // lets the echo server finish
  });
  EXPECT_EQ(ec, asio::error::operation_aborted);
  EXPECT_EQ(bytes, 0U);
}

// cancel() on the socket aborts its pending read too.
TYPED_TEST(NetworkConformance, SocketCancelAbortsAPendingRead) {
  auto server = this->world_.server();
  auto client = this->world_.client();
  error_code ec;
  this->world_.run([&]() -> asio::awaitable<void> {
    typename TypeParam::acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    const auto endpoint = acceptor.local_endpoint();
    server.spawn("echo", echo_once<TypeParam>(std::move(acceptor)));
    typename TypeParam::socket socket(client.get_executor());
    co_await socket.async_connect(endpoint, asio::use_awaitable);
    bool done = false;
    char chunk[16];
    socket.async_read_some(asio::buffer(chunk), [&](error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    co_await yield();
    socket.cancel();
    co_await yield_until([&] { return done; });
    socket.close();
  });
  EXPECT_EQ(ec, asio::error::operation_aborted);
}

// Closing the acceptor aborts a pending accept (any_acceptor's adapter
// passes the socket type through; the error arrives as on the concrete one).
TYPED_TEST(NetworkConformance, ClosingTheAcceptorAbortsAPendingAccept) {
  auto server = this->world_.server();
  error_code ec;
  this->world_.run([&]() -> asio::awaitable<void> {
    typename TypeParam::acceptor acceptor(server.get_executor(), this->world_.listen_endpoint());
    bool done = false;
    acceptor.async_accept([&](error_code e, auto) {
      ec = e;
      done = true;
    });
    co_await yield();
    acceptor.close();
    co_await yield_until([&] { return done; });
  });
  EXPECT_EQ(ec, asio::error::operation_aborted);
}

// --- what only one world shows -----------------------------------------------------------

TEST(SimProviders, SameSeedDrawsTheSameValues) {
  auto draws = [](std::uint64_t seed) {
    moonpool::sim::world world(seed);
    moonpool::sim::providers p(world.add_host("10.0.1.1"));
    return std::vector<std::uint64_t>{p.random_u64(), p.random_u64(), p.random_u64()};
  };
  EXPECT_EQ(draws(11), draws(11));
  EXPECT_NE(draws(11), draws(12));
}

TEST(SimProviders, RandomDrawsComeFromTheCountedSimulationStream) {
  moonpool::sim::world world(3);
  moonpool::sim::providers p(world.add_host("10.0.1.1"));
  const auto before = world.random().call_count();
  (void)p.random_u64();
  EXPECT_EQ(world.random().call_count(), before + 1);
}

TEST(SimProviders, DeadlockReportNamesTheSpawnedTask) {
  moonpool::sim::world world(5);
  moonpool::sim::providers p(world.add_host("10.0.1.1"));
  p.spawn("lonely-listener", [](moonpool::sim::providers bundle) -> asio::awaitable<void> {
    moonpool::sim::tcp::acceptor acceptor(bundle.get_executor(), {bundle.host().address(), 8080});
    co_await acceptor.async_accept(asio::use_awaitable);  // nobody ever connects
  }(p));
  try {
    world.run();
    FAIL() << "expected a deadlock";
  } catch (const moonpool::sim::deadlock_error& e) {
    EXPECT_NE(std::string(e.what()).find("lonely-listener"), std::string::npos) << e.what();
  }
}

TEST(SimProviders, EscapingExceptionCarriesTheOriginalAndTheSeed) {
  moonpool::sim::world world(9);
  moonpool::sim::providers p(world.add_host("10.0.1.1"));
  p.spawn("thrower", []() -> asio::awaitable<void> {
    throw std::out_of_range("index 4");
    co_return;
  }());
  try {
    world.run();
    FAIL() << "expected task_failed";
  } catch (const moonpool::task_failed& e) {
    EXPECT_EQ(e.task_name(), "thrower");
    EXPECT_THROW(std::rethrow_exception(e.error()), std::out_of_range);
    EXPECT_NE(std::string(e.what()).find("seed 9"), std::string::npos) << e.what();
  }
}

TEST(AnyStream, PicksTheWorldOfTheExecutor) {
  asio::io_context io;
  moonpool::any_stream real_stream(io.get_executor());
  EXPECT_FALSE(real_stream.is_simulated());
  EXPECT_NE(real_stream.real(), nullptr);
  EXPECT_EQ(real_stream.simulated(), nullptr);

  moonpool::sim::world world(1);
  auto host = world.add_host("10.0.1.1");
  moonpool::any_stream sim_stream(host.get_executor());
  EXPECT_TRUE(sim_stream.is_simulated());
  EXPECT_NE(sim_stream.simulated(), nullptr);
  moonpool::any_acceptor sim_acceptor(host.get_executor());
  EXPECT_TRUE(sim_acceptor.is_simulated());
  EXPECT_FALSE(moonpool::any_acceptor(io.get_executor()).is_simulated());
}

// A bundle made from a runner's Context: the workload's spawned task runs
// on its host, and an escaping exception fails the seed with its name.
class spawning_workload : public moonpool::sim::Workload {
 public:
  explicit spawning_workload(bool throw_in_task) : throw_in_task_(throw_in_task) {}
  [[nodiscard]] std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    moonpool::sim::providers p(ctx);
    p.spawn("helper", [](bool fail, bool& flag) -> asio::awaitable<void> {
      co_await yield();
      if (fail) {
        throw std::runtime_error("helper gave up");
      }
      flag = true;
    }(throw_in_task_, helper_ran_));
    typename moonpool::sim::providers::steady_timer timer(p.get_executor());
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  asio::awaitable<void> check(moonpool::sim::Context&) override {
    if (!helper_ran_) {
      throw std::runtime_error("the helper task did not run");
    }
    co_return;
  }

 private:
  bool throw_in_task_;
  bool helper_ran_ = false;
};

TEST(SimProviders, BundleFromAContextInTheRunner) {
  for (const bool fail : {false, true}) {
    moonpool::sim::SimulationBuilder builder;
    builder.workload([fail] { return std::make_unique<spawning_workload>(fail); });
    const auto result = builder.run_seed(21);
    if (fail) {
      EXPECT_FALSE(result.ok);
      EXPECT_NE(result.error.find("task 'helper'"), std::string::npos) << result.error;
      EXPECT_NE(result.error.find("helper gave up"), std::string::npos) << result.error;
    } else {
      EXPECT_TRUE(result.ok) << result.error;
    }
  }
}

}  // namespace
