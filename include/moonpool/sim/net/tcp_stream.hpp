#pragma once
// moonpool::sim::tcp_stream: the surface of boost::beast::tcp_stream over a
// simulated socket, with its timeouts on simulated time. Like Beast's
// basic_stream it is a template over its executor (rebind_executor works,
// so use_awaitable's executor_with_default can be its default token).
//
// beast::tcp_stream hard-wires the OS socket and the real clock, so code
// written against it reaches this type through a seam (a template parameter
// or an alias):
//
//   template <class Stream> asio::awaitable<void> fetch(Stream& stream) {
//     stream.expires_after(std::chrono::seconds(5));
//     co_await http::async_write(stream, req, asio::use_awaitable);
//     ...
//   }
//
// As with Beast: expires_after/expires_at set a deadline for the pending and
// following operations, expires_never removes it; when the deadline passes
// first, the socket is closed and the operation completes with
// boost::beast::error::timeout.
//
// This header includes a small part of Beast (its error codes); the core
// headers (moonpool/sim.hpp) do not.

#include <array>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <type_traits>
#include <vector>

#include "moonpool/sim/net/socket.hpp"
#include "moonpool/sim/steady_timer.hpp"

namespace moonpool::sim {

template <class Executor = boost::asio::any_io_executor>
class basic_tcp_stream {
 public:
  using executor_type = Executor;
  using socket_type = basic_tcp_socket<Executor>;
  using endpoint_type = boost::asio::ip::tcp::endpoint;
  using protocol_type = boost::asio::ip::tcp;
  // As Beast's basic_stream: boost::asio::ssl::stream<tcp_stream> (and
  // beast::ssl_stream) reach the socket through these.
  using lowest_layer_type = socket_type;
  using time_point = steady_timer::time_point;
  using duration = steady_timer::duration;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_tcp_stream<OtherExecutor>;
  };

  explicit basic_tcp_stream(const executor_type& ex)
      : socket_(ex),
        read_timer_(boost::asio::any_io_executor(ex)),
        write_timer_(boost::asio::any_io_executor(ex)),
        state_(&timer_state(ex)) {}
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  explicit basic_tcp_stream(ExecutionContext& context)
      : basic_tcp_stream(executor_type(context.get_executor())) {}
  explicit basic_tcp_stream(socket_type&& socket)
      : socket_(std::move(socket)),
        read_timer_(boost::asio::any_io_executor(socket_.get_executor())),
        write_timer_(boost::asio::any_io_executor(socket_.get_executor())),
        state_(&timer_state(socket_.get_executor())) {}
  // From a socket with another executor type (an accepted socket whose
  // executor is a strand, say), as Beast allows.
  template <class OtherExecutor>
  requires(!std::is_same_v<OtherExecutor, Executor> &&
           std::is_convertible_v<
               OtherExecutor, Executor>) explicit basic_tcp_stream(basic_tcp_socket<OtherExecutor>&&
                                                                       socket)
      : basic_tcp_stream(socket_type(std::move(socket))) {}
  basic_tcp_stream(basic_tcp_stream&&) noexcept = default;
  basic_tcp_stream& operator=(basic_tcp_stream&&) noexcept = default;

  [[nodiscard]] executor_type get_executor() const noexcept { return socket_.get_executor(); }
  socket_type& socket() noexcept { return socket_; }
  const socket_type& socket() const noexcept { return socket_; }
  lowest_layer_type& lowest_layer() noexcept { return socket_; }
  const lowest_layer_type& lowest_layer() const noexcept { return socket_; }
  // Takes the socket out; the stream is left without one.
  socket_type release_socket() {
    read_timer_.cancel();
    write_timer_.cancel();
    return std::move(socket_);
  }

  void expires_after(duration timeout) { expiry_ = time_point(state_->now() + timeout); }
  template <class Rep, class Period>
  void expires_after(std::chrono::duration<Rep, Period> timeout) {
    expires_after(std::chrono::duration_cast<duration>(timeout));
  }
  void expires_at(time_point expiry) { expiry_ = expiry; }
  void expires_never() { expiry_ = time_point::max(); }

  void cancel() {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  template <class MutableBufferSequence,
            class ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token = {}) {
    return with_deadline(read_timer_, socket_.async_read_some(buffers, boost::asio::deferred),
                         std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence,
            class WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token = {}) {
    return with_deadline(write_timer_, socket_.async_write_some(buffers, boost::asio::deferred),
                         std::forward<WriteToken>(token));
  }

  template <class ConnectToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_connect(const endpoint_type& peer, ConnectToken&& token = {}) {
    namespace asio = boost::asio;
    write_timer_.expires_at(expiry_);
    return asio::experimental::make_parallel_group(socket_.async_connect(peer, asio::deferred),
                                                   write_timer_.async_wait(asio::deferred))
        .async_wait(asio::experimental::wait_for_one(),
                    asio::deferred([this](std::array<std::size_t, 2> order,
                                          boost::system::error_code ec, boost::system::error_code) {
                      if (order[0] == 1) {
                        close();
                        ec = boost::beast::error::timeout;
                      }
                      return asio::deferred.values(ec);
                    }))(std::forward<ConnectToken>(token));
  }

  // Tries each endpoint in order until one connects; completes with the
  // error of the last attempt (or not_found for an empty sequence) and the
  // endpoint that connected.
  template <class EndpointSequence,
            class ConnectToken = boost::asio::default_completion_token_t<executor_type>>
  requires requires(const EndpointSequence& s) {
    s.begin();
    s.end();
  }
  auto async_connect(const EndpointSequence& endpoints, ConnectToken&& token = {}) {
    std::vector<endpoint_type> list;
    for (const auto& entry : endpoints) {
      list.push_back(endpoint_type(entry));
    }
    return boost::asio::async_compose<ConnectToken, void(boost::system::error_code, endpoint_type)>(
        connect_range_op{this, std::move(list)}, token, socket_);
  }

 private:
  static detail::world_state& timer_state(const executor_type& ex) {
    return detail::state_of(ex, "moonpool::sim::tcp_stream");
  }

  template <class Operation, class Token>
  auto with_deadline(steady_timer& timer, Operation operation, Token&& token) {
    namespace asio = boost::asio;
    timer.expires_at(expiry_);
    return asio::experimental::make_parallel_group(std::move(operation),
                                                   timer.async_wait(asio::deferred))
        .async_wait(
            asio::experimental::wait_for_one(),
            asio::deferred([this](std::array<std::size_t, 2> order, boost::system::error_code ec,
                                  std::size_t n, boost::system::error_code) {
              if (order[0] == 1) {
                // The deadline passed first: like Beast, close the
                // socket and report a timeout.
                close();
                ec = boost::beast::error::timeout;
                n = 0;
              }
              return asio::deferred.values(ec, n);
            }))(std::forward<Token>(token));
  }

  struct connect_range_op {
    basic_tcp_stream* stream;
    std::vector<endpoint_type> endpoints;
    std::size_t next = 0;
    boost::system::error_code last_error = boost::asio::error::not_found;

    template <class Self>
    void operator()(Self& self) {
      if (endpoints.empty()) {
        // Complete through the executor, never inside the initiating call.
        boost::asio::post(stream->get_executor(), boost::asio::append(std::move(self), last_error));
        return;
      }
      try_next(self);
    }

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec) {
      if (!ec && next > 0 && next <= endpoints.size()) {
        self.complete(ec, endpoints[next - 1]);
        return;
      }
      last_error = ec;
      if (ec == boost::beast::error::timeout || next >= endpoints.size()) {
        self.complete(last_error, endpoint_type());
        return;
      }
      try_next(self);
    }

    template <class Self>
    void try_next(Self& self) {
      stream->close();
      stream->async_connect(endpoints[next++], std::move(self));
    }
  };

  socket_type socket_;
  steady_timer read_timer_;
  steady_timer write_timer_;
  detail::world_state* state_;
  time_point expiry_ = time_point::max();
};

using tcp_stream = basic_tcp_stream<>;

}  // namespace moonpool::sim
