#pragma once
// sim-chat's clients, and the checker that judges what each one received.
//
// A client sends messages (sender id, seq 1, 2, ...; at most a window of
// them unacknowledged), receives the room's history, and over every
// connection it makes after a drop or a server reboot: says hello with the
// last position it saw (catch-up), then resends every unacknowledged
// message in seq order before anything new (the server deduplicates).
//
// Each delivery is checked as it arrives: the next position, never a
// (sender, seq) seen before, each sender's seqs increasing, the text the
// pair implies. What each client was acknowledged goes into a ledger
// shared by the clients. In the check phase (chaos over) every client
// first gets its remaining messages acknowledged, then, once every client
// has, waits until it has received every acknowledged message of every
// client: an acknowledged message that never arrives was lost.

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chat_connection.hpp"
#include "chat_server.hpp"

namespace chat {

inline constexpr std::size_t client_count = 3;
inline constexpr auto run_duration = 20s;
// How long the check phase may take to get everything acknowledged and
// delivered once chaos is over; the network is quiet by then.
inline constexpr auto check_duration_max = 60s;
inline constexpr std::size_t window_max = 4;
inline constexpr std::uint64_t messages_max = 250;  // per client
inline constexpr auto connect_limit = 2s;

// What the clients share: every message each was acknowledged, and which
// clients have all of theirs acknowledged (their sets are final then).
struct ledger {
  std::map<std::uint64_t, std::set<std::uint64_t>> acknowledged;
  std::set<std::uint64_t> settled;
};

inline ledger& shared_ledger(moonpool::sim::Context& ctx) {
  return ctx.state().get_or_create<ledger>("chat.ledger");
}

class Client : public moonpool::sim::Workload {
 public:
  explicit Client(std::uint64_t id) : id_(id), name_("client-" + std::to_string(id)) {}
  std::string_view name() const override { return name_; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    const auto end = ctx.now() + std::chrono::nanoseconds(run_duration);
    while (ctx.now() < end) {
      co_await connect_and_talk(ctx, mode::chat, end);
      co_await moonpool::sim::sleep(std::chrono::milliseconds(ctx.random().between(50, 500)));
    }
  }

  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    const auto end = ctx.now() + std::chrono::nanoseconds(check_duration_max);
    while (!finished(ctx) && ctx.now() < end) {
      co_await connect_and_talk(ctx, mode::settle, end);
      if (!finished(ctx)) {
        co_await moonpool::sim::sleep(std::chrono::milliseconds(ctx.random().between(50, 500)));
      }
    }
    judge(ctx);
  }

 private:
  enum class mode { chat, settle };

  asio::awaitable<void> connect_and_talk(moonpool::sim::Context& ctx, mode m,
                                         std::chrono::nanoseconds end) {
    tcp::socket socket(ctx.get_executor());
    try {
      co_await moonpool::sim::timeout(
          connect_limit, socket.async_connect({*ctx.peer("chat"), port}, asio::use_awaitable));
    } catch (const boost::system::system_error&) {
      co_return;  // refused (the server is down), reset or timed out
    }
    connection conn(ctx, std::move(socket));
    auto body = [&] { return talk(ctx, conn, m, end); };
    co_await supervise(conn, body);
  }

  asio::awaitable<void> talk(moonpool::sim::Context& ctx, connection& conn, mode m,
                             std::chrono::nanoseconds end) {
    co_await conn.stream().async_handshake("chat", "/", asio::use_awaitable);
    ++connections_;
    MP_SOMETIMES(connections_ > 1, "chat: a client reconnected");
    const std::uint64_t after = last_position_;
    // Frames are named locals before a co_await: g++ 12 mishandles
    // temporaries with non-trivial members inside co_await expressions.
    const frame hello{frame_kind::hello, id_, after, 0, {}};
    co_await conn.write(hello);
    const frame welcome = co_await conn.read();
    if (welcome.kind != frame_kind::welcome) {
      co_return;
    }
    MP_ALWAYS_GE(welcome.a, after, "chat: the history never shrinks below what a client saw");
    if (connections_ > 1) {
      MP_SOMETIMES(welcome.a > after, "chat: a reconnecting client caught up on missed messages");
    }
    co_await both(conn, receive(ctx, conn), send(ctx, conn, m, end));
  }

  asio::awaitable<void> send(moonpool::sim::Context& ctx, connection& conn, mode m,
                             std::chrono::nanoseconds end) {
    const std::vector<std::uint64_t> resend(unacknowledged_.begin(), unacknowledged_.end());
    if (connections_ > 1) {
      MP_SOMETIMES(!resend.empty(), "chat: a client resent unacknowledged messages");
    }
    for (const std::uint64_t seq : resend) {
      const frame again = message(seq);
      co_await conn.write(again);
    }
    while (!conn.closed()) {
      if (m == mode::settle && unacknowledged_.empty()) {
        shared_ledger(ctx).settled.insert(id_);
        if (finished(ctx)) {
          co_return;
        }
      }
      if (ctx.now() >= end) {
        co_return;
      }
      if (m == mode::chat && ctx.now() >= next_send_ && unacknowledged_.size() < window_max &&
          next_seq_ <= messages_max) {
        unacknowledged_.push_back(next_seq_);
        const frame fresh = message(next_seq_++);
        co_await conn.write(fresh);
        next_send_ = ctx.now() + std::chrono::milliseconds(ctx.random().between(20, 250));
      }
      co_await conn.heartbeat_if_idle();
      co_await moonpool::sim::sleep(std::min(conn.until_heartbeat(), pause(ctx, m)));
    }
  }

  // How long the sender may sleep before it has something to do.
  [[nodiscard]] std::chrono::nanoseconds pause(const moonpool::sim::Context& ctx, mode m) const {
    constexpr std::chrono::nanoseconds poll = 50ms;
    if (m == mode::settle || unacknowledged_.size() == window_max || next_seq_ > messages_max) {
      return poll;
    }
    return std::clamp(next_send_ - ctx.now(), std::chrono::nanoseconds(1ms), poll);
  }

  [[nodiscard]] frame message(std::uint64_t seq) const {
    return frame{frame_kind::message, id_, seq, 0, message_text(id_, seq)};
  }

  asio::awaitable<void> receive(moonpool::sim::Context& ctx, connection& conn) {
    for (;;) {
      const frame f = co_await conn.read();
      if (f.kind == frame_kind::ack) {
        acknowledged(ctx, f);
      } else if (f.kind == frame_kind::delivery) {
        delivered(f);
      } else if (f.kind != frame_kind::heartbeat) {
        co_return;  // a protocol error ends the connection
      }
    }
  }

  void acknowledged(moonpool::sim::Context& ctx, const frame& ack) {
    const bool ours = ack.a == id_ && ack.b >= 1 && ack.b < next_seq_;
    MP_ALWAYS(ours, "chat: a client is acknowledged only messages it sent");
    if (!ours) {
      violation("acknowledged a message it never sent: seq " + std::to_string(ack.b));
      return;
    }
    std::erase(unacknowledged_, ack.b);
    shared_ledger(ctx).acknowledged[id_].insert(ack.b);
  }

  void delivered(const frame& d) {
    const std::uint64_t position = d.a;
    const std::uint64_t sender = d.b;
    const std::uint64_t seq = d.c;
    const std::string what =
        "(client-" + std::to_string(sender) + ", #" + std::to_string(seq) + ")";
    MP_ALWAYS(position == last_position_ + 1, "chat: a client receives the history without gaps");
    if (position != last_position_ + 1) {
      violation("received position " + std::to_string(position) + " after " +
                std::to_string(last_position_));
    }
    last_position_ = position;
    const bool fresh = received_.insert({sender, seq}).second;
    MP_ALWAYS(fresh, "chat: no client receives a message twice");
    if (!fresh) {
      violation("received " + what + " twice");
    }
    std::uint64_t& last = last_seq_from_[sender];
    MP_ALWAYS(seq > last || !fresh, "chat: each client receives a sender's messages in order");
    if (seq <= last && fresh) {
      violation("received " + what + " after #" + std::to_string(last));
    }
    last = std::max(last, seq);
    MP_ALWAYS(d.body == message_text(sender, seq), "chat: a delivery carries its message's text");
  }

  void violation(std::string what) {
    if (violations_.size() < 8) {
      violations_.push_back(name_ + " " + std::move(what));
    }
  }

  // Done: every client has all its messages acknowledged, and this one has
  // received every acknowledged message.
  [[nodiscard]] bool finished(moonpool::sim::Context& ctx) const {
    const ledger& l = shared_ledger(ctx);
    return l.settled.size() == client_count && missing(l).empty();
  }

  [[nodiscard]] std::vector<std::pair<std::uint64_t, std::uint64_t>> missing(
      const ledger& l) const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> lost;
    for (const auto& [sender, seqs] : l.acknowledged) {
      for (const std::uint64_t seq : seqs) {
        if (!received_.contains({sender, seq})) {
          lost.emplace_back(sender, seq);
        }
      }
    }
    return lost;
  }

  void judge(moonpool::sim::Context& ctx) {
    const ledger& l = shared_ledger(ctx);
    MP_ALWAYS(unacknowledged_.empty(), "chat: every message is acknowledged once chaos ends");
    const auto lost = missing(l);
    MP_ALWAYS(lost.empty(), "chat: every acknowledged message reaches every client");
    MP_SOMETIMES(!received_.empty() && lost.empty(),
                 "chat: a client received every acknowledged message");
    std::size_t crashes = 0;
    std::size_t graceful = 0;
    for (const moonpool::sim::timeline_event* e : ctx.timeline().named("reboot")) {
      const std::string kind = e->get<std::string>("kind");
      crashes += kind == "crash" ? 1 : 0;
      graceful += kind == "graceful" ? 1 : 0;
    }
    MP_SOMETIMES(crashes > 0 && lost.empty(), "chat: nothing acknowledged was lost to a crash");
    MP_SOMETIMES(graceful > 0, "chat: the server was rebooted gracefully");
    if (!violations_.empty()) {
      throw std::runtime_error(violations_.front());
    }
    if (!unacknowledged_.empty()) {
      throw std::runtime_error(
          name_ + ": " + std::to_string(unacknowledged_.size()) +
          " messages still unacknowledged " + std::to_string(check_duration_max.count()) +
          " s after chaos ended, the first #" + std::to_string(unacknowledged_.front()));
    }
    if (!lost.empty()) {
      throw std::runtime_error(
          name_ + " never received (client-" + std::to_string(lost.front().first) + ", #" +
          std::to_string(lost.front().second) + "), acknowledged to its sender; " +
          std::to_string(lost.size()) + " acknowledged messages missing in all, " +
          std::to_string(crashes) + " crash reboots");
    }
  }

  std::uint64_t id_;
  std::string name_;
  // Sending.
  std::uint64_t next_seq_ = 1;
  std::deque<std::uint64_t> unacknowledged_;  // in seq order
  std::chrono::nanoseconds next_send_{0};
  std::uint64_t connections_ = 0;
  // Receiving.
  std::uint64_t last_position_ = 0;
  std::set<std::pair<std::uint64_t, std::uint64_t>> received_;
  std::map<std::uint64_t, std::uint64_t> last_seq_from_;
  std::vector<std::string> violations_;
};

}  // namespace chat
