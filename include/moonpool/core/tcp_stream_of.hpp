#pragma once
// moonpool::tcp_stream_of<P>: the boost::beast::tcp_stream counterpart of a
// provider bundle, for Beast code written as a template over the bundle:
//
//   #include <moonpool/real/beast.hpp>   // and/or <moonpool/sim/beast.hpp>
//   template <moonpool::providers P>
//   asio::awaitable<void> fetch(P p, typename P::tcp::endpoint server) {
//     moonpool::tcp_stream_of_t<P> stream{p.get_executor()};
//     stream.expires_after(std::chrono::seconds(5));
//     co_await stream.async_connect(server, asio::use_awaitable);
//     ...
//   }
//
// The specialisations live beside Beast (real/beast.hpp, sim/beast.hpp), so
// that the bundle headers themselves stay free of Beast.

namespace moonpool {

template <class P>
struct tcp_stream_of;  // specialised per bundle

template <class P>
using tcp_stream_of_t = typename tcp_stream_of<P>::type;

}  // namespace moonpool
