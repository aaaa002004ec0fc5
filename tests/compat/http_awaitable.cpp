// sim-compat-http-awaitable: Beast's official http_server_awaitable (its
// acceptor made with use_awaitable.as_default_on, its stream a rebound
// tcp_stream) fetched from by the official http_client_async.
//
// Expected to fail, and the failure is the example's own: once a client
// shuts its connection down, do_session catches end_of_stream inside its
// for(;;) and reads again, forever, without waiting on anything (a known
// upstream bug). The engine reports that as a livelock naming the seed,
// and the seed replays (tests/compat/check_expected_livelock.cmake).

#include "harness.hpp"

namespace {

using namespace compat;

class http_client final : public sim::Workload {
 public:
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    for (int i = 0; i < 3; ++i) {
      const std::string printed = co_await client_session(ctx, output_, [&] {
        return start_http_client_async(ctx.io_context(), "server", "8080", "/");
      });
      if (!printed.empty()) {
        MP_ALWAYS(printed.find(served_document) != std::string::npos,
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
  simulation.name("compat-http-awaitable")
      .iterations(100)
      .processes(1, serve([](sim::io_context& ioc) {
                   start_http_server_awaitable(ioc, any_address(8080), document_root());
                 }))
      .workload([] { return std::make_unique<http_client>(); })
      .chaos_duration(30s)
      .enable_chaos({sim::chaos::network(sim::chaos_mode::swarm)});
  return sim::run_main(argc, argv, simulation);
}
