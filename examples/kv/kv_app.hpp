#pragma once
// sim-kv: a persistent key-value store (kv_store.hpp) served over TCP, and a
// client that checks it keeps every write it acknowledged.
//
// The store runs as a process on a disk with storage chaos (every fault kind
// but misdirected writes, swarm-masked per seed) and attrition (graceful
// reboots, crashes, and crash_and_wipe). The client keeps a model per key:
// the value last acknowledged, and the values of puts whose outcome it does
// not know (no answer, a failure, a lost connection). A get must return the
// acknowledged value or one of those. A crash_and_wipe (the client reads the
// runner's "reboot" events on the timeline) may lose everything, so it
// turns every acknowledged value into an unknown one and allows "absent".
//
// Wire format: 24 bytes each way, three u64 in host order (both ends are the
// same binary). Request {op, key, value}; response {status, found, value}.

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <set>
#include <string>
#include <vector>

#include "kv_store.hpp"

namespace kv {

using tcp = moonpool::sim::tcp;

inline constexpr std::uint16_t port = 7200;
inline constexpr std::uint64_t key_count = 8;
inline constexpr auto run_duration = 20s;

enum class op : std::uint64_t { get = 1, put = 2 };
enum class status : std::uint64_t { ok = 1, failed = 2 };

using words = std::array<std::uint64_t, 3>;
// A response status the server never sends: the request was answered already.
inline constexpr std::uint64_t already_answered = 0;

inline asio::awaitable<void> send(tcp::socket& socket, words w) {
  co_await asio::async_write(socket, asio::buffer(w), asio::use_awaitable);
}

inline asio::awaitable<words> receive(tcp::socket& socket) {
  words w{};
  co_await asio::async_read(socket, asio::buffer(w), asio::use_awaitable);
  co_return w;
}

struct Server : moonpool::sim::Process {
  explicit Server(bugs b) : bugs_(b) {}
  std::string_view name() const override { return "kv"; }

  // One connection at a time: that serializes the log's writers.
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    store s(ctx, bugs_);
    co_await s.ensure_ready();
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), port});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      co_await serve(s, peer);
    }
  }

 private:
  static asio::awaitable<void> serve(store& s, tcp::socket& peer) {
    try {
      for (;;) {
        // An idle session ends, so that the next client is served.
        const words request = co_await moonpool::sim::timeout(2s, receive(peer));
        const words response = co_await handle(s, peer, request);
        if (response[0] != already_answered) {
          co_await send(peer, response);
        }
        if (s.wants_compaction()) {
          co_await compact(s);
        }
      }
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) {
        throw;  // shutting down
      }
      // The client went away or stayed silent; serve the next one.
    }
  }

  // Storage failures fail the request (and make the store recover); only a
  // shutdown escapes.
  static asio::awaitable<words> handle(store& s, tcp::socket& peer, const words& request) {
    const auto kind = static_cast<op>(request[0]);
    bool answered = false;
    try {
      co_await s.ensure_ready();
      if (kind == op::get) {
        const std::optional<std::uint64_t> value = s.get(request[1]);
        co_return words{static_cast<std::uint64_t>(status::ok), value ? 1U : 0U, value.value_or(0)};
      }
      co_await s.write(request[1], request[2]);
      const words ok{static_cast<std::uint64_t>(status::ok), 1, request[2]};
      if (s.shortcuts().ack_before_sync) {
        co_await send(peer, ok);  // the bug: acknowledged, not yet durable
        answered = true;
        co_await s.commit();
        co_return words{already_answered, 0, 0};
      }
      co_await s.commit();
      co_return ok;
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) {
        throw;
      }
      s.mark_broken();
      MP_REACHABLE("kv: a storage failure failed a request");
      co_return words{answered ? already_answered : static_cast<std::uint64_t>(status::failed), 0,
                      0};
    }
  }

  static asio::awaitable<void> compact(store& s) {
    try {
      co_await s.compact();
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) {
        throw;
      }
      s.mark_broken();
    }
  }

  bugs bugs_;
};

// What the client knows of one key.
struct key_model {
  std::optional<std::uint64_t> acknowledged;
  bool absent_allowed = true;
  std::set<std::uint64_t> unknown;  // puts whose outcome the client does not know

  [[nodiscard]] bool allows(std::optional<std::uint64_t> read) const {
    if (!read) {
      return absent_allowed;
    }
    return read == acknowledged || unknown.count(*read) != 0;
  }
  [[nodiscard]] std::string describe() const {
    std::string text = "acknowledged ";
    text += acknowledged ? std::to_string(*acknowledged) : std::string("none");
    text += absent_allowed ? ", absent allowed" : "";
    text += ", unknown {";
    for (const std::uint64_t v : unknown) {
      text += " " + std::to_string(v);
    }
    return text + " }";
  }
};

class Client : public moonpool::sim::Workload {
 public:
  std::string_view name() const override { return "client"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    const auto end = ctx.now() + run_duration;
    while (ctx.now() < end) {
      const std::uint64_t key = ctx.random().below(key_count);
      if (ctx.random().chance(0.7)) {
        co_await put(ctx, key, next_value_++);
      } else {
        co_await get(ctx, key);
      }
      co_await moonpool::sim::sleep(std::chrono::milliseconds(ctx.random().between(5, 50)));
    }
  }

  // Every key reads back as the model allows, once the store answers.
  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    for (std::uint64_t key = 0; key < key_count; ++key) {
      constexpr int attempts_max = 600;
      bool answered = false;
      for (int attempt = 0; attempt < attempts_max && !answered; ++attempt) {
        answered = co_await get(ctx, key);
        if (!answered) {
          co_await moonpool::sim::sleep(100ms);
        }
      }
      if (!answered) {
        throw std::runtime_error("the store did not answer a get of key " + std::to_string(key) +
                                 " in " + std::to_string(attempts_max) + " attempts");
      }
    }
    MP_SOMETIMES(acknowledged_ > 0, "kv: puts were acknowledged");
  }

 private:
  // Sends one request and reads its answer; nothing on any network error.
  asio::awaitable<std::optional<words>> call(moonpool::sim::Context& ctx, words request) {
    try {
      if (!link_) {
        tcp::socket s(ctx.get_executor());
        co_await moonpool::sim::timeout(
            1s, s.async_connect({*ctx.peer("kv"), port}, asio::use_awaitable));
        link_.emplace(std::move(s));
      }
      co_await send(*link_, request);
      co_return co_await moonpool::sim::timeout(3s, receive(*link_));
    } catch (const boost::system::system_error&) {
      link_.reset();
      co_return std::nullopt;
    }
  }

  // A crash_and_wipe may have lost every acknowledged write.
  void observe_wipes(moonpool::sim::Context& ctx) {
    const moonpool::sim::timeline& events = ctx.timeline();
    for (const moonpool::sim::timeline_event* e : events.since(timeline_cursor_)) {
      if (e->name == "reboot" && e->get<std::string>("kind") == "crash_and_wipe") {
        ++wipes_;
        for (key_model& m : model_) {
          if (m.acknowledged) {
            m.unknown.insert(*m.acknowledged);
            m.acknowledged.reset();
          }
          m.absent_allowed = true;
        }
      }
    }
    timeline_cursor_ = events.size();
  }

  asio::awaitable<void> put(moonpool::sim::Context& ctx, std::uint64_t key, std::uint64_t value) {
    observe_wipes(ctx);
    const std::uint64_t wipes_before = wipes_;
    key_model& m = model_[key];
    m.unknown.insert(value);
    const std::optional<words> answer =
        co_await call(ctx, {static_cast<std::uint64_t>(op::put), key, value});
    observe_wipes(ctx);
    if (answer && (*answer)[0] == static_cast<std::uint64_t>(status::ok) &&
        wipes_ == wipes_before) {
      m.acknowledged = value;
      m.unknown.clear();
      m.absent_allowed = false;
      ++acknowledged_;
    }
  }

  // True when the store answered (and the answer was checked).
  asio::awaitable<bool> get(moonpool::sim::Context& ctx, std::uint64_t key) {
    const std::optional<words> answer =
        co_await call(ctx, {static_cast<std::uint64_t>(op::get), key, 0});
    observe_wipes(ctx);
    if (!answer || (*answer)[0] != static_cast<std::uint64_t>(status::ok)) {
      co_return false;
    }
    const std::optional<std::uint64_t> read =
        (*answer)[1] != 0 ? std::optional((*answer)[2]) : std::nullopt;
    const key_model& m = model_[key];
    // The error names the key, the value read and the model: the story of
    // the seed is then in its trace (--trace).
    if (!m.allows(read)) {
      throw std::runtime_error("key " + std::to_string(key) + " read " +
                               (read ? std::to_string(*read) : std::string("absent")) +
                               "; the model has " + m.describe());
    }
    MP_SOMETIMES(read && read == m.acknowledged && ctx.timeline().count("reboot") > 0,
                 "kv: an acknowledged value read back after a reboot");
    co_return true;
  }

  std::array<key_model, key_count> model_{};
  std::optional<tcp::socket> link_;
  std::size_t timeline_cursor_ = 0;
  std::uint64_t wipes_ = 0;
  std::uint64_t next_value_ = 1;
  std::uint64_t acknowledged_ = 0;
};

int run(int argc, char** argv, const char* name, bugs b) {
  namespace sim = moonpool::sim;
  // A single-copy log cannot survive misdirected writes (kv_store.hpp).
  sim::storage_chaos_config faults;
  faults.misdirected_writes = false;
  sim::attrition_config attrition;
  attrition.graceful_weight = 1.0;
  attrition.crash_weight = 2.0;
  attrition.crash_and_wipe_weight = 0.25;
  attrition.interval_min = 1s;
  attrition.interval_max = 4s;
  attrition.recovery_min = 100ms;
  attrition.recovery_max = 2s;
  attrition.grace_min = 10ms;
  attrition.grace_max = 500ms;
  sim::SimulationBuilder builder;
  builder.name(name)
      .iterations(100)
      .network(sim::network_config::fast_local())
      .processes(1, [b] { return std::make_unique<Server>(b); })
      .workload([] { return std::make_unique<Client>(); })
      .chaos_duration(run_duration)
      .enable_chaos(
          {sim::chaos::storage(sim::chaos_mode::swarm, faults), sim::chaos::attrition(attrition)});
  return sim::run_main(argc, argv, builder);
}

}  // namespace kv
