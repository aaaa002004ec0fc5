// sim-http: unmodified Beast HTTP/1.1 servers and a keep-alive client under
// swarm network chaos and process attrition. The README's main demo.
//
// Three server processes run http_app::serve over simulated TCP. The client
// sends 60 requests, keeping connections alive, and must get a valid answer
// to every one despite partial I/O, clogs, partitions, bit flips, resets,
// half-open connections, refused and hanging connects, and servers that are
// rebooted under it. It does so the way a real client must: a deadline on
// every attempt, end-to-end checksums, reconnecting and retrying on another
// server.

#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "http_app.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = moonpool::sim::tcp;
using namespace std::chrono_literals;

namespace {

constexpr unsigned short http_port = 8080;

struct HttpServer : moonpool::sim::Process {
  std::string_view name() const override { return "http"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), http_port});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      moonpool::sim::spawn(ctx.get_executor(), "session", http_app::serve(std::move(peer)))
          .detach();
    }
  }
};

http::request<http::string_body> make_request(moonpool::sim::random_stream& random, int index) {
  http::request<http::string_body> req;
  req.version(11);
  req.keep_alive(true);
  switch (random.below(3)) {
    case 0:
      req.method(http::verb::get);
      req.target("/hello");
      break;
    case 1:
      req.method(http::verb::post);
      req.target("/echo");
      req.body() = "request " + std::to_string(index) + ": " +
                   std::string(random.below(20000), static_cast<char>('a' + index % 26));
      break;
    default:
      req.method(http::verb::get);
      req.target("/missing");
  }
  return req;
}

struct HttpClient : moonpool::sim::Workload {
  std::string_view name() const override { return "client"; }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    const auto servers = ctx.process_ips();
    std::optional<tcp::socket> connection;
    boost::beast::flat_buffer buffer;
    int completed = 0;
    for (int i = 0; i < 60; ++i) {
      const auto req = make_request(ctx.random(), i);
      int attempts = 0;
      for (;;) {
        ++attempts;
        try {
          if (!connection) {
            connection.emplace(ctx.get_executor());
            buffer.clear();
            const auto& server = servers[ctx.random().below(servers.size())];
            co_await moonpool::sim::timeout(
                3s, connection->async_connect({server, http_port}, asio::use_awaitable));
          }
          auto res =
              co_await moonpool::sim::timeout(5s, http_app::exchange(*connection, buffer, req));
          if (http_app::valid(req, res)) {
            break;
          }
          MP_REACHABLE("a corrupted response was detected and retried");
          connection.reset();
        } catch (const boost::system::system_error&) {
          connection.reset();  // refused, reset, timed out, eof: try again
        }
        MP_ALWAYS(attempts < 200, "every request succeeds within 200 attempts");
        if (attempts >= 200) {
          throw std::runtime_error("request " + std::to_string(i) + " never succeeded");
        }
        co_await moonpool::sim::sleep(std::chrono::milliseconds(50 + ctx.random().below(500)));
      }
      MP_SOMETIMES(attempts > 1, "a request needed a retry");
      ++completed;
      co_await moonpool::sim::sleep(std::chrono::milliseconds(ctx.random().below(300)));
    }
    ctx.state().publish("completed", completed);
  }

  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    MP_ALWAYS(ctx.state().get<int>("completed") == 60, "all 60 requests completed");
    co_return;
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  moonpool::sim::attrition_config attrition;
  attrition.max_dead = 1;
  sim.name("http")
      .iterations(1000)
      .processes(3, [] { return std::make_unique<HttpServer>(); })
      .workload([] { return std::make_unique<HttpClient>(); })
      .chaos_duration(30s)
      .enable_chaos({moonpool::sim::chaos::network(moonpool::sim::chaos_mode::swarm),
                     moonpool::sim::chaos::attrition(attrition)});
  return moonpool::sim::run_main(argc, argv, sim);
}
