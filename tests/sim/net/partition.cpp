// Partitions: direction, isolation, healing, held data, connects, random
// partitions with each strategy.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "moonpool/sim/net/detail/network.hpp"
#include "net/support/echo_traffic.hpp"
#include "net/support/two_hosts.hpp"

namespace asio = boost::asio;
using tcp = moonpool::sim::tcp;
namespace kinds = moonpool::sim::detail::net::kinds;
using namespace std::chrono_literals;
using boost::system::error_code;
using moonpool::test::two_hosts;

TEST(Partition, OneWayBlocksOnlyThatDirectionAndHeldDataArrivesInOrderAfterHeal) {
  two_hosts net{1};
  std::string at_server;
  std::string at_client;
  std::chrono::nanoseconds arrived{};
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    net.world.partition(net.client, net.server, 2s);  // client -> server blocked for 2 s
    const auto start = net.world.now();
    co_await asio::async_write(client, asio::buffer(std::string("first,second,third")),
                               asio::use_awaitable);
    co_await asio::async_write(server, asio::buffer(std::string("back")), asio::use_awaitable);
    at_client.resize(4);
    co_await asio::async_read(client, asio::buffer(at_client), asio::use_awaitable);
    EXPECT_LT(net.world.now() - start, 1s) << "the other direction flows";
    at_server.resize(18);
    co_await asio::async_read(server, asio::buffer(at_server), asio::use_awaitable);
    arrived = net.world.now() - start;
  });
  net.run_and_check();
  EXPECT_EQ(at_client, "back");
  EXPECT_EQ(at_server, "first,second,third") << "held, not lost, and in order";
  EXPECT_GE(arrived, 2s) << "only after the partition healed by itself";
  EXPECT_LT(arrived, 2s + 10ms);
}

TEST(Partition, BothWaysAndIsolateBlockEverythingUntilHealed) {
  for (bool isolate : {false, true}) {
    two_hosts net{2};
    error_code read_error;
    std::size_t got = 0;
    net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
      if (isolate) {
        net.world.isolate(net.server);
      } else {
        net.world.partition_both_ways(net.client, net.server);
      }
      co_await asio::async_write(client, asio::buffer(std::string("ping")), asio::use_awaitable);
      char buffer[4];
      std::tie(read_error, got) = co_await moonpool::sim::timeout(
          5s, server.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable)));
    });
    // The partition never heals by itself: the read is stuck, the timeout
    // catches it.
    try {
      net.run_and_check();
      ADD_FAILURE() << "the blocked read must time out";
    } catch (const boost::system::system_error& e) {
      EXPECT_EQ(e.code(), asio::error::timed_out);
    }
  }
}

TEST(Partition, HealRestoresBothDirectionsAtOnce) {
  two_hosts net{3};
  std::string got(4, '\0');
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    net.world.partition_both_ways(net.client, net.server);
    co_await asio::async_write(client, asio::buffer(std::string("late")), asio::use_awaitable);
    co_await moonpool::sim::sleep(3s);
    const auto healed_at = net.world.now();
    net.world.heal(net.server, net.client);  // either argument order heals both ways
    co_await asio::async_read(server, asio::buffer(got), asio::use_awaitable);
    EXPECT_LT(net.world.now() - healed_at, 10ms);
  });
  net.run_and_check();
  EXPECT_EQ(got, "late");
}

TEST(Partition, ConnectDuringAPartitionTimesOutOrSucceedsAfterHeal) {
  moonpool::sim::network_config config = moonpool::sim::network_config::fast_local();
  config.connect_timeout = 5s;
  two_hosts net{4, config};
  error_code timed_out;
  std::chrono::nanoseconds gave_up_after{};
  error_code after_heal = asio::error::would_block;
  net.spawn_on(net.server, "listener", [&]() -> asio::awaitable<void> {
    tcp::acceptor acc(co_await asio::this_coro::executor, net.server_endpoint());
    tcp::socket s = co_await acc.async_accept(asio::use_awaitable);
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    net.world.isolate(net.server);
    tcp::socket a(co_await asio::this_coro::executor);
    const auto start = net.world.now();
    std::tie(timed_out) =
        co_await a.async_connect(net.server_endpoint(), asio::as_tuple(asio::use_awaitable));
    gave_up_after = net.world.now() - start;
    net.world.heal_all();
    net.world.isolate(net.server, 2500ms);  // heals by itself this time
    tcp::socket b(co_await asio::this_coro::executor);
    std::tie(after_heal) =
        co_await b.async_connect(net.server_endpoint(), asio::as_tuple(asio::use_awaitable));
  });
  net.run_and_check();
  EXPECT_EQ(timed_out, asio::error::timed_out);
  EXPECT_LE(gave_up_after, 5s);
  EXPECT_GE(gave_up_after, 3s) << "SYNs were retried before giving up";
  EXPECT_FALSE(after_heal) << "a SYN retried after the heal gets through";
}

TEST(Partition, RandomPartitionsFireWithEveryStrategyAndHeal) {
  using moonpool::sim::partition_strategy;
  for (auto strategy : {partition_strategy::random, partition_strategy::uniform_size,
                        partition_strategy::isolate_single}) {
    moonpool::sim::network_config config;
    config.partition_probability = 0.2;
    config.partition_kind = strategy;
    config.partition_duration = moonpool::sim::latency_distribution::uniform(100ms, 300ms);
    std::size_t created = 0;
    std::size_t healed = 0;
    int exchanges = 0;
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const auto r = moonpool::test::run_echo_traffic(seed, config);
      created += r.count(kinds::partitioned);
      healed += r.count(kinds::healed);
      exchanges += r.exchanges;
    }
    EXPECT_GT(created, 0u) << to_string(strategy);
    EXPECT_GT(healed, 0u) << to_string(strategy);
    EXPECT_EQ(exchanges, 5 * 30) << "partitions delay traffic, they do not lose it";
  }
}
