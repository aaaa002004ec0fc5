#pragma once
// A small HTTP/1.1 server and client written with Boost.Beast against any
// stream type. Nothing here knows about simulation: the same templates run
// on boost::asio::ip::tcp::socket, beast::tcp_stream or the simulated types.
//
// GET /hello      fixed body
// POST /echo      the request body back
// GET /chunked    a chunked response, written chunk by chunk
// anything else   404

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>

namespace moonpool::test::http_app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

inline const std::string hello_body = "hello, simulated world\n";
inline const std::vector<std::string> chunks = {"first chunk, ", "second chunk, ", "last chunk"};

template <class Stream>
asio::awaitable<void> write_chunked(Stream& stream, unsigned version) {
  http::response<http::empty_body> res{http::status::ok, version};
  res.chunked(true);
  res.keep_alive(true);
  http::response_serializer<http::empty_body> serializer{res};
  co_await http::async_write_header(stream, serializer, asio::use_awaitable);
  for (const std::string& chunk : chunks) {
    co_await asio::async_write(stream, http::make_chunk(asio::buffer(chunk)), asio::use_awaitable);
  }
  co_await asio::async_write(stream, http::make_chunk_last(), asio::use_awaitable);
}

// Serves requests on one connection until the client closes it.
template <class Stream>
asio::awaitable<void> serve(Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    req.body().reserve(0);
    http::request_parser<http::string_body> parser;
    parser.body_limit(8 * 1024 * 1024);
    try {
      co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      if (e.code() == http::error::end_of_stream || e.code() == asio::error::eof) {
        co_return;
      }
      throw;
    }
    req = parser.release();
    if (req.method() == http::verb::get && req.target() == "/chunked") {
      co_await write_chunked(stream, req.version());
      continue;
    }
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    if (req.method() == http::verb::get && req.target() == "/hello") {
      res.result(http::status::ok);
      res.body() = hello_body;
    } else if (req.method() == http::verb::post && req.target() == "/echo") {
      res.result(http::status::ok);
      res.body() = std::move(req.body());
    } else {
      res.result(http::status::not_found);
      res.body() = "no such page\n";
    }
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::use_awaitable);
  }
}

template <class Stream>
asio::awaitable<http::response<http::string_body>> request(Stream& stream, http::verb method,
                                                           std::string target,
                                                           std::string body = {}) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "server");
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return parser.release();
}

}  // namespace moonpool::test::http_app
