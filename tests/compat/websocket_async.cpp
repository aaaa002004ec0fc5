// sim-compat-websocket-async: Beast's official websocket_server_async
// echoing to its official websocket_client_async over simulated TCP, under
// swarm network chaos and process attrition. Only type names changed
// (patches/websocket_*_async.patch). Both set timeout::suggested; their
// WebSocket timers are Asio's own, running on simulated time.
//
// Every client session either prints the text it sent, echoed, or reports
// an error; it never prints anything else and the server never crashes.

#include "harness.hpp"

namespace {

using namespace compat;

class websocket_client final : public sim::Workload {
 public:
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    for (int i = 0; i < 8; ++i) {
      const std::string text = "hello " + std::to_string(ctx.random().below(1'000'000));
      const std::string printed = co_await client_session(ctx, output_, [&] {
        return start_websocket_client_async(ctx.io_context(), "server", "8080", text.c_str());
      });
      MP_SOMETIMES(!printed.empty(), "the official WebSocket client printed the echo");
      MP_SOMETIMES(printed.empty(), "the official WebSocket client reported an error");
      if (!printed.empty()) {
        MP_ALWAYS(printed == text + "\n", "what the official client printed is its own text");
      }
      co_await think(ctx);
    }
  }

 private:
  captured_output output_;
};

}  // namespace

int main(int argc, char** argv) {
  seed_websocket_masks();
  sim::SimulationBuilder simulation;
  sim::attrition_config attrition;
  attrition.max_dead = 1;
  simulation.name("compat-websocket-async")
      .iterations(500)
      .processes(1, serve([](sim::io_context& ioc) {
                   start_websocket_server_async(ioc, any_address(8080));
                 }))
      .workload([] { return std::make_unique<websocket_client>(); })
      .chaos_duration(30s)
      .enable_chaos(
          {sim::chaos::network(sim::chaos_mode::swarm), sim::chaos::attrition(attrition)});
  return sim::run_main(argc, argv, simulation);
}
