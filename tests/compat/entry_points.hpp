#pragma once
// What the compatibility simulations call in the official examples: each
// function does what the example's main() did (its main() is compiled out
// by the patch), on a simulated host's io_context instead of a real one.
// Clients return a weak pointer to their session: the session is over when
// every handler has let go of it, which is how the examples end.

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "moonpool/sim/io_context.hpp"

namespace compat {

using endpoint = boost::asio::ip::tcp::endpoint;
using doc_root = std::shared_ptr<const std::string>;

// Beast http_server_async: the listener on `ioc`.
void start_http_server_async(moonpool::sim::io_context& ioc, endpoint where, doc_root root);
// Beast http_server_awaitable: co_spawn(ioc, do_listen(...)).
void start_http_server_awaitable(moonpool::sim::io_context& ioc, endpoint where, doc_root root);
// Beast advanced_server: HTTP and WebSocket on one port.
void start_advanced_server(moonpool::sim::io_context& ioc, endpoint where, doc_root root);
// Beast websocket_server_async: an echo server.
void start_websocket_server_async(moonpool::sim::io_context& ioc, endpoint where);
// Asio cpp20/coroutines echo_server: its listener() on `ioc` (port 55555).
void start_asio_echo_server(moonpool::sim::io_context& ioc);
// Asio cpp20/coroutines chat_server: a listener on `port`.
void start_asio_chat_server(moonpool::sim::io_context& ioc, unsigned short port);

// Beast http_client_async: GET `target` from host:port, print the response.
std::weak_ptr<void> start_http_client_async(moonpool::sim::io_context& ioc, const char* host,
                                            const char* port, const char* target);
// Beast websocket_client_async: send `text`, print the echo.
std::weak_ptr<void> start_websocket_client_async(moonpool::sim::io_context& ioc, const char* host,
                                                 const char* port, const char* text);

}  // namespace compat

namespace compat {
// Beast seeds its WebSocket masking PRNG from std::random_device unless it
// was seeded first (moonpool::sim::seed_websocket_prng, in the Beast-heavy
// moonpool/sim/net/beast.hpp): call before any WebSocket stream exists.
void seed_websocket_masks();
}  // namespace compat
