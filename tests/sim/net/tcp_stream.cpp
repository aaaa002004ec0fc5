#include "moonpool/sim/net/tcp_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include "net/support/timeout_client.hpp"
#include "net/support/two_hosts.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;
using moonpool::sim::tcp_stream;
using moonpool::test::two_hosts;
namespace app = moonpool::test::timeout_app;
using tcp = moonpool::sim::tcp;

static_assert(beast::is_async_stream<tcp_stream>::value);
static_assert(beast::is_async_stream<tcp::socket>::value);

// The client code also compiles against the real beast::tcp_stream: it is
// the code production would run, with only the stream type changed.
[[maybe_unused]] static auto* const production_instance =
    &app::get<beast::tcp_stream, asio::ip::tcp::endpoint>;

namespace {

// The server keeps the accepted stream alive until told to stop, so a silent
// server does not close the connection.
void serve(two_hosts& net, bool silent, bool& served) {
  net.spawn_on(net.server, "server", [&net, silent, &served]() -> asio::awaitable<void> {
    tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    tcp_stream stream(co_await acceptor.async_accept(asio::use_awaitable));
    co_await app::answer_once(stream, silent);
    served = true;
    co_await moonpool::sim::sleep(1min);
  });
}

}  // namespace

TEST(TcpStream, BeastHttpWithDeadlinesWorksWhenThePeerAnswers) {
  two_hosts net{1};
  bool served = false;
  serve(net, /*silent=*/false, served);
  std::string body;
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp_stream stream(co_await asio::this_coro::executor);
    auto res = co_await app::get(stream, net.server_endpoint(), "/x", 5s);
    body = res.body();
  });
  net.run_and_check();
  EXPECT_TRUE(served);
  EXPECT_EQ(body, "answered /x");
}

TEST(TcpStream, AStalledPeerTimesOutAtTheDeadlineInSimulatedTime) {
  two_hosts net{2};
  bool served = false;
  serve(net, /*silent=*/true, served);
  beast::error_code error;
  std::chrono::nanoseconds read_started{};
  std::chrono::nanoseconds failed_at{};
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp_stream stream(co_await asio::this_coro::executor);
    co_await stream.async_connect(net.server_endpoint(), asio::use_awaitable);
    beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/", 11};
    co_await beast::http::async_write(stream, req, asio::use_awaitable);
    stream.expires_after(3s);
    read_started = net.world.now();
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    auto [ec, n] =
        co_await beast::http::async_read(stream, buffer, res, asio::as_tuple(asio::use_awaitable));
    error = ec;
    failed_at = net.world.now();
    EXPECT_FALSE(stream.socket().is_open()) << "a timeout closes the socket, as in Beast";
  });
  net.run_and_check();
  EXPECT_EQ(error, beast::error::timeout);
  EXPECT_EQ(failed_at - read_started, 3s);
}

TEST(TcpStream, APartitionedPeerTimesOutTheConnect) {
  two_hosts net{3};
  bool served = false;
  serve(net, false, served);
  net.world.isolate(net.server);
  beast::error_code error;
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(2s);
    std::tie(error) =
        co_await stream.async_connect(net.server_endpoint(), asio::as_tuple(asio::use_awaitable));
    net.world.heal_all();
  });
  net.world.run_for(10s);
  EXPECT_EQ(error, beast::error::timeout);
}

TEST(TcpStream, ConnectingToARangeTriesEachEndpointInOrder) {
  two_hosts net{4};
  bool served = false;
  serve(net, false, served);
  tcp::endpoint connected;
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp_stream stream(co_await asio::this_coro::executor);
    const std::vector<tcp::endpoint> candidates{net.server_endpoint(1), net.server_endpoint(2),
                                                net.server_endpoint()};
    connected = co_await stream.async_connect(candidates, asio::use_awaitable);
    auto res = co_await app::get(stream, net.server_endpoint(), "/y", 5s);
    (void)res;
  });
  net.world.run_for(5min);
  EXPECT_EQ(connected, net.server_endpoint());
}
