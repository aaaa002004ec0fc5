// Beast WebSocket over Beast's ssl_stream over moonpool::sim::tcp_stream:
// the TLS teardown (close_notify, then the simulated socket's teardown
// hooks from moonpool/sim/net/beast.hpp) runs when the WebSocket closes.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <string>

#include "moonpool/sim/net/beast.hpp"
#include "moonpool/sim/net/tcp_stream.hpp"
#include "moonpool/sim/tls.hpp"
#include "net/support/two_hosts.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = boost::asio::ssl;
namespace sim = moonpool::sim;
namespace tls = moonpool::sim::tls;
using moonpool::test::two_hosts;
using wss_stream = websocket::stream<beast::ssl_stream<sim::tcp_stream>>;
using namespace std::chrono_literals;

struct outcome {
  std::string echoed;
  std::string server_end;  // how the server's read ended
  bool client_closed = false;
  std::string trace_hash;
};

outcome run_websocket(std::uint64_t seed) {
  sim::seed_websocket_prng();
  two_hosts net{seed};
  outcome result;
  auto pki = std::make_shared<tls::test_pki>();
  net.spawn_on(net.server, "server", [&, pki]() -> asio::awaitable<void> {
    *pki = tls::make_test_pki({"server"});
    auto context = tls::context_for(tls::role::server);
    context.use_certificate_chain(asio::buffer(pki->certificate_pem));
    tls::use_private_key(context, pki->private_key_pem);
    sim::tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    wss_stream ws(sim::tcp_stream(co_await acceptor.async_accept(asio::use_awaitable)), context);
    co_await ws.next_layer().async_handshake(ssl::stream_base::server, asio::use_awaitable);
    co_await ws.async_accept(asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    co_await ws.async_write(buffer.data(), asio::use_awaitable);
    auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
    (void)n;
    result.server_end = ec.message();
  });
  net.spawn_on(net.client, "client", [&, pki]() -> asio::awaitable<void> {
    co_await sim::sleep(1ms);
    auto context = tls::context_for(tls::role::client);
    context.add_certificate_authority(asio::buffer(pki->ca_certificate_pem));
    wss_stream ws(co_await asio::this_coro::executor, context);
    tls::expect_host(ws.next_layer(), "server");
    auto& transport = beast::get_lowest_layer(ws);
    transport.expires_after(5s);
    co_await transport.async_connect(net.server_endpoint(), asio::use_awaitable);
    co_await ws.next_layer().async_handshake(ssl::stream_base::client, asio::use_awaitable);
    transport.expires_never();
    co_await ws.async_handshake("server", "/", asio::use_awaitable);
    co_await ws.async_write(asio::buffer(std::string("ping over tls")), asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    result.echoed = beast::buffers_to_string(buffer.data());
    co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
    result.client_closed = true;
  });
  net.run_and_check();
  result.trace_hash = net.world.trace_hash();
  return result;
}

TEST(TlsWebsocket, EchoAndCloseWithTlsTeardown) {
  const auto result = run_websocket(21);
  EXPECT_EQ(result.echoed, "ping over tls");
  EXPECT_TRUE(result.client_closed);
  EXPECT_EQ(result.server_end, "The WebSocket stream was gracefully closed at both endpoints");
  EXPECT_EQ(run_websocket(21).trace_hash, result.trace_hash);
}

}  // namespace
