#pragma once
// The HTTP code the benchmarks run, written once over any acceptor and
// socket type: boost::asio::ip::tcp for real loopback, moonpool::sim::tcp
// for the simulation. The request handling is the sim-http demo's own
// (examples/http/http_app.hpp); the bulk transfer is Beast's incremental
// body pattern (http::buffer_body), a 64 KiB piece per write and per read.
//
// Nothing here knows which world it runs in: sessions are started with
// asio::co_spawn on the acceptor's executor, which a simulated host's
// executor accepts as an io_context's does.

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/system/system_error.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "http/http_app.hpp"

namespace bench::http_workloads {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Accepts `connections` connections and serves each with http_app::serve.
template <class Acceptor>
asio::awaitable<void> accept_and_serve(Acceptor acceptor, int connections) {
  for (int i = 0; i < connections; ++i) {
    auto peer = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), http_app::serve(std::move(peer)), asio::detached);
  }
}

inline http::request<http::string_body> hello_request() {
  http::request<http::string_body> req{http::verb::get, "/hello", 11};
  req.keep_alive(true);
  return req;
}

// Sends `requests` GET /hello on one open keep-alive connection, checking
// every answer (a wrong one throws: a benchmark of broken code is no
// benchmark).
template <class Socket>
asio::awaitable<void> keep_alive_requests(Socket& socket, int requests) {
  beast::flat_buffer buffer;
  for (int i = 0; i < requests; ++i) {
    auto req = hello_request();
    auto res = co_await http_app::exchange(socket, buffer, req);
    if (!http_app::valid(req, res)) {
      throw std::runtime_error("request " + std::to_string(i) + " got a wrong answer");
    }
  }
}

// Connects to `server`, then sends `requests` requests, then closes.
template <class Socket>
asio::awaitable<void> keep_alive_client(Socket socket, asio::ip::tcp::endpoint server,
                                        int requests) {
  co_await socket.async_connect(server, asio::use_awaitable);
  co_await keep_alive_requests(socket, requests);
  socket.close();
}

// need_buffer is how a buffer_body says "this piece is done, give me the
// next": expected after every piece but the last.
inline void throw_unless_piece_done(boost::system::error_code ec) {
  if (ec && ec != http::error::need_buffer) {
    throw boost::system::system_error(ec);
  }
}

// Answers one GET with a body of `total_bytes`, written `piece_bytes` at a
// time from one reused buffer.
template <class Acceptor>
asio::awaitable<void> bulk_server(Acceptor acceptor, std::uint64_t total_bytes,
                                  std::size_t piece_bytes) {
  auto stream = co_await acceptor.async_accept(asio::use_awaitable);
  beast::flat_buffer buffer;
  http::request<http::empty_body> req;
  co_await http::async_read(stream, buffer, req, asio::use_awaitable);

  std::vector<char> piece(piece_bytes, 'x');
  http::response<http::buffer_body> res{http::status::ok, 11};
  res.content_length(total_bytes);
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> serializer{res};
  co_await http::async_write_header(stream, serializer, asio::use_awaitable);
  std::uint64_t left = total_bytes;
  while (left > 0) {
    const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece_bytes));
    left -= size;
    res.body().data = piece.data();
    res.body().size = size;
    res.body().more = left > 0;
    const auto written =
        co_await http::async_write(stream, serializer, asio::as_tuple(asio::use_awaitable));
    throw_unless_piece_done(std::get<0>(written));
  }
  stream.shutdown(asio::socket_base::shutdown_send);
}

// How much the client's read buffer asks for per read.
enum class read_room {
  piece,          // room for a whole piece: every read asks for 64 KiB
  beast_default,  // a fresh flat_buffer: Beast asks for 512 bytes a read
};

// Asks for the bulk body and hands it over `piece_bytes` at a time; returns
// the bytes received (checked by the caller against what was sent).
template <class Socket>
asio::awaitable<std::uint64_t> bulk_client(Socket socket, asio::ip::tcp::endpoint server,
                                           std::size_t piece_bytes, read_room room) {
  co_await socket.async_connect(server, asio::use_awaitable);
  http::request<http::empty_body> req{http::verb::get, "/bulk", 11};
  co_await http::async_write(socket, req, asio::use_awaitable);

  // Beast reads as much as the buffer has room for, at least 512 bytes.
  // The body leaves the buffer as it arrives, so a fresh buffer never grows
  // and every read asks for 512 bytes; reserving a piece makes it 64 KiB.
  beast::flat_buffer buffer;
  if (room == read_room::piece) {
    buffer.reserve(piece_bytes);
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  co_await http::async_read_header(socket, buffer, parser, asio::use_awaitable);
  std::vector<char> piece(piece_bytes);
  std::uint64_t received = 0;
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    const auto read =
        co_await http::async_read(socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
    throw_unless_piece_done(std::get<0>(read));
    received += piece.size() - parser.get().body().size;
  }
  co_return received;
}

}  // namespace bench::http_workloads
