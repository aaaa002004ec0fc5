#pragma once
// The HTTP/1.1 side: an accept loop and one session per connection, as
// templates over the provider bundle (P::tcp, P::steady_timer, p.spawn).
//
// A session reads requests one after another on a kept-alive connection.
// Each request must arrive whole within idle_limit of the previous answer
// (an idle or trickling client is dropped), with at most header_bytes_max
// of header (else 431) and body_bytes_max of body (else 413); a request
// Beast cannot parse gets 400. Those three answers close the connection,
// as does a request that asks for it. Answers must be written within
// idle_limit too. At most connections_max sessions run at once; more are
// closed as soon as they are accepted.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

#include "handlers.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/core/providers.hpp"
#include "store.hpp"
#include "timeout.hpp"

namespace web {

namespace beast = boost::beast;

struct server_options {
  std::chrono::nanoseconds idle_limit = std::chrono::seconds(30);
  std::uint32_t header_bytes_max = 8 * 1024;
  std::uint64_t body_bytes_max = 16 * 1024;
  std::size_t connections_max = 256;
  handler_options handler{};
  store_options storage{};
};

// What every session shares: the store and the options. Sessions hold it
// by shared_ptr, so it outlives the last of them however they end.
template <moonpool::providers P>
struct service {
  service(P p, server_options o) : providers(p), options(o), items(std::move(p), o.storage) {}
  P providers;
  server_options options;
  store<P> items;
  std::size_t connections = 0;
};

namespace detail {

template <class Socket, class Parser>
asio::awaitable<boost::system::error_code> read_request(Socket& socket, beast::flat_buffer& buffer,
                                                        Parser& parser) {
  auto [ec, n] =
      co_await http::async_read(socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
  co_return ec;
}

template <class Socket>
asio::awaitable<boost::system::error_code> write_response(Socket& socket, response& res) {
  auto [ec, n] = co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
  co_return ec;
}

// The answer to a request that could not be read, or none when the peer
// just went away (eof, reset, timeout).
inline std::optional<response> answer_unreadable(const boost::system::error_code& ec) {
  request blank;
  blank.version(11);
  blank.keep_alive(false);
  if (ec == http::error::body_limit) {
    return error_response(blank, http::status::payload_too_large, "the body is too large");
  }
  if (ec == http::error::header_limit) {
    return error_response(blank, http::status::request_header_fields_too_large,
                          "the header is too large");
  }
  if (ec.category() == http::make_error_code(http::error::body_limit).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return error_response(blank, http::status::bad_request, "the request is not valid HTTP/1.1");
  }
  return std::nullopt;
}

// Counts a session for connections_max while it lives.
template <class Service>
class counted {
 public:
  explicit counted(Service& s) : service_(s) { ++service_.connections; }
  counted(const counted&) = delete;
  counted& operator=(const counted&) = delete;
  ~counted() { --service_.connections; }

 private:
  Service& service_;
};

}  // namespace detail

template <moonpool::providers P>
asio::awaitable<void> session(std::shared_ptr<service<P>> svc, typename P::tcp::socket socket) {
  using timer = typename P::steady_timer;
  const detail::counted<service<P>> count(*svc);
  const server_options& o = svc->options;
  beast::flat_buffer buffer;
  try {
    for (bool open = true; open;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(o.header_bytes_max);
      parser.body_limit(o.body_bytes_max);
      const boost::system::error_code read_ec =
          co_await with_timeout<timer>(o.idle_limit, detail::read_request(socket, buffer, parser));
      std::optional<response> res;
      if (read_ec) {
        res = detail::answer_unreadable(read_ec);
        if (!res) {
          break;
        }
        MP_REACHABLE("web: an unreadable request was answered");
      } else {
        res = co_await handle(svc->items, parser.get(), o.handler);
      }
      open = res->keep_alive();
      if (co_await with_timeout<timer>(o.idle_limit, detail::write_response(socket, *res))) {
        break;
      }
    }
  } catch (const boost::system::system_error& e) {
    // timed_out: idle, trickling, or not reading its answers. Anything else
    // (operation_aborted at shutdown) ends the session just the same: a
    // session has nobody to report to.
    if (e.code() == asio::error::timed_out) {
      MP_REACHABLE("web: a connection timed out");
    }
  }
  boost::system::error_code ignored;
  socket.shutdown(P::tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

// Accepts until the acceptor is closed or the task cancelled.
template <moonpool::providers P>
asio::awaitable<void> accept_loop(std::shared_ptr<service<P>> svc,
                                  typename P::tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (ec) {
      // Out of descriptors, or the peer reset first: let the cause pass.
      co_await pause<typename P::steady_timer>(std::chrono::milliseconds(10));
      continue;
    }
    if (svc->connections >= svc->options.connections_max) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    svc->providers.spawn("web-session", session<P>(svc, std::move(socket)));
  }
}

}  // namespace web
