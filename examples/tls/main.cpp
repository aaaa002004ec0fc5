// sim-tls: Beast HTTPS servers and a keep-alive client under swarm network
// chaos and process attrition, with OpenSSL made deterministic by
// moonpool::sim::tls.
//
// Two server processes serve HTTP/1.1 over TLS (beast::ssl_stream over
// moonpool::sim::tcp_stream) with a certificate from a test authority made
// inside the simulation. The client verifies the server's certificate and
// name, sends a few requests on each connection, closes it with a TLS
// shutdown, and must get 40 requests answered despite partial I/O, clogs,
// partitions, bit flips, resets, half-open connections and reboots: a
// deadline on every step, reconnecting and retrying on either server.
//
// What TLS adds to the properties of sim-http: a response that arrives is
// never corrupted (a flipped bit fails the record's authentication and the
// connection, it never reaches the parser), so that is an always-assertion
// here, where sim-http needs its own checksum to notice.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>

#include "../http/http_app.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/net/tcp_stream.hpp"
#include "moonpool/sim/runner.hpp"
#include "moonpool/sim/tls.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace tls = moonpool::sim::tls;
using tcp = moonpool::sim::tcp;
using https_stream = beast::ssl_stream<moonpool::sim::tcp_stream>;
using namespace std::chrono_literals;

namespace {

constexpr unsigned short https_port = 443;
constexpr int requests_total = 40;
constexpr int attempts_max = 200;

// Every server's name: the test certificate carries them all.
std::vector<std::string> server_names(const moonpool::sim::Context& ctx) {
  std::vector<std::string> names;
  for (const auto& actor : ctx.everyone()) {
    if (actor.is_process) {
      names.push_back(actor.name);
    }
  }
  return names;
}

// One connection: handshake, requests until the client's close_notify (or
// any failure), then the server's own close_notify.
asio::awaitable<void> serve(https_stream stream) {
  auto& transport = beast::get_lowest_layer(stream);
  bool closed_by_peer = false;
  try {
    transport.expires_after(10s);
    co_await stream.async_handshake(ssl::stream_base::server, asio::use_awaitable);
    beast::flat_buffer buffer;
    for (;;) {
      transport.expires_after(30s);
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, asio::use_awaitable);
      auto res = http_app::handle(req);
      co_await http::async_write(stream, res, asio::use_awaitable);
    }
  } catch (const boost::system::system_error& e) {
    // end_of_stream: the client's close_notify; anything else (reset,
    // timeout, a record that failed authentication) ends the connection.
    closed_by_peer = e.code() == http::error::end_of_stream;
  }
  if (closed_by_peer) {
    transport.expires_after(5s);
    auto [ec] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    (void)ec;
  }
  transport.close();
}

struct HttpsServer : moonpool::sim::Process {
  std::string_view name() const override { return "https"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    const auto pki = tls::shared_test_pki(ctx, server_names(ctx));
    // A fresh context at every boot, like a restarted server.
    auto context = tls::context_for(ctx, tls::role::server);
    context.use_certificate_chain(asio::buffer(pki->certificate_pem));
    context.use_private_key(asio::buffer(pki->private_key_pem), ssl::context::pem);
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), https_port});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      https_stream stream(moonpool::sim::tcp_stream(std::move(peer)), context);
      moonpool::sim::spawn(ctx.get_executor(), "session", serve(std::move(stream))).detach();
    }
  }
};

http::request<http::string_body> make_request(moonpool::sim::random_stream& random, int index) {
  http::request<http::string_body> req;
  req.version(11);
  req.keep_alive(true);
  if (random.below(2) == 0) {
    req.method(http::verb::get);
    req.target("/hello");
  } else {
    req.method(http::verb::post);
    req.target("/echo");
    req.body() = "request " + std::to_string(index) + ": " +
                 std::string(random.below(20000), static_cast<char>('a' + index % 26));
  }
  return req;
}

struct connection {
  connection(const moonpool::sim::Context& ctx, ssl::context& context, std::string name)
      : stream(ctx.get_executor(), context), server(std::move(name)) {}
  https_stream stream;
  std::string server;
  beast::flat_buffer buffer;
  int requests_left = 0;
};

struct HttpsClient : moonpool::sim::Workload {
  std::string_view name() const override { return "client"; }

  // Connects to a random server and completes the TLS handshake, checking
  // the server's certificate against the test authority and its name.
  static asio::awaitable<std::unique_ptr<connection>> open(moonpool::sim::Context& ctx,
                                                           ssl::context& context) {
    const auto names = server_names(ctx);
    auto c = std::make_unique<connection>(ctx, context, names[ctx.random().below(names.size())]);
    tls::expect_host(c->stream, c->server);
    auto& transport = beast::get_lowest_layer(c->stream);
    transport.expires_after(3s);
    co_await transport.async_connect({*ctx.peer(c->server), https_port}, asio::use_awaitable);
    transport.expires_after(5s);
    co_await c->stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    MP_SOMETIMES(true, "a TLS handshake completed under chaos");
    c->requests_left = 2 + static_cast<int>(ctx.random().below(4));
    co_return c;
  }

  // Sends close_notify and waits for the server's; the requests are done
  // whatever happens here.
  static asio::awaitable<void> close(std::unique_ptr<connection> c) {
    auto& transport = beast::get_lowest_layer(c->stream);
    transport.expires_after(3s);
    auto [ec] = co_await c->stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    MP_SOMETIMES(!ec, "a TLS shutdown completed");
    transport.close();
  }

  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    const auto pki = tls::shared_test_pki(ctx, server_names(ctx));
    auto context = tls::context_for(ctx, tls::role::client);
    context.add_certificate_authority(asio::buffer(pki->ca_certificate_pem));
    std::unique_ptr<connection> c;
    int completed = 0;
    for (int i = 0; i < requests_total; ++i) {
      const auto req = make_request(ctx.random(), i);
      int attempts = 0;
      for (;;) {
        ++attempts;
        const bool opening = !c;
        try {
          if (opening) {
            c = co_await open(ctx, context);
          }
          beast::get_lowest_layer(c->stream).expires_after(5s);
          auto res = co_await http_app::exchange(c->stream, c->buffer, req);
          MP_ALWAYS(http_app::valid(req, res), "every response that arrives over TLS is right");
          if (!http_app::valid(req, res)) {
            throw std::runtime_error("a wrong response arrived over TLS");
          }
          if (--c->requests_left == 0) {
            co_await close(std::move(c));
          }
          break;
        } catch (const boost::system::system_error& e) {
          // refused, reset, timed out, a record that failed authentication:
          // this connection is over; try again.
          MP_SOMETIMES(opening, "a connect or TLS handshake failed under chaos");
          MP_SOMETIMES(e.code().category() == asio::error::get_ssl_category(),
                       "OpenSSL rejected a damaged connection");
          c.reset();
        }
        MP_ALWAYS(attempts < attempts_max, "every request succeeds within 200 attempts");
        if (attempts >= attempts_max) {
          throw std::runtime_error("request " + std::to_string(i) + " never succeeded");
        }
        co_await moonpool::sim::sleep(std::chrono::milliseconds(50 + ctx.random().below(500)));
      }
      MP_SOMETIMES(attempts > 1, "a request needed a retry");
      ++completed;
      co_await moonpool::sim::sleep(std::chrono::milliseconds(ctx.random().below(300)));
    }
    if (c) {
      co_await close(std::move(c));
    }
    ctx.state().publish("completed", completed);
  }

  asio::awaitable<void> check(moonpool::sim::Context& ctx) override {
    MP_ALWAYS(ctx.state().get<int>("completed") == requests_total,
              "all 40 requests completed over TLS");
    co_return;
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  moonpool::sim::attrition_config attrition;
  attrition.max_dead = 1;
  sim.name("tls")
      .iterations(300)
      .processes(2, [] { return std::make_unique<HttpsServer>(); })
      .workload([] { return std::make_unique<HttpsClient>(); })
      .chaos_duration(30s)
      .enable_chaos({moonpool::sim::chaos::network(moonpool::sim::chaos_mode::swarm),
                     moonpool::sim::chaos::attrition(attrition)});
  return moonpool::sim::run_main(argc, argv, sim);
}
