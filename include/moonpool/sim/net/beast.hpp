#pragma once
// What Boost.Beast's WebSocket needs to run over simulated streams.
//
// websocket::stream<moonpool::sim::tcp::socket> and
// websocket::stream<moonpool::sim::tcp_stream> (any executor) find these hooks by
// argument-dependent lookup: teardown, async_teardown and beast_close_socket.
//
// Masking keys: Beast draws them from a PRNG that is global to the process
// and seeded once, from std::random_device unless websocket::seed_prng ran
// first. Call moonpool::sim::seed_websocket_prng() before any websocket
// stream exists (the simulation runner does not know whether you use
// WebSocket). Mask values change the bytes on the wire, never their count or
// timing, so they cannot change a simulation's course or its trace hash; a
// fixed seed keeps captured bytes reproducible too.

#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <random>

#include "moonpool/sim/net/tcp.hpp"
#include "moonpool/sim/net/tcp_stream.hpp"

namespace moonpool::sim {

// Seeds Beast's WebSocket PRNG with a fixed value; the first call in a
// process wins (Beast ignores later seeds).
inline void seed_websocket_prng() {
  static const bool seeded = [] {
    std::seed_seq fixed{0x6D6F6F6E, 0x706F6F6C};  // "moon", "pool"
    boost::beast::websocket::seed_prng(fixed);
    return true;
  }();
  (void)seeded;
}

// The hooks are templates: Beast's own catch-all teardown(role, Socket&, ec)
// template would beat a non-template overload that needs a conversion.

// Shuts down the sending side, then closes: the close handshake is done.
template <class Executor>
void teardown(boost::beast::role_type, basic_tcp_socket<Executor>& s,
              boost::system::error_code& ec) {
  s.shutdown(boost::asio::socket_base::shutdown_send, ec);
  if (ec == boost::asio::error::not_connected) {
    ec = {};
  }
  boost::system::error_code ignored;
  s.close(ignored);
}

template <class Executor, class TeardownHandler>
void async_teardown(boost::beast::role_type role, basic_tcp_socket<Executor>& s,
                    TeardownHandler&& handler) {
  boost::system::error_code ec;
  teardown(role, s, ec);
  // Never complete inside the initiating call.
  auto ex = boost::asio::get_associated_executor(handler, s.get_executor());
  boost::asio::post(
      ex, [handler = std::forward<TeardownHandler>(handler), ec]() mutable { handler(ec); });
}

template <class Executor>
void beast_close_socket(basic_tcp_socket<Executor>& s) {
  boost::system::error_code ignored;
  s.close(ignored);
}

template <class Executor>
void teardown(boost::beast::role_type role, basic_tcp_stream<Executor>& stream,
              boost::system::error_code& ec) {
  sim::teardown(role, stream.socket(), ec);
}

template <class Executor, class TeardownHandler>
void async_teardown(boost::beast::role_type role, basic_tcp_stream<Executor>& stream,
                    TeardownHandler&& handler) {
  sim::async_teardown(role, stream.socket(), std::forward<TeardownHandler>(handler));
}

template <class Executor>
void beast_close_socket(basic_tcp_stream<Executor>& stream) {
  stream.close();
}

}  // namespace moonpool::sim
