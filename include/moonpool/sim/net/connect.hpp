#pragma once
// moonpool::sim::async_connect: Asio's range connect for simulated sockets.
//
// boost::asio::async_connect(socket, endpoints, token) takes only Asio's own
// basic_socket, so a qualified call does not compile with a simulated
// socket. Called unqualified, async_connect(socket, endpoints, token) finds
// this one by argument-dependent lookup (the socket's namespace); it tries
// each endpoint in order, as Asio does, and completes with (error_code,
// endpoint): the endpoint that connected, or the last error (not_found for
// an empty sequence). docs/migrating.md lists this change.

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <vector>

#include "moonpool/sim/net/socket.hpp"

namespace moonpool::sim {
namespace detail::net {

template <class Socket>
struct range_connect_op {
  Socket* socket;
  std::vector<endpoint> endpoints;
  std::size_t next = 0;

  template <class Self>
  void operator()(Self& self) {
    if (endpoints.empty()) {
      // Complete through the executor, never inside the initiating call.
      boost::asio::post(socket->get_executor(),
                        boost::asio::append(std::move(self), boost::system::error_code(
                                                                 boost::asio::error::not_found)));
      return;
    }
    try_next(self);
  }

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec) {
    if (!ec && next > 0) {
      self.complete(ec, endpoints[next - 1]);
      return;
    }
    if (next >= endpoints.size()) {
      self.complete(ec, endpoint());
      return;
    }
    try_next(self);
  }

  template <class Self>
  void try_next(Self& self) {
    boost::system::error_code ignored;
    socket->close(ignored);
    socket->async_connect(endpoints[next++], std::move(self));
  }
};

}  // namespace detail::net

template <class Executor, class EndpointSequence,
          class ConnectToken = boost::asio::default_completion_token_t<Executor>>
requires requires(const EndpointSequence& s) {
  s.begin();
  s.end();
}
auto async_connect(basic_tcp_socket<Executor>& socket, const EndpointSequence& endpoints,
                   ConnectToken&& token = boost::asio::default_completion_token_t<Executor>()) {
  std::vector<detail::net::endpoint> list;
  for (const auto& entry : endpoints) {
    list.push_back(detail::net::endpoint(entry));
  }
  return boost::asio::async_compose<ConnectToken,
                                    void(boost::system::error_code, detail::net::endpoint)>(
      detail::net::range_connect_op<basic_tcp_socket<Executor>>{&socket, std::move(list)}, token,
      socket);
}

}  // namespace moonpool::sim
