#pragma once
// A toy leader election, in a correct and a buggy version.
//
// Each node runs a vote server and an election loop. After a random
// timeout a node starts a new term, votes for itself and asks every peer
// for its vote over TCP ("VOTE <term>\n" -> "YES\n" or "NO\n"); a peer
// grants at most one vote per term. A node that gathers a majority is
// leader for that term and says so on the timeline.
//
// The bug: a candidate whose vote request times out assumes the silent peer
// would have said yes ("it is probably just slow"). Without partitions
// every request is answered and the bug is invisible; when a partition cuts
// a node off, it elects itself while the other side elects a leader of the
// same term: split brain. An invariant over the timeline catches it.

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace leader {

namespace asio = boost::asio;
using tcp = moonpool::sim::tcp;
using namespace std::chrono_literals;

constexpr unsigned short vote_port = 9000;

struct node_state {
  std::uint64_t term = 0;
  std::uint64_t voted_in_term = 0;
};

inline asio::awaitable<void> serve_votes(tcp::socket peer, std::shared_ptr<node_state> state) {
  try {
    std::string line;
    co_await asio::async_read_until(peer, asio::dynamic_buffer(line), '\n', asio::use_awaitable);
    const std::uint64_t term = std::stoull(line.substr(5));
    const bool grant = term > state->voted_in_term;
    if (grant) {
      state->voted_in_term = term;
      state->term = std::max(state->term, term);
    }
    co_await asio::async_write(peer, asio::buffer(std::string(grant ? "YES\n" : "NO\n")),
                               asio::use_awaitable);
  } catch (const std::exception&) {
  }
}

// true: granted; false: refused; nullopt: no answer in time.
inline asio::awaitable<std::optional<bool>> request_vote(asio::any_io_executor ex,
                                                         asio::ip::address peer,
                                                         std::uint64_t term) {
  try {
    co_return co_await moonpool::sim::timeout(200ms, [&]() -> asio::awaitable<bool> {
      tcp::socket s(ex);
      co_await s.async_connect({peer, vote_port}, asio::use_awaitable);
      co_await asio::async_write(s, asio::buffer("VOTE " + std::to_string(term) + "\n"),
                                 asio::use_awaitable);
      std::string reply;
      co_await asio::async_read_until(s, asio::dynamic_buffer(reply), '\n', asio::use_awaitable);
      co_return reply == "YES\n";
    }());
  } catch (const boost::system::system_error&) {
    co_return std::nullopt;
  }
}

template <bool Buggy>
struct Node : moonpool::sim::Process {
  std::string_view name() const override { return "node"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    auto state = std::make_shared<node_state>();
    auto ex = ctx.get_executor();
    moonpool::sim::spawn(ex, "votes", [ex, state, ip = ctx.my_ip()]() -> asio::awaitable<void> {
      tcp::acceptor acceptor(ex, {ip, vote_port});
      for (;;) {
        tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
        moonpool::sim::spawn(ex, "vote", serve_votes(std::move(peer), state)).detach();
      }
    }).detach();

    std::vector<asio::ip::address> peers;
    for (const auto& ip : ctx.process_ips()) {
      if (ip != ctx.my_ip()) {
        peers.push_back(ip);
      }
    }
    const std::size_t cluster = peers.size() + 1;
    for (;;) {
      co_await moonpool::sim::sleep(std::chrono::milliseconds(300 + ctx.random().below(700)));
      const std::uint64_t term = std::max(state->term, state->voted_in_term) + 1;
      state->term = term;
      state->voted_in_term = term;
      std::size_t votes = 1;
      for (const auto& peer : peers) {
        const std::optional<bool> answer = co_await request_vote(ex, peer, term);
        if (answer.value_or(Buggy)) {  // the bug: silence counts as yes
          ++votes;
        }
        // For whoever reads the trace (--trace); never part of the hash.
        moonpool::sim::log("term ", term, ": ", peer.to_string(), " answered ",
                           answer ? (*answer ? "yes" : "no") : "nothing");
      }
      moonpool::sim::log("term ", term, ": ", votes, " of ", cluster, " votes");
      if (state->term == term && votes * 2 > cluster) {
        ctx.emit("leader_elected", {{"term", term}, {"node", std::string(ctx.name())}});
        MP_REACHABLE("a leader was elected");
        co_await moonpool::sim::sleep(2s);  // lead for a while, then step down
      }
    }
  }
};

// The nemesis: cuts one node off from the others now and then.
struct Nemesis : moonpool::sim::FaultInjector {
  std::string_view name() const override { return "nemesis"; }
  asio::awaitable<void> run(moonpool::sim::FaultContext& faults) override {
    const auto nodes = faults.process_ips();
    for (;;) {
      co_await moonpool::sim::sleep(std::chrono::milliseconds(1000 + faults.random().below(3000)));
      if (faults.random().chance(0.5)) {
        // One draw per statement, so every compiler draws in the same order.
        const auto victim = nodes[faults.random().below(nodes.size())];
        const auto duration = std::chrono::milliseconds(500 + faults.random().below(2500));
        faults.isolate(victim, duration);
        MP_REACHABLE("a node was isolated");
      }
    }
  }
};

// Lets the cluster run while the nemesis works; the invariant does the
// checking.
struct Observer : moonpool::sim::Workload {
  std::string_view name() const override { return "observer"; }
  asio::awaitable<void> run(moonpool::sim::Context&) override {
    co_await moonpool::sim::sleep(std::chrono::seconds(20));
  }
};

inline void no_two_leaders_per_term(const moonpool::sim::invariant_view& view) {
  std::map<std::int64_t, std::string> leader_of_term;
  for (const auto* e : view.timeline.named("leader_elected")) {
    const auto term = e->get<std::int64_t>("term");
    const auto node = e->get<std::string>("node");
    auto [it, inserted] = leader_of_term.emplace(term, node);
    if (!inserted && it->second != node) {
      throw std::runtime_error("split brain: " + it->second + " and " + node +
                               " are both leader of term " + std::to_string(term));
    }
  }
}

template <bool Buggy>
int run(int argc, char** argv, const char* name) {
  moonpool::sim::SimulationBuilder sim;
  sim.name(name)
      .iterations(100)
      .network(moonpool::sim::network_config::fast_local())
      .processes(3, [] { return std::make_unique<Node<Buggy>>(); })
      .workload([] { return std::make_unique<Observer>(); })
      .chaos_duration(std::chrono::seconds(20))
      .fault([] { return std::make_unique<Nemesis>(); })
      .invariant("at most one leader per term", no_two_leaders_per_term);
  return moonpool::sim::run_main(argc, argv, sim);
}

}  // namespace leader
