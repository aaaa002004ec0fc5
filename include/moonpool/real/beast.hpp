#pragma once
// Beast for the production bundle: real::tcp_stream is boost::beast's own
// tcp_stream, and tcp_stream_of<real::providers> names it (see
// moonpool/core/tcp_stream_of.hpp; moonpool/sim/beast.hpp is the twin).

#include <boost/beast/core/tcp_stream.hpp>

#include "moonpool/core/tcp_stream_of.hpp"
#include "moonpool/real/providers.hpp"

namespace moonpool::real {

using tcp_stream = boost::beast::tcp_stream;

}  // namespace moonpool::real

namespace moonpool {

template <>
struct tcp_stream_of<real::providers> {
  using type = real::tcp_stream;
};

}  // namespace moonpool
