// Unmodified Beast HTTP/1.1 over simulated TCP, with chaos off and on.

#include <gtest/gtest.h>

#include <set>

#include "net/support/beast_http_app.hpp"
#include "net/support/two_hosts.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = moonpool::sim::tcp;
namespace app = moonpool::test::http_app;
using moonpool::test::two_hosts;

namespace {

struct scenario_result {
  bool completed = false;
  std::string trace_hash;
};

// One server connection, one client doing every kind of request on it.
scenario_result run_scenario(std::uint64_t seed, const moonpool::sim::network_config& config) {
  two_hosts net{seed, config};
  scenario_result result;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
    co_await app::serve(peer);
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(net.server_endpoint(), asio::use_awaitable);

    auto hello = co_await app::request(s, http::verb::get, "/hello");
    EXPECT_EQ(hello.result(), http::status::ok);
    EXPECT_EQ(hello.body(), app::hello_body);

    std::string big(1024 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) {
      big[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
    }
    auto echo = co_await app::request(s, http::verb::post, "/echo", big);
    EXPECT_EQ(echo.result(), http::status::ok);
    EXPECT_TRUE(echo.body() == big) << "1 MiB echo came back different";

    auto chunked = co_await app::request(s, http::verb::get, "/chunked");
    EXPECT_TRUE(chunked.chunked());
    EXPECT_EQ(chunked.body(), app::chunks[0] + app::chunks[1] + app::chunks[2]);

    auto missing = co_await app::request(s, http::verb::get, "/nowhere");
    EXPECT_EQ(missing.result(), http::status::not_found);

    for (int i = 0; i < 20; ++i) {  // keep-alive: all on the same connection
      const std::string body = "request " + std::to_string(i);
      auto r = co_await app::request(s, http::verb::post, "/echo", body);
      EXPECT_EQ(r.body(), body);
      EXPECT_TRUE(r.keep_alive());
    }
    s.shutdown(asio::socket_base::shutdown_send);
    result.completed = true;
  });
  net.run_and_check();
  result.trace_hash = net.world.trace_hash();
  return result;
}

moonpool::sim::network_config chaos_config() {
  moonpool::sim::network_config config;
  config.delivery_latency = moonpool::sim::latency_distribution::uniform(
      std::chrono::microseconds(100), std::chrono::milliseconds(2));
  config.partial_read_probability = 0.5;
  config.partial_write_probability = 0.5;
  config.write_clog_probability = 0.05;
  config.read_clog_probability = 0.05;
  return config;
}

}  // namespace

TEST(BeastHttp, EveryRequestKindWorksWithChaosOff) {
  EXPECT_TRUE(run_scenario(1, moonpool::sim::network_config::fast_local()).completed);
  EXPECT_TRUE(run_scenario(2, moonpool::sim::network_config{}).completed);
}

TEST(BeastHttp, EveryRequestKindWorksUnderPartialIoLatencyAndClogging100Seeds) {
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const auto result = run_scenario(seed, chaos_config());
    ASSERT_TRUE(result.completed) << "seed " << seed;
  }
}

TEST(BeastHttp, SameSeedSameTraceHashUnderChaos) {
  std::set<std::string> hashes;
  for (std::uint64_t seed : {7ULL, 8ULL, 9ULL}) {
    const auto a = run_scenario(seed, chaos_config());
    const auto b = run_scenario(seed, chaos_config());
    EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << seed;
    hashes.insert(a.trace_hash);
  }
  EXPECT_EQ(hashes.size(), 3u);
}
