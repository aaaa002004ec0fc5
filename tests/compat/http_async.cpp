// sim-compat-http-async: Beast's official http_server_async serving, and
// its official http_client_async fetching, over simulated TCP under swarm
// network chaos and process attrition. Only type names changed
// (patches/http_server_async.patch, patches/http_client_async.patch).
//
// Every session of the client either prints the document the server holds
// or reports an error (the example does not retry); it never prints
// anything else, never hangs, and the server never crashes.

#include "harness.hpp"

namespace {

using namespace compat;

class http_client final : public sim::Workload {
 public:
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    for (int i = 0; i < 8; ++i) {
      const std::string printed = co_await client_session(ctx, output_, [&] {
        return start_http_client_async(ctx.io_context(), "server", "8080", "/");
      });
      MP_SOMETIMES(!printed.empty(), "the official HTTP client printed the document");
      MP_SOMETIMES(printed.empty(), "the official HTTP client reported an error");
      if (!printed.empty()) {
        MP_ALWAYS(printed.find("HTTP/1.1 200 OK") != std::string::npos &&
                      printed.find(served_document) != std::string::npos,
                  "what the official client printed is the server's document");
      }
      co_await think(ctx);
    }
  }

 private:
  captured_output output_;
};

}  // namespace

int main(int argc, char** argv) {
  sim::SimulationBuilder simulation;
  sim::attrition_config attrition;
  attrition.max_dead = 1;
  simulation.name("compat-http-async")
      .iterations(500)
      .processes(1, serve([](sim::io_context& ioc) {
                   start_http_server_async(ioc, any_address(8080), document_root());
                 }))
      .workload([] { return std::make_unique<http_client>(); })
      .chaos_duration(30s)
      .enable_chaos(
          {sim::chaos::network(sim::chaos_mode::swarm), sim::chaos::attrition(attrition)});
  return sim::run_main(argc, argv, simulation);
}
