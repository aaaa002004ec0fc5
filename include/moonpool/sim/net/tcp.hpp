#pragma once
// moonpool::sim::tcp: the simulated counterpart of boost::asio::ip::tcp.
//
// It is boost::asio::ip::tcp (same protocol objects, endpoint, v4()/v6(),
// no_delay option) with the socket, acceptor and resolver replaced by
// simulated ones, so that code written with
//
//   using boost::asio::ip::tcp;        // becomes: using moonpool::sim::tcp;
//   tcp::acceptor acceptor(executor, {tcp::v4(), 55555});
//   tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
//
// compiles unchanged against the simulation.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "moonpool/sim/net/acceptor.hpp"
#include "moonpool/sim/net/connect.hpp"
#include "moonpool/sim/net/resolver.hpp"
#include "moonpool/sim/net/socket.hpp"

namespace moonpool::sim {

class tcp : public boost::asio::ip::tcp {
 public:
  using endpoint = boost::asio::ip::tcp::endpoint;
  using socket = basic_tcp_socket<>;
  using acceptor = basic_tcp_acceptor<>;
  using resolver = basic_tcp_resolver<>;

  tcp() = delete;
};

}  // namespace moonpool::sim
