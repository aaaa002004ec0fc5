// sim-compat-websocket-timeouts: the official WebSocket examples'
// timeout::suggested timeouts fire at their simulated deadlines.
//
// Both examples set websocket::stream_base::timeout::suggested, whose
// handshake timeout is 30 s; Beast keeps that timeout in an Asio
// steady_timer inside the stream. Against a silent peer:
// - the official client connects to a server that accepts and then says
//   nothing: its handshake must fail 30 s (simulated) after it started;
// - a client that connects to the official server and says nothing must
//   see the server drop it 30 s after it connected.
// Simulated minutes pass in milliseconds of real time.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>

#include "harness.hpp"

namespace {

using namespace compat;
using tcp = moonpool::sim::tcp;

// Accepts connections and never reads or writes.
class silent_server final : public sim::Process {
 public:
  std::string_view name() const override { return "silent"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    tcp::acceptor acceptor(ctx.get_executor(), {tcp::v4(), 9000});
    std::vector<tcp::socket> held;
    for (;;) {
      held.push_back(co_await acceptor.async_accept(asio::use_awaitable));
      ctx.state().publish("silent_accepted_ns", ctx.now().count());
    }
  }
};

class timeouts final : public sim::Workload {
 public:
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    // The official client against the silent server.
    const std::string printed = co_await client_session(ctx, output_, [&] {
      return start_websocket_client_async(ctx.io_context(), "silent", "9000", "anyone there?");
    });
    const auto accepted =
        std::chrono::nanoseconds(*ctx.state().get<std::int64_t>("silent_accepted_ns"));
    const auto client_gave_up = ctx.now() - accepted;
    MP_ALWAYS(printed.empty(), "the client printed nothing from a silent server");
    MP_ALWAYS(client_gave_up >= 30s && client_gave_up < 30s + 100ms,
              "the client's handshake timed out 30 s after it started");
    ctx.state().publish("client_gave_up_ns", client_gave_up.count());

    // A silent client against the official server.
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    tcp::socket socket(ex);
    co_await async_connect(socket,
                           co_await resolver.async_resolve("server", "8080", asio::use_awaitable),
                           asio::use_awaitable);
    const auto connected = ctx.now();
    char byte = 0;
    auto [ec, n] = co_await asio::async_read(socket, asio::buffer(&byte, 1),
                                             asio::as_tuple(asio::use_awaitable));
    (void)n;
    const auto server_gave_up = ctx.now() - connected;
    MP_ALWAYS(ec, "the server dropped a silent client");
    // The server's clock starts at its accept, a network latency before the
    // client's connect completes; the drop reaches the client a latency
    // after it happens: both are milliseconds.
    MP_ALWAYS(server_gave_up > 30s - 100ms && server_gave_up < 30s + 100ms,
              "the server's handshake timed out 30 s after the client connected");
    ctx.state().publish("server_gave_up_ns", server_gave_up.count());
  }

 private:
  captured_output output_;
};

}  // namespace

int main(int argc, char** argv) {
  seed_websocket_masks();
  sim::SimulationBuilder simulation;
  simulation.name("compat-websocket-timeouts")
      .iterations(20)
      .processes(1, serve([](sim::io_context& ioc) {
                   start_websocket_server_async(ioc, any_address(8080));
                 }))
      .processes(1, [] { return std::make_unique<silent_server>(); })
      .workload([] { return std::make_unique<timeouts>(); });
  return sim::run_main(argc, argv, simulation);
}
