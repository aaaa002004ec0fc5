#pragma once
// sim-chat's server: a Beast WebSocket chat room whose history is durable.
//
// Every connection starts with a hello naming the last position its client
// saw; the server answers with a welcome (its history's end) and then
// sends every message after that position, live ones included: catch-up
// and broadcast are one cursor per connection over one history, so a
// client sees the history in order, without gaps or repeats, however often
// it reconnects.
//
// Messages from all connections go through one queue to one committer
// (group commit): it drops what the history already holds (a resend whose
// acknowledgement was lost: same sender, seq not above the sender's last),
// writes the rest in one batch, syncs, and only then acknowledges the
// batch and wakes the connections to broadcast it.
//
// Why a sender's messages enter in seq order, so that "seq not above the
// last" is the whole deduplication: a client sends on each connection its
// unacknowledged messages first, in seq order, then new ones; so whenever
// seq n arrives, every earlier seq was acknowledged (it is in the
// history) or arrived earlier on the same connection (it is ahead in the
// queue). A crash keeps a prefix of the history (chat_log.hpp), and every
// acknowledged message is in that prefix.

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "chat_connection.hpp"
#include "chat_log.hpp"
#include "chat_main.hpp"

namespace chat {

inline constexpr std::uint16_t port = 7300;
// Bounds: connections held at once (the oldest is dropped past it), frames
// queued for the committer, and acknowledgements waiting on one connection.
// A client has at most a window of messages unacknowledged, so a
// connection past a bound is stale or misbehaving and is dropped.
inline constexpr std::size_t connections_max = 16;
inline constexpr std::size_t pending_max = 256;
inline constexpr std::size_t acks_waiting_max = 64;

struct session {
  session(moonpool::sim::Context& ctx, tcp::socket socket) : conn(ctx, std::move(socket)) {}
  connection conn;
  std::uint64_t next_position = 1;  // the next history entry to deliver
  std::deque<frame> acks;
};

struct pending_message {
  std::uint64_t sender = 0;
  std::uint64_t seq = 0;
  std::string body;
  std::weak_ptr<session> from;
  std::uint64_t position = 0;  // once classified; 0 for a duplicate
};

class room : public std::enable_shared_from_this<room> {
 public:
  room(moonpool::sim::Context& ctx, bugs b)
      : ctx_(ctx), bugs_(b), log_(ctx), committer_wake_(ctx.get_executor()) {}

  // Serves until cancelled (a shutdown) or until the committer fails,
  // whichever comes first; the first to end says why.
  asio::awaitable<void> run() {
    co_await log_.recover();
    auto ex = co_await asio::this_coro::executor;
    auto [order, accept_error, commit_error] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, accept_connections(), asio::deferred),
            asio::co_spawn(ex, commit_messages(), asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (const std::exception_ptr& why = order[0] == 0 ? accept_error : commit_error) {
      std::rethrow_exception(why);
    }
  }

 private:
  asio::awaitable<void> accept_connections() {
    tcp::acceptor acceptor(ctx_.get_executor(), {ctx_.my_ip(), port});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      // A session keeps the room alive: after a graceful shutdown cancels
      // run(), sessions live on until the grace period ends.
      moonpool::sim::spawn(ctx_.get_executor(), "chat-session",
                           serve(shared_from_this(), std::move(peer)))
          .detach();
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<room> /*keep_alive*/, tcp::socket peer) {
    auto s = std::make_shared<session>(ctx_, std::move(peer));
    auto body = [this, s] { return converse(s); };
    co_await supervise(s->conn, body);
    std::erase(sessions_, s);
  }

  asio::awaitable<void> converse(std::shared_ptr<session> s) {
    co_await s->conn.stream().async_accept(asio::use_awaitable);
    const frame hello = co_await s->conn.read();
    if (hello.kind != frame_kind::hello) {
      co_return;  // a protocol error ends the connection
    }
    const std::uint64_t end = log_.end_position();
    MP_ALWAYS_LE(hello.b, end, "chat: no client has seen a position the history does not hold");
    s->next_position = std::min(hello.b, end) + 1;
    subscribe(s);
    const frame welcome{frame_kind::welcome, end, 0, 0, {}};
    co_await s->conn.write(welcome);
    co_await both(s->conn, receive(s), send(s));
  }

  void subscribe(const std::shared_ptr<session>& s) {
    if (sessions_.size() == connections_max) {
      sessions_.front()->conn.close();
      sessions_.erase(sessions_.begin());
    }
    sessions_.push_back(s);
  }

  asio::awaitable<void> receive(std::shared_ptr<session> s) {
    for (;;) {
      frame f = co_await s->conn.read();
      if (f.kind == frame_kind::heartbeat) {
        continue;
      }
      if (f.kind != frame_kind::message || pending_.size() == pending_max) {
        co_return;  // a protocol error, or a queue past its bound
      }
      pending_.push_back(pending_message{f.a, f.b, std::move(f.body), s, 0});
      committer_wake_.cancel();
    }
  }

  // Acknowledgements first (they free the client's window), then the
  // history from the connection's cursor, then a heartbeat when idle.
  asio::awaitable<void> send(std::shared_ptr<session> s) {
    for (;;) {
      if (!s->acks.empty()) {
        const frame ack = s->acks.front();
        s->acks.pop_front();
        co_await s->conn.write(ack);
      } else if (s->next_position <= log_.end_position()) {
        const entry& e = log_.entries()[s->next_position - 1];
        const frame delivery{frame_kind::delivery, e.position, e.sender, e.seq, e.body};
        ++s->next_position;
        co_await s->conn.write(delivery);
      } else {
        co_await s->conn.heartbeat_if_idle();
        co_await s->conn.wait_for_work(s->conn.until_heartbeat());
      }
    }
  }

  asio::awaitable<void> commit_messages() {
    for (;;) {
      while (pending_.empty()) {
        committer_wake_.expires_at(moonpool::sim::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await committer_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      std::vector<pending_message> batch(std::make_move_iterator(pending_.begin()),
                                         std::make_move_iterator(pending_.end()));
      pending_.clear();
      std::vector<entry> fresh = classify(batch);
      if (!fresh.empty()) {
        co_await log_.write(fresh);
        if (bugs_.ack_before_sync) {
          acknowledge(batch);  // the bug: not durable yet
        }
        co_await log_.commit(std::move(fresh));
      }
      if (!bugs_.ack_before_sync || fresh.empty()) {
        acknowledge(batch);
      }
      for (const std::shared_ptr<session>& s : sessions_) {
        s->conn.wake();
      }
    }
  }

  // Gives the new messages of a batch their positions; a duplicate keeps
  // position 0 (its original is in the history or earlier in this batch).
  std::vector<entry> classify(std::vector<pending_message>& batch) const {
    std::vector<entry> fresh;
    std::map<std::uint64_t, std::uint64_t> last_seq;
    for (pending_message& m : batch) {
      auto [it, inserted] = last_seq.try_emplace(m.sender, log_.last_seq(m.sender));
      if (m.seq <= it->second && !bugs_.no_deduplication) {
        MP_REACHABLE("chat: the server dropped a resent duplicate");
        continue;
      }
      it->second = m.seq;
      m.position = log_.end_position() + fresh.size() + 1;
      fresh.push_back(entry{m.position, m.sender, m.seq, m.body});
    }
    return fresh;
  }

  void acknowledge(const std::vector<pending_message>& batch) {
    for (const pending_message& m : batch) {
      const std::shared_ptr<session> s = m.from.lock();
      if (!s || s->conn.closed()) {
        continue;  // the client resends it on its next connection
      }
      if (s->acks.size() == acks_waiting_max) {
        s->conn.close();
        continue;
      }
      s->acks.push_back(frame{frame_kind::ack, m.sender, m.seq, m.position, {}});
      s->conn.wake();
    }
  }

  moonpool::sim::Context& ctx_;
  bugs bugs_;
  chat_log log_;
  std::deque<pending_message> pending_;
  moonpool::sim::steady_timer committer_wake_;
  std::vector<std::shared_ptr<session>> sessions_;  // in the order they subscribed
};

struct Server : moonpool::sim::Process {
  explicit Server(bugs b) : bugs_(b) {}
  std::string_view name() const override { return "chat"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    auto r = std::make_shared<room>(ctx, bugs_);
    co_await r->run();
  }

 private:
  bugs bugs_;
};

}  // namespace chat
