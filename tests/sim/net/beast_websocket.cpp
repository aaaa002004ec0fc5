// Unmodified Beast WebSocket over simulated TCP.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include "moonpool/sim/net/beast.hpp"
#include "net/support/two_hosts.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = moonpool::sim::tcp;
using moonpool::test::two_hosts;

namespace {

// Echo server and a client sending 100 messages, written against
// websocket::stream<NextLayer> for any NextLayer.
template <class NextLayer>
asio::awaitable<void> echo_server(websocket::stream<NextLayer>& ws) {
  co_await ws.async_accept(asio::use_awaitable);
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
    if (ec == websocket::error::closed) {
      co_return;
    }
    if (ec) {
      throw boost::system::system_error(ec);
    }
    ws.text(ws.got_text());
    co_await ws.async_write(buffer.data(), asio::use_awaitable);
    buffer.consume(n);
  }
}

template <class NextLayer>
asio::awaitable<int> chatty_client(websocket::stream<NextLayer>& ws) {
  co_await ws.async_handshake("10.0.1.1", "/", asio::use_awaitable);
  int echoed = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string message = "message " + std::to_string(i) + std::string(i * 37, '!');
    co_await ws.async_write(asio::buffer(message), asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    echoed += beast::buffers_to_string(buffer.data()) == message ? 1 : 0;
  }
  co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
  co_return echoed;
}

std::pair<int, std::string> run_websocket(std::uint64_t seed, moonpool::sim::network_config cfg) {
  moonpool::sim::seed_websocket_prng();
  two_hosts net{seed, cfg};
  int echoed = 0;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    websocket::stream<tcp::socket> ws(co_await acceptor.async_accept(asio::use_awaitable));
    co_await echo_server(ws);
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(net.server_endpoint(), asio::use_awaitable);
    websocket::stream<tcp::socket> ws(std::move(s));
    echoed = co_await chatty_client(ws);
  });
  net.run_and_check();
  return {echoed, net.world.trace_hash()};
}

moonpool::sim::network_config partial_io() {
  moonpool::sim::network_config cfg;
  cfg.partial_read_probability = 0.5;
  cfg.partial_write_probability = 0.5;
  return cfg;
}

}  // namespace

TEST(BeastWebSocket, HandshakeHundredMessagesEachWayAndClose) {
  EXPECT_EQ(run_websocket(1, moonpool::sim::network_config::fast_local()).first, 100);
}

TEST(BeastWebSocket, SurvivesPartialIoOverManySeeds) {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    ASSERT_EQ(run_websocket(seed, partial_io()).first, 100) << "seed " << seed;
  }
}

TEST(BeastWebSocket, SameSeedSameTraceHash) {
  const auto a = run_websocket(5, partial_io());
  const auto b = run_websocket(5, partial_io());
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.second, run_websocket(6, partial_io()).second);
}

TEST(BeastWebSocket, WorksOverTheSimulatedTcpStreamToo) {
  moonpool::sim::seed_websocket_prng();
  two_hosts net{9};
  int echoed = 0;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    websocket::stream<moonpool::sim::tcp_stream> ws(
        moonpool::sim::tcp_stream(co_await acceptor.async_accept(asio::use_awaitable)));
    co_await echo_server(ws);
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    websocket::stream<moonpool::sim::tcp_stream> ws(co_await asio::this_coro::executor);
    co_await beast::get_lowest_layer(ws).async_connect(net.server_endpoint(), asio::use_awaitable);
    echoed = co_await chatty_client(ws);
  });
  net.run_and_check();
  EXPECT_EQ(echoed, 100);
}
