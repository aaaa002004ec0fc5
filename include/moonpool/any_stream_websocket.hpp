#pragma once
// What Boost.Beast's WebSocket needs to run over moonpool::any_stream:
// websocket::stream<moonpool::any_stream> finds these hooks by
// argument-dependent lookup (teardown, async_teardown, beast_close_socket)
// and each hands the work to the hook of the socket the stream holds:
// Beast's own for a real socket, moonpool/sim/net/beast.hpp's for a
// simulated one. In a simulation, call moonpool::sim::seed_websocket_prng()
// before the first WebSocket stream exists (its masking PRNG otherwise
// reads OS entropy).

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <utility>

#include "moonpool/any_stream.hpp"
#include "moonpool/sim/net/beast.hpp"

namespace moonpool {

// Exact matches: they beat Beast's catch-all teardown templates.
inline void teardown(boost::beast::role_type role, any_stream& stream,
                     boost::beast::error_code& ec) {
  if (auto* socket = stream.real()) {
    boost::beast::websocket::teardown(role, *socket, ec);
  } else {
    sim::teardown(role, *stream.simulated(), ec);
  }
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, any_stream& stream, TeardownHandler&& handler) {
  if (auto* socket = stream.real()) {
    boost::beast::websocket::async_teardown(role, *socket, std::forward<TeardownHandler>(handler));
  } else {
    sim::async_teardown(role, *stream.simulated(), std::forward<TeardownHandler>(handler));
  }
}

inline void beast_close_socket(any_stream& stream) {
  boost::beast::error_code ignored;
  stream.close(ignored);
}

}  // namespace moonpool
