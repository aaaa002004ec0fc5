// sim-compat-asio-chat: Asio's official C++20 coroutine chat_server
// (cpp20/coroutines/chat_server.cpp, only `using ...::tcp` changed) with
// two chatting clients under swarm network chaos and process attrition. Its sessions wait for
// outgoing messages on an unmodified boost::asio::steady_timer (expires_at
// time_point::max(), cancel_one()), which runs on simulated time.
//
// The clients are written as a user would, against the same simulated
// types: each resolves the server by name, sends its lines, and reads what
// the room broadcasts; it reconnects after failures.
//
// A determinism caveat that belongs to the example: chat_room keeps its
// participants in a std::set of shared_ptr, ordered by heap address, and
// delivers to them in that order. A seed run alone starts from a fresh
// heap, a seed in a sweep from one shaped by the seeds before it, so the
// two can differ (the CTest replays the sweep's first seed, which starts
// fresh). docs/migrating.md says more.

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <optional>

#include "harness.hpp"

namespace {

using namespace compat;
using tcp = moonpool::sim::tcp;

class chat_client final : public sim::Workload {
 public:
  explicit chat_client(std::string who) : who_(std::move(who)) {}
  std::string_view name() const override { return who_; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    auto ex = co_await asio::this_coro::executor;
    const std::string peer = who_ == "alice" ? "bob" : "alice";
    int sent = 0;
    bool heard_peer = false;
    const auto end = ctx.now() + 60s;
    while (ctx.now() < end && (sent < 10 || !heard_peer)) {
      try {
        tcp::resolver resolver(ex);
        auto endpoints = co_await resolver.async_resolve("server", "9000", asio::use_awaitable);
        tcp::socket socket(ex);
        co_await sim::timeout(10s, async_connect(socket, endpoints, asio::use_awaitable));
        std::string pending;
        while (ctx.now() < end && (sent < 10 || !heard_peer)) {
          if (sent < 10) {
            const std::string line = who_ + " " + std::to_string(sent) + "\n";
            co_await sim::timeout(
                10s, asio::async_write(socket, asio::buffer(line), asio::use_awaitable));
            ++sent;
          }
          const std::size_t n = co_await sim::timeout(
              2s, asio::async_read_until(socket, asio::dynamic_buffer(pending), "\n",
                                         asio::use_awaitable));
          heard_peer = heard_peer || pending.substr(0, n).starts_with(peer + " ");
          pending.erase(0, n);
        }
      } catch (const boost::system::system_error&) {
        // reset, refused, timed out: reconnect
      }
      co_await sim::sleep(std::chrono::milliseconds(100 + ctx.random().below(400)));
    }
    MP_SOMETIMES(heard_peer, "a chat client heard the other one");
  }

 private:
  std::string who_;
};

}  // namespace

int main(int argc, char** argv) {
  sim::SimulationBuilder simulation;
  sim::attrition_config attrition;
  attrition.max_dead = 1;
  simulation.name("compat-asio-chat")
      .iterations(300)
      .processes(1, serve([](sim::io_context& ioc) { start_asio_chat_server(ioc, 9000); }))
      .workload([] { return std::make_unique<chat_client>("alice"); })
      .workload([] { return std::make_unique<chat_client>("bob"); })
      .chaos_duration(30s)
      .enable_chaos(
          {sim::chaos::network(sim::chaos_mode::swarm), sim::chaos::attrition(attrition)});
  return sim::run_main(argc, argv, simulation);
}
