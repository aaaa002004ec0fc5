#pragma once
// HTTP client and server code written against boost::beast::tcp_stream's
// interface, with deadlines. Tests instantiate them with
// moonpool::sim::tcp_stream (the seam), and also with beast::tcp_stream to
// prove the code is the same code production would run.

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace moonpool::test::timeout_app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Connects, sends GET `target`, and returns the response; every step has a
// deadline of `limit`.
template <class TcpStream, class Endpoint>
asio::awaitable<http::response<http::string_body>> get(TcpStream& stream, Endpoint server,
                                                       std::string target,
                                                       std::chrono::nanoseconds limit) {
  stream.expires_after(limit);
  co_await stream.async_connect(server, asio::use_awaitable);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "server");
  stream.expires_after(limit);
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  stream.expires_after(limit);
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  stream.expires_never();
  co_return res;
}

// Answers one request, unless told to go silent.
template <class TcpStream>
asio::awaitable<void> answer_once(TcpStream& stream, bool silent) {
  beast::flat_buffer buffer;
  http::request<http::empty_body> req;
  co_await http::async_read(stream, buffer, req, asio::use_awaitable);
  if (silent) {
    co_return;  // never answers, but keeps the connection open
  }
  http::response<http::string_body> res{http::status::ok, 11};
  res.body() = "answered " + std::string(req.target());
  res.prepare_payload();
  co_await http::async_write(stream, res, asio::use_awaitable);
}

}  // namespace moonpool::test::timeout_app
