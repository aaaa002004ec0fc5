#pragma once
// An HTTP/1.1 service and its client, written with Boost.Beast against any
// AsyncReadStream/AsyncWriteStream. Nothing in here knows about simulation:
// instantiate it with boost::asio::ip::tcp::socket to ship it, with
// moonpool::sim::tcp::socket to test it.
//
// Endpoints: GET /hello returns a fixed body; POST /echo returns the body it
// was sent. Every response carries X-Checksum, an FNV-1a-style digest of the
// body, so the client can tell a corrupted answer from a correct one (TCP's
// own checksum is weak; end-to-end checks are how real services stay
// correct).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstring>
#include <string>

namespace http_app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// FNV-1a's step taken eight bytes at a time (a byte at a time it was a
// quarter of sim-http's CPU time, so the demo measured its checksum rather
// than the engine). Each step maps the running digest one-to-one for a
// given word, so a change confined to one word of the body (a flipped bit,
// a corrupted byte) always changes the digest; the length goes in first so
// that trailing zero bytes count too.
inline std::string checksum(std::string_view body) {
  constexpr std::uint64_t prime = 0x100000001B3ULL;
  std::uint64_t h = (0xCBF29CE484222325ULL ^ body.size()) * prime;
  std::size_t at = 0;
  for (; at + sizeof(std::uint64_t) <= body.size(); at += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, body.data() + at, sizeof word);
    h = (h ^ word) * prime;
  }
  if (at < body.size()) {
    std::uint64_t tail = 0;
    std::memcpy(&tail, body.data() + at, body.size() - at);
    h = (h ^ tail) * prime;
  }
  // The multiply only carries low bits upwards: fold the high half back
  // down so that every bit of the body can reach every bit of the digest.
  return std::to_string(h ^ (h >> 32));
}

inline http::response<http::string_body> handle(const http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  if (req.method() == http::verb::get && req.target() == "/hello") {
    res.result(http::status::ok);
    res.body() = "hello from a simulated server\n";
  } else if (req.method() == http::verb::post && req.target() == "/echo") {
    res.result(http::status::ok);
    res.body() = req.body();
  } else {
    res.result(http::status::not_found);
    res.body() = "not found\n";
  }
  res.set("X-Checksum", checksum(res.body()));
  res.prepare_payload();
  return res;
}

// Serves one connection until the peer closes it or it fails.
template <class Stream>
asio::awaitable<void> serve(Stream stream) {
  beast::flat_buffer buffer;
  try {
    for (;;) {
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, asio::use_awaitable);
      auto res = handle(req);
      const bool keep_alive = res.keep_alive();
      co_await http::async_write(stream, res, asio::use_awaitable);
      if (!keep_alive) {
        break;
      }
    }
    stream.shutdown(asio::socket_base::shutdown_send);
  } catch (const boost::system::system_error&) {
    // eof, reset, parse errors from corrupted bytes: this connection is over.
  }
}

// Sends one request on an open connection and returns the response.
template <class Stream>
asio::awaitable<http::response<http::string_body>> exchange(Stream& stream,
                                                            beast::flat_buffer& buffer,
                                                            http::request<http::string_body> req) {
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  co_return res;
}

// The response is the right one for `req`, and arrived intact.
inline bool valid(const http::request<http::string_body>& req,
                  const http::response<http::string_body>& res) {
  if (res["X-Checksum"] != checksum(res.body())) {
    return false;
  }
  if (req.target() == "/echo") {
    return res.result() == http::status::ok && res.body() == req.body();
  }
  if (req.target() == "/hello") {
    return res.result() == http::status::ok && res.body() == "hello from a simulated server\n";
  }
  return res.result() == http::status::not_found;
}

}  // namespace http_app
