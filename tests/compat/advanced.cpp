// sim-compat-advanced: Beast's official advanced_server (HTTP and WebSocket
// on one port, sessions on strands made from the io_context it is given)
// used by the official http_client_async and websocket_client_async at the
// same time, under swarm network chaos and process attrition. Only type
// names changed (patches/advanced_server.patch and the clients' patches).

#include "harness.hpp"

namespace {

using namespace compat;

class mixed_clients final : public sim::Workload {
 public:
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    for (int i = 0; i < 8; ++i) {
      const bool websocket = ctx.random().chance(0.5);
      const std::string text = "hello " + std::to_string(i);
      const std::string printed = co_await client_session(ctx, output_, [&] {
        return websocket
                   ? start_websocket_client_async(ctx.io_context(), "server", "8080", text.c_str())
                   : start_http_client_async(ctx.io_context(), "server", "8080", "/");
      });
      MP_SOMETIMES(!printed.empty() && websocket, "the WebSocket client printed the echo");
      MP_SOMETIMES(!printed.empty() && !websocket, "the HTTP client printed the document");
      if (!printed.empty()) {
        MP_ALWAYS(
            websocket ? printed == text + "\n" : printed.find(served_document) != std::string::npos,
            "what an official client printed is what the server sent");
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
  simulation.name("compat-advanced")
      .iterations(500)
      .processes(1, serve([](sim::io_context& ioc) {
                   start_advanced_server(ioc, any_address(8080), document_root());
                 }))
      .workload([] { return std::make_unique<mixed_clients>(); })
      .chaos_duration(30s)
      .enable_chaos(
          {sim::chaos::network(sim::chaos_mode::swarm), sim::chaos::attrition(attrition)});
  return sim::run_main(argc, argv, simulation);
}
