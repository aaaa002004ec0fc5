#pragma once
// One WebSocket connection of sim-chat, as both ends use it: frames in and
// out, a heartbeat, and a silence watchdog built on simulated timers.
//
// Beast's own WebSocket timeouts stay off (the stream's default): a peer
// that goes silent (a half-open connection, a partition, a crashed server)
// is found by the watchdog, which closes the socket when nothing arrived
// for `silence_limit`. Closing the socket ends every pending read and
// write on it at once, so the reader, the writer and the watchdog of a
// connection always finish together.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "chat_wire.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/net/beast.hpp"
#include "moonpool/sim/runner.hpp"

namespace chat {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = moonpool::sim::tcp;
using namespace std::chrono_literals;

// Each end sends a heartbeat after this long without sending anything...
inline constexpr auto heartbeat_interval = 1s;
// ...and drops a connection that stayed silent this long.
inline constexpr auto silence_limit = 4s;
inline constexpr auto watchdog_period = 250ms;

class connection {
 public:
  connection(moonpool::sim::Context& ctx, tcp::socket socket)
      : ctx_(ctx), ws_(std::move(socket)), wake_(ws_.get_executor()) {
    ws_.binary(true);
    ws_.read_message_max(frame_bytes_max);
    // Said explicitly, though it is the default: Beast's timers would work
    // on simulated time, but the watchdog below is the one policy both
    // ends share, for the handshake and after it.
    ws_.set_option(websocket::stream_base::timeout{websocket::stream_base::none(),
                                                   websocket::stream_base::none(), false});
    last_heard_ = ctx_.now();
    last_sent_ = ctx_.now();
  }

  [[nodiscard]] websocket::stream<tcp::socket>& stream() noexcept { return ws_; }
  [[nodiscard]] bool closed() const noexcept { return closed_; }

  // Closes the socket: every pending operation on it completes with an
  // error. Idempotent.
  void close() {
    if (closed_) {
      return;
    }
    closed_ = true;
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
    wake_.cancel();
  }

  // Wakes the writer (new acks or deliveries to send).
  void wake() { wake_.cancel(); }

  // Parks the writer until wake() or `limit`, whichever comes first.
  asio::awaitable<void> wait_for_work(std::chrono::nanoseconds limit) {
    wake_.expires_after(limit);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (closed_) {
      throw boost::system::system_error(asio::error::operation_aborted, "connection closed");
    }
  }

  // The next intact frame; a corrupted one drops the connection.
  asio::awaitable<frame> read() {
    buffer_.clear();
    co_await ws_.async_read(buffer_, asio::use_awaitable);
    const auto bytes = buffer_.cdata();
    std::optional<frame> f = decode(std::string_view(static_cast<const char*>(bytes.data()),
                                                     static_cast<std::size_t>(bytes.size())));
    if (!f) {
      MP_REACHABLE("chat: a corrupted frame was caught by its checksum");
      close();
      throw boost::system::system_error(asio::error::invalid_argument, "corrupted frame");
    }
    last_heard_ = ctx_.now();
    co_return std::move(*f);
  }

  asio::awaitable<void> write(const frame& f) {
    const std::string bytes = encode(f);
    co_await ws_.async_write(asio::buffer(bytes), asio::use_awaitable);
    last_sent_ = ctx_.now();
  }

  // Sends a heartbeat when nothing was sent for a while.
  asio::awaitable<void> heartbeat_if_idle() {
    if (ctx_.now() - last_sent_ >= heartbeat_interval) {
      const frame heartbeat{frame_kind::heartbeat, 0, 0, 0, {}};
      co_await write(heartbeat);
    }
  }

  [[nodiscard]] std::chrono::nanoseconds until_heartbeat() const {
    const auto due = last_sent_ + std::chrono::nanoseconds(heartbeat_interval);
    return due > ctx_.now() ? due - ctx_.now() : std::chrono::nanoseconds(0);
  }

  // Closes the connection once the peer was silent too long; returns when
  // the connection is closed (by it or by anyone else).
  asio::awaitable<void> watchdog() {
    while (!closed_) {
      co_await moonpool::sim::sleep(watchdog_period);
      if (!closed_ && ctx_.now() - last_heard_ > silence_limit) {
        MP_REACHABLE("chat: a silent connection was dropped by its watchdog");
        close();
      }
    }
  }

 private:
  moonpool::sim::Context& ctx_;
  websocket::stream<tcp::socket> ws_;
  moonpool::sim::steady_timer wake_;
  beast::flat_buffer buffer_;
  std::chrono::nanoseconds last_heard_{0};
  std::chrono::nanoseconds last_sent_{0};
  bool closed_ = false;
};

// Runs two halves of a connection's work (reader and writer, or the work
// and the watchdog) until both end; whichever ends first, in any way,
// closes the connection, which ends the other. Network errors are how a
// connection ends and are swallowed; anything else (a broken bound, a
// checker's verdict) is rethrown. Asio's `a || b` does not fit: it waits
// for a *success*, so a half that fails leaves the other running.
inline asio::awaitable<void> both(connection& c, asio::awaitable<void> first,
                                  asio::awaitable<void> second) {
  auto closing = [](connection& conn, asio::awaitable<void> half) -> asio::awaitable<void> {
    try {
      co_await std::move(half);
    } catch (const boost::system::system_error&) {
      // eof, reset, aborted, protocol error: the connection is over.
    }
    conn.close();
  };
  auto ex = co_await asio::this_coro::executor;
  auto [order, first_error, second_error] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, closing(c, std::move(first)), asio::deferred),
          asio::co_spawn(ex, closing(c, std::move(second)), asio::deferred))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  if (first_error) {
    std::rethrow_exception(first_error);
  }
  if (second_error) {
    std::rethrow_exception(second_error);
  }
}

// Runs `body()` beside the connection's watchdog (both() above).
template <class Body>
asio::awaitable<void> supervise(connection& c, Body& body) {
  co_await both(c, body(), c.watchdog());
}

}  // namespace chat
