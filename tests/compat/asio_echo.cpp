// sim-compat-asio-echo: Asio's official C++20 coroutine echo_server
// (cpp20/coroutines/echo_server.cpp, only `using ...::tcp` changed) under
// swarm network chaos and process attrition. The example has no client,
// so the workload is one written as a user would, against the same
// simulated types: it resolves the server by name, reconnects after
// failures and checks every echo.

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <optional>

#include "harness.hpp"

namespace {

using namespace compat;
using tcp = moonpool::sim::tcp;

class echo_client final : public sim::Workload {
 public:
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    auto ex = co_await asio::this_coro::executor;
    std::optional<tcp::socket> socket;
    for (int i = 0; i < 20; ++i) {
      const std::string message = "message " + std::to_string(i) + "\n";
      int attempts = 0;
      for (;; ++attempts) {
        MP_ALWAYS(attempts < 100, "every message is echoed within 100 attempts");
        if (attempts >= 100) {
          throw std::runtime_error("message " + std::to_string(i) + " was never echoed");
        }
        try {
          if (!socket) {
            tcp::resolver resolver(ex);
            auto endpoints =
                co_await resolver.async_resolve("server", "55555", asio::use_awaitable);
            socket.emplace(ex);
            co_await sim::timeout(10s, async_connect(*socket, endpoints, asio::use_awaitable));
          }
          co_await sim::timeout(
              10s, asio::async_write(*socket, asio::buffer(message), asio::use_awaitable));
          std::string echo(message.size(), '\0');
          co_await sim::timeout(10s,
                                asio::async_read(*socket, asio::buffer(echo), asio::use_awaitable));
          if (echo == message) {
            break;
          }
          // Corrupted in transit (a bit flip): start over on a new connection.
          socket.reset();
        } catch (const boost::system::system_error&) {
          socket.reset();  // reset, refused, timed out, not found: try again
        }
        co_await sim::sleep(std::chrono::milliseconds(100 + ctx.random().below(900)));
      }
      MP_SOMETIMES(attempts > 0, "an echo needed another attempt");
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  sim::SimulationBuilder simulation;
  sim::attrition_config attrition;
  attrition.max_dead = 1;
  simulation.name("compat-asio-echo")
      .iterations(500)
      .processes(1, serve([](sim::io_context& ioc) { start_asio_echo_server(ioc); }))
      .workload([] { return std::make_unique<echo_client>(); })
      .chaos_duration(30s)
      .enable_chaos(
          {sim::chaos::network(sim::chaos_mode::swarm), sim::chaos::attrition(attrition)});
  return sim::run_main(argc, argv, simulation);
}
