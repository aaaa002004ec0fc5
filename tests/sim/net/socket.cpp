#include "moonpool/sim/net/socket.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "net/support/two_hosts.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
namespace tcp = moonpool::sim::tcp;
using moonpool::test::two_hosts;

namespace {

asio::awaitable<std::string> read_all(tcp::socket& s) {
  std::string out;
  char buffer[4096];
  for (;;) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    out.append(buffer, n);
    if (ec == asio::error::eof) {
      co_return out;
    }
    if (ec) {
      throw boost::system::system_error(ec);
    }
  }
}

}  // namespace

TEST(Socket, EchoBetweenTwoHostsCarriesRealAddresses) {
  two_hosts net{1, moonpool::sim::network_config{}};
  std::string echoed;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acc(co_await asio::this_coro::executor, net.server_endpoint());
    tcp::socket peer = co_await acc.async_accept(asio::use_awaitable);
    EXPECT_EQ(peer.remote_endpoint().address(), net.client.address());
    EXPECT_EQ(peer.local_endpoint(), net.server_endpoint());
    std::string request = co_await read_all(peer);
    co_await asio::async_write(peer, asio::buffer(request), asio::use_awaitable);
    peer.shutdown(asio::socket_base::shutdown_send);
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(net.server_endpoint(), asio::use_awaitable);
    EXPECT_EQ(s.local_endpoint().address(), net.client.address());
    EXPECT_EQ(s.remote_endpoint(), net.server_endpoint());
    co_await asio::async_write(s, asio::buffer(std::string("hello, world")), asio::use_awaitable);
    s.shutdown(asio::socket_base::shutdown_send);
    echoed = co_await read_all(s);
  });
  net.run_and_check();
  EXPECT_EQ(echoed, "hello, world");
  EXPECT_GT(net.world.now(), 1ms) << "default latencies must take simulated time";
}

TEST(Socket, ConnectWithoutListenerIsRefusedAndUnknownHostUnreachable) {
  two_hosts net{2};
  error_code refused;
  error_code unreachable;
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket a(co_await asio::this_coro::executor);
    std::tie(refused) = co_await a.async_connect(net.server_endpoint(9), asio::as_tuple(asio::use_awaitable));
    tcp::socket b(co_await asio::this_coro::executor);
    std::tie(unreachable) = co_await b.async_connect({asio::ip::make_address("10.9.9.9"), 80},
                                                     asio::as_tuple(asio::use_awaitable));
  });
  net.run_and_check();
  EXPECT_EQ(refused, asio::error::connection_refused);
  EXPECT_EQ(unreachable, asio::error::host_unreachable);
}
