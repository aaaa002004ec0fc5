#pragma once
// Primary-backup replication over TCP, in a correct and a buggy version.
//
// The primary sends numbered operations to the backup one at a time and
// waits for each acknowledgement. When the link breaks it reconnects and
// asks the backup how far it got ("hello" -> "state"), then resumes from
// there. The backup records every operation it receives.
//
// The buggy primary has a shortcut for a link that breaks a second time:
// it assumes the operation in flight was delivered ("it was the retry, it
// must have arrived") and skips the hello. When that operation was in fact
// lost, the backup never gets it. Hitting the bug takes two rare network
// events in one run: a connection reset, and then another one later.
//
// Wire format: 16 bytes per message, a kind and a value, both u64 in
// host order (both ends are the same binary).

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <set>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace replication {

namespace asio = boost::asio;
using tcp = moonpool::sim::tcp;
using namespace std::chrono_literals;

constexpr std::uint64_t operation_count = 100;
constexpr std::uint16_t backup_port = 7100;

enum class kind : std::uint64_t { hello = 1, state = 2, op = 3, ack = 4 };

struct message {
  kind what;
  std::uint64_t value;
};

inline asio::awaitable<void> send(tcp::socket& socket, message m) {
  const std::array<std::uint64_t, 2> words{static_cast<std::uint64_t>(m.what), m.value};
  co_await asio::async_write(socket, asio::buffer(words), asio::use_awaitable);
}

inline asio::awaitable<message> receive(tcp::socket& socket) {
  std::array<std::uint64_t, 2> words{};
  co_await asio::async_read(socket, asio::buffer(words), asio::use_awaitable);
  co_return message{static_cast<kind>(words[0]), words[1]};
}

// What the backup holds, kept in the iteration's shared state so that the
// check can see it.
using applied_set = std::set<std::uint64_t>;

inline std::uint64_t contiguous_prefix(const applied_set& applied) {
  std::uint64_t n = 0;
  while (applied.count(n + 1) != 0) {
    ++n;
  }
  return n;
}

struct Backup : moonpool::sim::Process {
  std::string_view name() const override { return "backup"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), backup_port});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      moonpool::sim::spawn(ctx.get_executor(), "session", serve(ctx, std::move(peer))).detach();
    }
  }

  static asio::awaitable<void> serve(moonpool::sim::Context& ctx, tcp::socket peer) {
    auto& applied = ctx.state().get_or_create<applied_set>("backup.applied");
    try {
      for (;;) {
        // An idle session ends: a half-open connection must not live on.
        const message m = co_await moonpool::sim::timeout(5s, receive(peer));
        if (m.what == kind::hello) {
          co_await send(peer, {kind::state, contiguous_prefix(applied)});
        } else if (m.what == kind::op) {
          applied.insert(m.value);
          co_await send(peer, {kind::ack, m.value});
        }
      }
    } catch (const boost::system::system_error&) {
      // The link broke or went quiet; the primary reconnects.
    }
  }
};

template <bool Buggy>
struct Primary : moonpool::sim::Process {
  std::string_view name() const override { return "primary"; }

  // Connects, retrying until the backup listens (not a link failure).
  static asio::awaitable<tcp::socket> connect(moonpool::sim::Context& ctx) {
    for (;;) {
      tcp::socket link(ctx.get_executor());
      const auto [error] = co_await link.async_connect({*ctx.peer("backup"), backup_port},
                                                       asio::as_tuple(asio::use_awaitable));
      if (!error) {
        co_return link;
      }
      co_await moonpool::sim::sleep(20ms);
    }
  }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    std::uint64_t acked = 0;  // every operation up to here is on the backup
    std::uint64_t link_failures = 0;
    bool trust_own_count = false;
    while (acked < operation_count) {
      tcp::socket link = co_await connect(ctx);
      std::uint64_t in_flight = 0;
      try {
        if (!trust_own_count) {
          co_await send(link, {kind::hello, 0});
          const message state = co_await moonpool::sim::timeout(2s, receive(link));
          acked = state.value;
        }
        trust_own_count = false;
        while (acked < operation_count) {
          in_flight = acked + 1;
          co_await send(link, {kind::op, in_flight});
          const message ack = co_await moonpool::sim::timeout(2s, receive(link));
          acked = ack.value;
          ctx.state().publish("primary.committed", acked);
          MP_SOMETIMES_EACH("replication progress",
                            {{"ops", static_cast<std::int64_t>(acked / 2)},
                             {"link failures", static_cast<std::int64_t>(link_failures)}});
          if (acked < operation_count) {
            co_await moonpool::sim::sleep(2ms);
          }
        }
      } catch (const boost::system::system_error& e) {
        if (e.code() == asio::error::operation_aborted) {
          throw;  // shutting down, not a link failure
        }
        ++link_failures;
        MP_REACHABLE("the replication link broke");
        if (link_failures >= 2) {
          MP_REACHABLE("the replication link broke twice");
          if (Buggy && in_flight != 0) {
            // The bug: "a second failure means the retry got through".
            acked = in_flight;
            ctx.state().publish("primary.committed", acked);
            trust_own_count = true;
          }
        }
      }
      if (acked < operation_count) {
        co_await moonpool::sim::sleep(20ms);
      }
    }
  }
};

struct Auditor : moonpool::sim::Workload {
  std::string_view name() const override { return "auditor"; }
  // The run phase (when the network misbehaves) lasts until the primary
  // has committed everything; it retries until then.
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    while (ctx.state().get<std::uint64_t>("primary.committed").value_or(0) < operation_count) {
      co_await moonpool::sim::sleep(10ms);
    }
  }

  // Every operation the primary counts as committed is on the backup.
  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    const std::uint64_t committed = ctx.state().get<std::uint64_t>("primary.committed").value_or(0);
    const auto applied = ctx.state().get<applied_set>("backup.applied").value_or(applied_set{});
    const std::uint64_t held = contiguous_prefix(applied);
    MP_ALWAYS(committed == operation_count, "the primary commits every operation");
    MP_ALWAYS(held >= committed, "the backup holds every committed operation");
    if (held < committed) {
      throw std::runtime_error("the backup is missing operation " + std::to_string(held + 1) +
                               " of " + std::to_string(committed) + " committed");
    }
    co_return;
  }
};

// Fast links whose connections are reset, rarely, under a read or write.
inline moonpool::sim::network_config rare_resets() {
  moonpool::sim::network_config config = moonpool::sim::network_config::fast_local();
  config.random_close_probability = 1.5e-5;
  config.random_close_cooldown = std::chrono::nanoseconds(0);
  return config;
}

template <bool Buggy>
int run(int argc, char** argv, const char* name) {
  moonpool::sim::SimulationBuilder sim;
  moonpool::explore::exploration_config explore;
  // Every child of a progress mark is a fresh chance of a reset.
  explore.adaptive.min_timelines = 16;
  explore.global_energy = 20000;
  sim.name(name)
      .iterations(100)
      .network(rare_resets())
      .exploration(explore)
      .processes(1, [] { return std::make_unique<Backup>(); })
      .processes(1, [] { return std::make_unique<Primary<Buggy>>(); })
      .workload([] { return std::make_unique<Auditor>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}

}  // namespace replication
