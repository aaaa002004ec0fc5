#pragma once
// An escrow ledger over TCP whose buggy version double-applies a deposit
// only after six rare events in a row, of three kinds: a buggify slow path,
// a connection reset from the network model, and a race between two timers
// decided by their random delays. The explorer's reference problem beside
// sim-maze (one kind of step) and sim-replication (two resets).
//
// The client makes `deposit_count` deposits, one at a time, each with an
// id, and retries a deposit whose exchange failed (on a new connection).
// The ledger applies each id once and acknowledges it.
//
// The incident: the ledger sometimes defers making a deposit durable (a
// "lazy flush", buggify); if the next deposit's exchange is reset, the
// client reconnects, and if its retry arrives in the 2 ms before the flush
// (a race), the ledger parks that deposit's dedup record in a side table.
// If the next deposit then triggers a compaction (buggify again), the
// following exchange is reset too, and the retry after that races the
// compaction's end, the buggy ledger rebuilds its dedup table from the
// side table and the log, and applies the lazily flushed deposit a second
// time. The fixed ledger rebuilds from the log alone.
//
// Each step must happen on the deposit right after the previous one, and
// each has a sometimes-assertion, so an explorer can keep every step once
// reached: plain seeds need all six at once (about 0.05^6 per deposit).

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace escrow {

namespace asio = boost::asio;
using tcp = moonpool::sim::tcp;
using namespace std::chrono_literals;

constexpr std::uint64_t deposit_count = 200;
constexpr std::uint16_t ledger_port = 7300;
constexpr double rare = 0.05;

// How far the current incident has gone: its last step and the deposit it
// happened on. Shared (iteration state) by the ledger and the client.
struct incident {
  int step = 0;
  std::uint64_t deposit = 0;
  std::uint64_t lazy_deposit = 0;              // the deposit of step 1
  std::chrono::nanoseconds flush_due{0};       // after the lazy flush
  std::chrono::nanoseconds compaction_end{0};  // after the compaction
};

// Step `step` happened on `deposit`: it counts only right after step - 1,
// on the next deposit (a race, steps 3 and 6, on the retry of the same
// one).
inline bool advance(incident& now, int step, std::uint64_t deposit) {
  if (step == 1) {
    now = incident{1, deposit, deposit, {}, {}};
    return true;
  }
  const bool same = step == 3 || step == 6;
  if (now.step != step - 1 || deposit != now.deposit + (same ? 0 : 1)) {
    return false;
  }
  now.step = step;
  now.deposit = deposit;
  return true;
}

// Each step's sometimes-assertion: the explorer's foothold.
inline void mark_step(int step) {
  switch (step) {
    case 1:
      MP_REACHABLE("step 1: a lazy flush (buggify)");
      break;
    case 2:
      MP_REACHABLE("step 2: the next exchange was reset (network)");
      break;
    case 3:
      MP_REACHABLE("step 3: the retry raced the flush (timers)");
      break;
    case 4:
      MP_REACHABLE("step 4: a compaction (buggify)");
      break;
    case 5:
      MP_REACHABLE("step 5: the next exchange was reset again (network)");
      break;
    default:
      MP_REACHABLE("step 6: the retry raced the compaction (timers)");
      break;
  }
}

inline asio::awaitable<void> send(tcp::socket& socket, std::array<std::uint64_t, 2> words) {
  co_await asio::async_write(socket, asio::buffer(words), asio::use_awaitable);
}

inline asio::awaitable<std::array<std::uint64_t, 2>> receive(tcp::socket& socket) {
  std::array<std::uint64_t, 2> words{};
  co_await asio::async_read(socket, asio::buffer(words), asio::use_awaitable);
  co_return words;
}

// The ledger's books, in iteration state so that the check can read them.
struct books {
  std::map<std::uint64_t, std::uint64_t> applied;  // id -> times applied
  std::uint64_t balance = 0;
};

// One buggify site for both slow paths, so that a root seed in which it is
// active can take both.
inline bool rare_slow_path() {
  return MP_BUGGIFY_WITH_PROB(rare);
}

template <bool Buggy>
struct Ledger : moonpool::sim::Process {
  std::string_view name() const override { return "ledger"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), ledger_port});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      moonpool::sim::spawn(ctx.get_executor(), "session", serve(ctx, std::move(peer))).detach();
    }
  }

  static void apply(moonpool::sim::Context& ctx, std::uint64_t id, std::uint64_t amount) {
    books& b = ctx.state().get_or_create<books>("escrow.books");
    if (b.applied[id]++ == 0 || Buggy) {
      b.balance += amount;
    }
  }

  static asio::awaitable<void> serve(moonpool::sim::Context& ctx, tcp::socket peer) {
    auto& now = ctx.state().get_or_create<incident>("escrow.incident");
    books& b = ctx.state().get_or_create<books>("escrow.books");
    try {
      for (;;) {
        const auto [id, amount] = co_await moonpool::sim::timeout(5s, receive(peer));
        const auto at = ctx.now();
        // The retry of a reset deposit lands in the 2 ms before a pending
        // timer of the ledger fires.
        const auto just_before = [at](std::chrono::nanoseconds due) {
          return at < due && due - at < 2ms;
        };
        if (now.step == 2 && just_before(now.flush_due) && advance(now, 3, id)) {
          mark_step(3);
        } else if (now.step == 5 && just_before(now.compaction_end) && advance(now, 6, id)) {
          mark_step(6);
          // The dedup table is rebuilt from the side table and the log:
          // the buggy ledger applies the lazily flushed deposit again.
          apply(ctx, now.lazy_deposit, 1);
        }
        if (b.applied.count(id) == 0) {
          apply(ctx, id, amount);
          const bool live = now.step > 0 && now.step < 6 && id <= now.deposit + 1;
          if (now.step == 3 && id == now.deposit + 1) {
            if (rare_slow_path() && advance(now, 4, id)) {
              now.compaction_end = at + std::chrono::microseconds(ctx.random().below(40'000));
              mark_step(4);
            }
          } else if (!live && rare_slow_path() && advance(now, 1, id)) {
            now.flush_due = at + std::chrono::microseconds(ctx.random().below(40'000));
            mark_step(1);
          }
        }
        co_await send(peer, {id, 1});
      }
    } catch (const boost::system::system_error&) {
      // The link broke or went quiet; the client reconnects.
    }
  }
};

struct Client : moonpool::sim::Workload {
  std::string_view name() const override { return "client"; }

  static asio::awaitable<tcp::socket> connect(moonpool::sim::Context& ctx) {
    for (;;) {
      tcp::socket link(ctx.get_executor());
      const auto [error] = co_await link.async_connect({*ctx.peer("ledger"), ledger_port},
                                                       asio::as_tuple(asio::use_awaitable));
      if (!error) {
        co_return link;
      }
      co_await moonpool::sim::sleep(10ms);
    }
  }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    auto& now = ctx.state().get_or_create<incident>("escrow.incident");
    std::optional<tcp::socket> link;
    std::uint64_t acknowledged = 0;
    for (std::uint64_t id = 1; id <= deposit_count; ++id) {
      bool first_attempt = true;
      for (;;) {
        if (!link) {
          link = co_await connect(ctx);
        }
        bool failed = false;
        try {
          co_await send(*link, {id, 1});
          const auto ack = co_await moonpool::sim::timeout(1s, receive(*link));
          failed = ack[0] != id;
        } catch (const boost::system::system_error& e) {
          if (e.code() == asio::error::operation_aborted) {
            throw;  // shutting down
          }
          failed = true;
        }
        if (!failed) {
          break;
        }
        // The exchange was reset: a step when it follows the previous one.
        if (first_attempt) {
          const int step = now.step == 1 ? 2 : now.step == 4 ? 5 : 0;
          if (step != 0 && advance(now, step, id)) {
            mark_step(step);
          }
        }
        first_attempt = false;
        link.reset();
        // Reconnect after a random pause: whether the retry lands just
        // before the ledger's pending timer is the race of steps 3 and 6.
        co_await moonpool::sim::sleep(std::chrono::microseconds(ctx.random().below(40'000)));
      }
      ++acknowledged;
      ctx.state().publish("escrow.acknowledged", acknowledged);
      co_await moonpool::sim::sleep(5ms);
    }
  }

  // Every acknowledged deposit is in the balance once.
  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    const std::uint64_t acknowledged =
        ctx.state().get<std::uint64_t>("escrow.acknowledged").value_or(0);
    const books b = ctx.state().get<books>("escrow.books").value_or(books{});
    MP_ALWAYS(acknowledged == deposit_count, "every deposit is acknowledged");
    MP_ALWAYS(b.balance == acknowledged, "every deposit is applied exactly once");
    co_return;
  }
};

// Fast links that reset a connection under about one exchange in twenty.
inline moonpool::sim::network_config rare_resets() {
  moonpool::sim::network_config config = moonpool::sim::network_config::fast_local();
  config.random_close_probability = 0.0128;
  config.random_close_cooldown = std::chrono::nanoseconds(0);
  return config;
}

template <bool Buggy>
int run(int argc, char** argv, const char* name) {
  moonpool::sim::SimulationBuilder sim;
  sim.name(name)
      .iterations(16)
      .network(rare_resets())
      .processes(1, [] { return std::make_unique<Ledger<Buggy>>(); })
      .workload([] { return std::make_unique<Client>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}

}  // namespace escrow
