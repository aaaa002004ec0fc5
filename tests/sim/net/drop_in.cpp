// Drop-in compatibility: what unmodified Asio code does with simulated
// hosts. Every executor wrapper finds its host (also while the host is
// killed), Asio's own timers and the standard clocks run on simulated time,
// the acceptor has Asio's open/bind/listen surface, names resolve, and
// code written against io_context& runs on a host's sim::io_context.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"
#include "support/two_hosts.hpp"

namespace {

namespace asio = boost::asio;
namespace sim = moonpool::sim;
using tcp = moonpool::sim::tcp;
using moonpool::test::two_hosts;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Every executor that Asio code uses, made from a host's executor.
template <class MakeExecutor>
void accept_connect_read_write_wait_resolve(MakeExecutor make) {
  two_hosts net(11);
  std::optional<std::string> received;
  bool waited = false;
  bool resolved = false;
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    auto server_ex = make(net.server.get_executor(), net.server.context());
    auto client_ex = make(net.client.get_executor(), net.client.context());
    tcp::acceptor acceptor(server_ex, net.server_endpoint());
    auto accepted = acceptor.async_accept(server_ex, asio::deferred);
    net.server.record().names.push_back("server");
    tcp::resolver resolver(client_ex);
    auto results = co_await resolver.async_resolve("server", "8080", asio::use_awaitable);
    resolved = !results.empty() && results.begin()->endpoint() == net.server_endpoint();
    tcp::socket client(client_ex);
    co_await client.async_connect(net.server_endpoint(), asio::use_awaitable);
    auto server = co_await std::move(accepted)(asio::use_awaitable);
    co_await asio::async_write(client, asio::buffer(std::string("ping")), asio::use_awaitable);
    std::string data(4, '\0');
    co_await asio::async_read(server, asio::buffer(data), asio::use_awaitable);
    received = data;
    asio::steady_timer timer(client_ex, 5s);
    co_await timer.async_wait(asio::use_awaitable);
    waited = net.world.now() >= 5s;
  });
  net.run_and_check();
  EXPECT_EQ(received, "ping");
  EXPECT_TRUE(waited);
  EXPECT_TRUE(resolved);
}

// The same objects with operations pending while their host is killed:
// completions on the error path build sockets from the wrapped executor
// with no task running, which must still find the host.
template <class MakeExecutor>
void pending_operations_survive_a_host_kill(MakeExecutor make) {
  two_hosts net(12);
  int completions = 0;
  std::optional<tcp::acceptor> acceptor;
  std::optional<tcp::socket> server_side;
  asio::co_spawn(
      net.server.get_executor(),
      [&]() -> asio::awaitable<void> {
        auto ex = make(net.server.get_executor(), net.server.context());
        acceptor.emplace(ex, net.server_endpoint());
        acceptor->async_accept(ex, [&](boost::system::error_code ec, auto socket) {
          ++completions;
          EXPECT_TRUE(ec);
          EXPECT_FALSE(socket.is_open());
        });
        co_return;
      },
      asio::detached);
  net.world.run_for(1ms);
  net.world.abort_connections(net.server);  // closes the listener: accept fails
  net.world.run_for(1ms);
  EXPECT_EQ(completions, 1);
  // A host's Asio timers die with its context.
  bool fired = false;
  asio::co_spawn(
      net.server.get_executor(),
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(make(net.server.get_executor(), net.server.context()), 10s);
        co_await timer.async_wait(asio::use_awaitable);
        fired = true;
      },
      asio::detached);
  net.world.run_for(1s);
  net.world.state().destroy_host_work(net.server.record());
  net.world.state().replace_host_context(net.server.record());
  acceptor.reset();
  net.world.run();
  EXPECT_FALSE(fired);
  EXPECT_LT(net.world.now(), 10s);
  // Rebooted: the host's new context serves again through the same wrapper.
  bool served = false;
  asio::co_spawn(
      net.server.get_executor(),
      [&]() -> asio::awaitable<void> {
        auto ex = make(net.server.get_executor(), net.server.context());
        tcp::acceptor reborn(ex, net.server_endpoint());
        auto peer = co_await reborn.async_accept(ex, asio::use_awaitable);
        asio::steady_timer pause(ex, 1s);
        co_await pause.async_wait(asio::use_awaitable);
        co_await asio::async_write(peer, asio::buffer(std::string("back")), asio::use_awaitable);
        served = true;
      },
      asio::detached);
  std::string answer(4, '\0');
  asio::co_spawn(
      net.client.get_executor(),
      [&]() -> asio::awaitable<void> {
        co_await sim::sleep(1ms);
        tcp::socket socket(make(net.client.get_executor(), net.client.context()));
        co_await socket.async_connect(net.server_endpoint(), asio::use_awaitable);
        co_await asio::async_read(socket, asio::buffer(answer), asio::use_awaitable);
      },
      asio::detached);
  net.world.run();
  EXPECT_TRUE(served);
  EXPECT_EQ(answer, "back");
}

auto plain = [](sim::executor ex, sim::io_context&) { return ex; };
auto any = [](sim::executor ex, sim::io_context&) { return asio::any_io_executor(ex); };
auto strand = [](sim::executor ex, sim::io_context&) { return asio::make_strand(ex); };
auto any_strand = [](sim::executor ex, sim::io_context&) {
  return asio::any_io_executor(asio::make_strand(asio::any_io_executor(ex)));
};
auto nested_strand = [](sim::executor ex, sim::io_context&) {
  return asio::make_strand(asio::make_strand(ex));
};
auto preferred = [](sim::executor ex, sim::io_context&) {
  return asio::any_io_executor(asio::prefer(asio::require(ex, asio::execution::blocking.never),
                                            asio::execution::outstanding_work.tracked));
};
auto bound = [](sim::executor ex, sim::io_context&) {
  // What a bind_executor'd handler's associated executor is.
  return asio::get_associated_executor(asio::bind_executor(asio::make_strand(ex), [] {}));
};
auto context_strand = [](sim::executor, sim::io_context& ioc) { return asio::make_strand(ioc); };
auto context_executor = [](sim::executor, sim::io_context& ioc) { return ioc.get_executor(); };

TEST(DropIn, EveryExecutorWrapperAcceptsConnectsReadsWritesWaitsAndResolves) {
  accept_connect_read_write_wait_resolve(plain);
  accept_connect_read_write_wait_resolve(any);
  accept_connect_read_write_wait_resolve(strand);
  accept_connect_read_write_wait_resolve(any_strand);
  accept_connect_read_write_wait_resolve(nested_strand);
  accept_connect_read_write_wait_resolve(preferred);
  accept_connect_read_write_wait_resolve(bound);
  accept_connect_read_write_wait_resolve(context_strand);
  accept_connect_read_write_wait_resolve(context_executor);
}

TEST(DropIn, EveryExecutorWrapperSurvivesAHostKillWithOperationsPending) {
  pending_operations_survive_a_host_kill(plain);
  pending_operations_survive_a_host_kill(any);
  pending_operations_survive_a_host_kill(strand);
  pending_operations_survive_a_host_kill(any_strand);
  pending_operations_survive_a_host_kill(nested_strand);
  pending_operations_survive_a_host_kill(preferred);
  pending_operations_survive_a_host_kill(bound);
  pending_operations_survive_a_host_kill(context_strand);
  pending_operations_survive_a_host_kill(context_executor);
}

TEST(DropIn, MisusesSayWhatToDoInstead) {
  two_hosts net(13);
  try {
    net.server.context().run();
    FAIL() << "a simulated host's io_context is driven by its world";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("async_wait_shutdown"), std::string::npos) << e.what();
  }
  asio::io_context real;
  try {
    tcp::socket socket(real);
    FAIL() << "a simulated socket needs a simulated executor";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("moonpool::sim::world"), std::string::npos) << e.what();
  }
}

TEST(DropIn, TheWorldsOwnExecutorBelongsToNoHostAndSaysSo) {
  sim::world world(1);
  try {
    tcp::socket socket(world.get_executor());
    FAIL() << "a socket on the world's own executor has no address";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("belongs to no host"), std::string::npos);
  }
}

// ---------------------------------------------------------------------------
// Time.
TEST(DropIn, AsioTimersFireAtTheirSimulatedDeadlinesWithoutRealTimePassing) {
  sim::world world(3);
  const sim::host h = world.add_host("10.0.1.1");
  std::vector<std::pair<int, std::chrono::nanoseconds>> fired;
  asio::co_spawn(
      h.get_executor(),
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        asio::steady_timer hour(ex, 1h);
        asio::system_timer minute(ex, 1min);
        asio::steady_timer forever(ex, asio::steady_timer::time_point::max());
        hour.async_wait([&](boost::system::error_code ec) {
          EXPECT_FALSE(ec);
          fired.emplace_back(1, world.now());
        });
        minute.async_wait([&](boost::system::error_code ec) {
          EXPECT_FALSE(ec);
          fired.emplace_back(2, world.now());
          forever.cancel();  // only cancellation ends a wait on time_point::max()
        });
        forever.async_wait([&](boost::system::error_code ec) {
          EXPECT_EQ(ec, asio::error::operation_aborted);
          fired.emplace_back(3, world.now());
        });
        asio::steady_timer wait_here(ex, 2h);
        co_await wait_here.async_wait(asio::use_awaitable);
      },
      asio::detached);
  const auto wall = moonpool::sim::detail::wall_now();
  world.run();
  EXPECT_LT(moonpool::sim::detail::wall_now() - wall, 10s);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0].first, 2);
  EXPECT_GE(fired[0].second, std::chrono::nanoseconds(1min));
  EXPECT_LT(fired[0].second, std::chrono::nanoseconds(1min) + 2us);
  EXPECT_EQ(fired[1].first, 3);
  EXPECT_EQ(fired[2].first, 1);
  EXPECT_GE(fired[2].second, std::chrono::nanoseconds(1h));
  EXPECT_LT(fired[2].second, std::chrono::nanoseconds(1h) + 2us);
  EXPECT_GE(world.now(), std::chrono::nanoseconds(2h));
}

TEST(DropIn, StandardClocksReadSimulatedTimeInsideASimulationAndRealTimeOutside) {
  sim::world world(4);
  const sim::host h = world.add_host("10.0.1.1");
  std::chrono::steady_clock::time_point steady{};
  std::chrono::system_clock::time_point system{};
  std::time_t c_time = 0;
  asio::co_spawn(
      h.get_executor(),
      [&]() -> asio::awaitable<void> {
        co_await sim::sleep(90s);
        steady = std::chrono::steady_clock::now();
        system = std::chrono::system_clock::now();
        c_time = std::time(nullptr);
      },
      asio::detached);
  world.run();
  EXPECT_EQ(steady.time_since_epoch(), std::chrono::nanoseconds(90s));
  // 2026-01-01T00:00:00Z plus the simulated time.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(system.time_since_epoch()).count(),
            1'767'225'600 + 90);
  EXPECT_EQ(c_time, 1'767'225'600 + 90);
  // Outside the world's loop the clocks are real again.
  EXPECT_GT(std::chrono::system_clock::now().time_since_epoch(), std::chrono::hours(24 * 365 * 50));
}

TEST(DropIn, SimulatedTimerAcceptsSteadyClockTimePoints) {
  sim::world world(5);
  asio::co_spawn(
      world.get_executor(),
      [&]() -> asio::awaitable<void> {
        sim::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_at(std::chrono::steady_clock::now() + 3s);
        co_await timer.async_wait(asio::use_awaitable);
      },
      asio::detached);
  world.run();
  EXPECT_EQ(world.now(), std::chrono::nanoseconds(3s));
}

// ---------------------------------------------------------------------------
// The acceptor's and socket's Asio surface.
TEST(DropIn, AcceptorOpensBindsAndListensLikeAsios) {
  two_hosts net(6);
  bool served = false;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    auto acceptor = asio::use_awaitable.as_default_on(tcp::acceptor(net.server.context()));
    boost::system::error_code ec;
    acceptor.bind(net.server_endpoint(), ec);
    EXPECT_EQ(ec, asio::error::bad_descriptor);  // not open yet
    acceptor.open(tcp::v4());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    asio::socket_base::reuse_address reuse;
    acceptor.get_option(reuse);
    EXPECT_TRUE(reuse.value());
    acceptor.bind({tcp::v4(), 8080});
    acceptor.listen(tcp::socket::max_listen_connections);
    EXPECT_EQ(acceptor.local_endpoint(), net.server_endpoint());
    tcp::acceptor taken(net.server.get_executor());
    taken.open(tcp::v4());
    taken.bind(net.server_endpoint(), ec);
    EXPECT_EQ(ec, asio::error::address_in_use);
    auto peer = co_await acceptor.async_accept();  // default token: use_awaitable
    peer.shutdown(tcp::socket::shutdown_send);
    served = true;
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    co_await sim::sleep(1ms);
    tcp::socket socket(net.client.context(), tcp::v4());
    socket.set_option(tcp::no_delay(true));
    co_await socket.async_connect(net.server_endpoint(), asio::use_awaitable);
    char byte = 0;
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(&byte, 1),
                                                   asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(n, 0u);
  });
  net.run_and_check();
  EXPECT_TRUE(served);
}

TEST(DropIn, LingerWithZeroTimeoutResetsOnClose) {
  two_hosts net(7);
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    server.set_option(asio::socket_base::linger(true, 0));
    asio::socket_base::linger back;
    server.get_option(back);
    EXPECT_TRUE(back.enabled());
    server.close();
    char byte = 0;
    auto [ec, n] = co_await client.async_read_some(asio::buffer(&byte, 1),
                                                   asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec, asio::error::connection_reset);
    (void)n;
  });
  net.run_and_check();
}

// ---------------------------------------------------------------------------
// Names.
TEST(DropIn, ResolverFindsHostsByNameAndFailsLikeAsio) {
  two_hosts net(8);
  net.server.record().names.push_back("db.internal");
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::resolver resolver(co_await asio::this_coro::executor);
    auto found = co_await resolver.async_resolve("db.internal", "http", asio::use_awaitable);
    EXPECT_EQ(found.begin()->endpoint(), tcp::endpoint(net.server.address(), 80));
    auto local = co_await resolver.async_resolve("localhost", "9", asio::use_awaitable);
    EXPECT_EQ(local.begin()->endpoint(), tcp::endpoint(net.client.address(), 9));
    auto numeric = co_await resolver.async_resolve("10.0.1.1", "8080", asio::use_awaitable);
    EXPECT_EQ(numeric.begin()->endpoint(), net.server_endpoint());
    auto [missing, none] =
        co_await resolver.async_resolve("nowhere", "80", asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(missing, asio::error::host_not_found);
    EXPECT_TRUE(none.empty());
    auto [bad_service, nothing] = co_await resolver.async_resolve(
        "db.internal", "gopher", asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(bad_service, asio::error::service_not_found);
    (void)nothing;
  });
  net.run_and_check();
}

TEST(DropIn, FlakyResolutionFailsWithTryAgainAndIsSeeded) {
  auto failures_for = [](std::uint64_t seed) {
    sim::network_config config = sim::network_config::fast_local();
    config.resolve_failure_probability = 0.5;
    two_hosts net(seed, config);
    net.server.record().names.push_back("server");
    int failures = 0;
    net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
      tcp::resolver resolver(co_await asio::this_coro::executor);
      for (int i = 0; i < 40; ++i) {
        auto [ec, results] =
            co_await resolver.async_resolve("server", "80", asio::as_tuple(asio::use_awaitable));
        if (ec) {
          EXPECT_EQ(ec, asio::error::host_not_found_try_again);
          ++failures;
        }
      }
    });
    net.run_and_check();
    return std::make_pair(failures, net.world.trace_hash());
  };
  const auto first = failures_for(21);
  EXPECT_GT(first.first, 5);
  EXPECT_LT(first.first, 35);
  EXPECT_EQ(failures_for(21), first);
}

}  // namespace
