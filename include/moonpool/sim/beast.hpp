#pragma once
// Beast for the simulation bundle: tcp_stream_of<sim::providers> is
// moonpool::sim::tcp_stream (beast::tcp_stream's surface, deadlines on
// simulated time), and the WebSocket hooks of moonpool/sim/net/beast.hpp
// come with it. moonpool/real/beast.hpp is the twin.

#include "moonpool/core/tcp_stream_of.hpp"
#include "moonpool/sim/net/beast.hpp"
#include "moonpool/sim/net/tcp_stream.hpp"
#include "moonpool/sim/providers.hpp"

namespace moonpool {

template <>
struct tcp_stream_of<sim::providers> {
  using type = sim::tcp_stream;
};

}  // namespace moonpool
