#include "moonpool/sim/net/socket.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <vector>

#include "net/support/two_hosts.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using tcp = moonpool::sim::tcp;
using moonpool::test::two_hosts;

namespace {

asio::awaitable<std::string> read_all(tcp::socket& s) {
  std::string out;
  char buffer[4096];
  for (;;) {
    auto [ec, n] =
        co_await s.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    out.append(buffer, n);
    if (ec == asio::error::eof) {
      co_return out;
    }
    if (ec) {
      throw boost::system::system_error(ec);
    }
  }
}

}  // namespace

TEST(Socket, EchoBetweenTwoHostsCarriesRealAddresses) {
  two_hosts net{1, moonpool::sim::network_config{}};
  std::string echoed;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acc(co_await asio::this_coro::executor, net.server_endpoint());
    tcp::socket peer = co_await acc.async_accept(asio::use_awaitable);
    EXPECT_EQ(peer.remote_endpoint().address(), net.client.address());
    EXPECT_EQ(peer.local_endpoint(), net.server_endpoint());
    std::string request = co_await read_all(peer);
    co_await asio::async_write(peer, asio::buffer(request), asio::use_awaitable);
    peer.shutdown(asio::socket_base::shutdown_send);
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(net.server_endpoint(), asio::use_awaitable);
    EXPECT_EQ(s.local_endpoint().address(), net.client.address());
    EXPECT_EQ(s.remote_endpoint(), net.server_endpoint());
    co_await asio::async_write(s, asio::buffer(std::string("hello, world")), asio::use_awaitable);
    s.shutdown(asio::socket_base::shutdown_send);
    echoed = co_await read_all(s);
  });
  net.run_and_check();
  EXPECT_EQ(echoed, "hello, world");
  EXPECT_GT(net.world.now(), 1ms) << "default latencies must take simulated time";
}

TEST(Socket, ConnectWithoutListenerIsRefusedAndUnknownHostUnreachable) {
  two_hosts net{2};
  error_code refused;
  error_code unreachable;
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket a(co_await asio::this_coro::executor);
    std::tie(refused) =
        co_await a.async_connect(net.server_endpoint(9), asio::as_tuple(asio::use_awaitable));
    tcp::socket b(co_await asio::this_coro::executor);
    std::tie(unreachable) = co_await b.async_connect({asio::ip::make_address("10.9.9.9"), 80},
                                                     asio::as_tuple(asio::use_awaitable));
  });
  net.run_and_check();
  EXPECT_EQ(refused, asio::error::connection_refused);
  EXPECT_EQ(unreachable, asio::error::host_unreachable);
}

TEST(Socket, PendingReadsAreServedInFifoOrder) {
  two_hosts net{3};
  std::vector<int> order;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    std::array<char, 4> a{}, b{}, c{};
    int done = 0;
    auto note = [&](int id) {
      return [&, id](error_code, std::size_t) {
        order.push_back(id);
        ++done;
      };
    };
    server.async_read_some(asio::buffer(a), note(1));
    server.async_read_some(asio::buffer(b), note(2));
    server.async_read_some(asio::buffer(c), note(3));
    co_await asio::async_write(client, asio::buffer(std::string("aaaabbbbcccc")),
                               asio::use_awaitable);
    while (done < 3) {
      co_await moonpool::sim::sleep(1ms);
    }
    EXPECT_EQ(std::string(a.data(), 4) + std::string(b.data(), 4) + std::string(c.data(), 4),
              "aaaabbbbcccc");
  });
  net.run_and_check();
  EXPECT_EQ(order.size(), 3u);  // handlers run in the seeded order; the data shows FIFO service
}

TEST(Socket, PendingWriteSomesCompleteInFifoOrderAndKeepTheirBytesInOrder) {
  // The FIFO guarantee is per write_some: concurrent asio::async_write
  // composed operations interleave on a real socket too.
  two_hosts net{4};
  std::string received;
  std::string expected;
  std::vector<int> completed;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    std::vector<std::string> parts;
    for (int i = 0; i < 10; ++i) {
      parts.push_back(std::string(20000, static_cast<char>('a' + i)));
    }
    std::vector<std::size_t> taken(10, 0);
    for (int i = 0; i < 10; ++i) {
      client.async_write_some(asio::buffer(parts[i]), [&, i](error_code ec, std::size_t n) {
        EXPECT_FALSE(ec);
        completed.push_back(i);
        taken[i] = n;
      });
    }
    while (completed.size() < 10) {
      std::string chunk(100000, '\0');
      const std::size_t n =
          co_await server.async_read_some(asio::buffer(chunk), asio::use_awaitable);
      received.append(chunk, 0, n);
    }
    for (int i = 0; i < 10; ++i) {
      expected += parts[i].substr(0, taken[i]);
    }
    while (received.size() < expected.size()) {
      std::string chunk(100000, '\0');
      const std::size_t n =
          co_await server.async_read_some(asio::buffer(chunk), asio::use_awaitable);
      received.append(chunk, 0, n);
    }
  });
  net.run_and_check();
  // The writes were served in the order issued (the bytes prove it); their
  // completion handlers, like any handlers, run in the seeded order.
  EXPECT_EQ(completed.size(), 10u);
  EXPECT_TRUE(received == expected) << "bytes arrive in the order the writes were issued";
  EXPECT_GT(expected.size(), 64u * 1024) << "the later writes waited for buffer space";
}

TEST(Socket, GracefulCloseDeliversEverythingInFlightThenEof) {
  two_hosts net{5, moonpool::sim::network_config{}};
  std::string got;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    co_await asio::async_write(client, asio::buffer(std::string(100000, 'x')), asio::use_awaitable);
    client.close();  // FIN goes after the data still in flight
    got = co_await read_all(server);
  });
  net.run_and_check();
  EXPECT_EQ(got, std::string(100000, 'x'));
}

TEST(Socket, AbortResetsBothEndsOnReadAndWrite) {
  two_hosts net{6, moonpool::sim::network_config{}};
  error_code client_read, client_write, server_read, server_write;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    net.world.abort_connections(net.server);  // the server host "crashes"
    char byte;
    std::tie(server_read, std::ignore) = co_await server.async_read_some(
        asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
    std::tie(server_write, std::ignore) =
        co_await server.async_write_some(asio::buffer("x", 1), asio::as_tuple(asio::use_awaitable));
    std::tie(client_read, std::ignore) = co_await client.async_read_some(
        asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
    std::tie(client_write, std::ignore) =
        co_await client.async_write_some(asio::buffer("x", 1), asio::as_tuple(asio::use_awaitable));
  });
  net.run_and_check();
  EXPECT_EQ(server_read, asio::error::connection_reset);
  EXPECT_EQ(server_write, asio::error::connection_reset);
  EXPECT_EQ(client_read, asio::error::connection_reset) << "the peer learns of the reset";
  EXPECT_EQ(client_write, asio::error::connection_reset);
}

TEST(Socket, ClosingWithUnreadDataResetsThePeer) {
  two_hosts net{7};
  error_code peer_error;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    co_await asio::async_write(client, asio::buffer(std::string("unread")), asio::use_awaitable);
    co_await moonpool::sim::sleep(10ms);  // it has arrived, unread
    server.close();
    char byte;
    std::tie(peer_error, std::ignore) = co_await client.async_read_some(
        asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
  });
  net.run_and_check();
  EXPECT_EQ(peer_error, asio::error::connection_reset);
}

TEST(Socket, BackpressureGivesShortWritesAndBoundsAFastWriter) {
  moonpool::sim::network_config config = moonpool::sim::network_config::fast_local();
  config.send_buffer_bytes_max = 1000;
  config.receive_buffer_bytes_max = 1500;
  two_hosts net{8, config};
  std::size_t first_write = 0;
  std::size_t written_before_reading = 0;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    first_write =
        co_await client.async_write_some(asio::buffer(std::string(5000, 'y')), asio::use_awaitable);
    // A writer that never sees its reader read stalls once both buffers are full.
    bool stalled = false;
    auto spawn_executor = co_await asio::this_coro::executor;
    auto writer = moonpool::sim::spawn(spawn_executor, "writer", [&]() -> asio::awaitable<void> {
      const std::string chunk(100, 'z');
      for (;;) {
        written_before_reading +=
            co_await client.async_write_some(asio::buffer(chunk), asio::use_awaitable);
      }
    });
    co_await moonpool::sim::sleep(1s);
    stalled = written_before_reading + first_write <= 1000 + 1500;
    EXPECT_TRUE(stalled) << written_before_reading;
    std::string sink(100000, '\0');
    std::size_t drained = co_await server.async_read_some(asio::buffer(sink), asio::use_awaitable);
    EXPECT_GT(drained, 0u);
    client.close();
    // The writer writes on `client`, which the caller of this coroutine
    // owns and destroys once it returns: the writer must end first (its
    // next write fails on the closed socket, or the abort cancels it).
    writer.abort();
    co_await writer.async_join(asio::as_tuple(asio::use_awaitable));
  });
  net.world.run_for(5s);
  EXPECT_EQ(first_write, 1000u) << "a write larger than the free space completes short";
  EXPECT_GT(written_before_reading, 0u);
}

TEST(Socket, CancelAndPerOperationCancellationAbort) {
  two_hosts net{9};
  error_code cancelled, slot_cancelled, still_fine;
  net.with_connection([&](tcp::socket& client, tcp::socket& server) -> asio::awaitable<void> {
    char a, b, c;
    int done = 0;
    server.async_read_some(asio::buffer(&a, 1), [&](error_code ec, std::size_t) {
      cancelled = ec;
      ++done;
    });
    co_await moonpool::sim::sleep(1ms);
    server.cancel();
    asio::cancellation_signal signal;
    client.async_read_some(asio::buffer(&b, 1), asio::bind_cancellation_slot(
                                                    signal.slot(), [&](error_code ec, std::size_t) {
                                                      slot_cancelled = ec;
                                                      ++done;
                                                    }));
    client.async_read_some(asio::buffer(&c, 1), [&](error_code ec, std::size_t) {
      still_fine = ec;
      ++done;
    });
    co_await moonpool::sim::sleep(1ms);
    signal.emit(asio::cancellation_type::terminal);
    co_await asio::async_write(server, asio::buffer("!", 1), asio::use_awaitable);
    while (done < 3) {
      co_await moonpool::sim::sleep(1ms);
    }
  });
  net.run_and_check();
  EXPECT_EQ(cancelled, asio::error::operation_aborted);
  EXPECT_EQ(slot_cancelled, asio::error::operation_aborted);
  EXPECT_FALSE(still_fine) << "the next read in line gets the data";
}

TEST(Socket, ZeroSizeReadsAndWritesCompleteAtOnce) {
  two_hosts net{10};
  net.with_connection([&](tcp::socket& client, tcp::socket&) -> asio::awaitable<void> {
    const auto start = net.world.now();
    std::size_t n = co_await client.async_read_some(asio::mutable_buffer(), asio::use_awaitable);
    EXPECT_EQ(n, 0u);
    n = co_await client.async_write_some(asio::const_buffer(), asio::use_awaitable);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(net.world.now(), start);
  });
  net.run_and_check();
}

TEST(Socket, AcceptorBacklogIsFifoAndCloseAbortsPendingAccepts) {
  two_hosts net{11};
  std::vector<unsigned short> accepted_ports;
  error_code aborted;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acc(co_await asio::this_coro::executor, net.server_endpoint());
    co_await moonpool::sim::sleep(1s);  // let three connects queue up
    for (int i = 0; i < 3; ++i) {
      tcp::socket s = co_await acc.async_accept(asio::use_awaitable);
      accepted_ports.push_back(s.remote_endpoint().port());
    }
    auto spawn_executor = co_await asio::this_coro::executor;
    moonpool::sim::spawn(spawn_executor, "closer", [&]() -> asio::awaitable<void> {
      co_await moonpool::sim::sleep(1s);
      acc.close();
    }).detach();
    std::tie(aborted, std::ignore) = co_await acc.async_accept(asio::as_tuple(asio::use_awaitable));
  });
  std::vector<unsigned short> connected_ports;
  net.spawn_on(net.client, "clients", [&]() -> asio::awaitable<void> {
    std::vector<tcp::socket> sockets;
    for (int i = 0; i < 3; ++i) {
      sockets.emplace_back(co_await asio::this_coro::executor);
      co_await sockets.back().async_connect(net.server_endpoint(), asio::use_awaitable);
      connected_ports.push_back(sockets.back().local_endpoint().port());
    }
    co_await moonpool::sim::sleep(3s);
  });
  net.run_and_check();
  EXPECT_EQ(accepted_ports, connected_ports);
  EXPECT_EQ(aborted, asio::error::operation_aborted);
}

TEST(Socket, ListeningOnATakenPortThrowsAddressInUse) {
  two_hosts net{12};
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor first(co_await asio::this_coro::executor, net.server_endpoint());
    try {
      tcp::acceptor second(co_await asio::this_coro::executor, net.server_endpoint());
      ADD_FAILURE() << "second acceptor on the same port";
    } catch (const boost::system::system_error& e) {
      EXPECT_EQ(e.code(), asio::error::address_in_use);
    }
  });
  net.run_and_check();
}

TEST(Socket, ASocketNeedsAHostsExecutor) {
  moonpool::sim::world w{1};
  try {
    tcp::socket s(w.get_executor());
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("needs the executor of a simulated host"),
              std::string::npos)
        << e.what();
  }
}

TEST(Socket, ADeadlockNamesTheStuckReadAndSetsTheIdleAcceptorApart) {
  two_hosts net{1, moonpool::sim::network_config{}};
  std::vector<tcp::socket> held;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acc(co_await asio::this_coro::executor, net.server_endpoint());
    for (;;) {
      // Accepts and never answers: the client's read can never complete.
      held.push_back(co_await acc.async_accept(asio::use_awaitable));
    }
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(net.server_endpoint(), asio::use_awaitable);
    char byte = 0;
    co_await s.async_read_some(asio::buffer(&byte, 1), asio::use_awaitable);
  });
  try {
    net.world.run();
    FAIL() << "no deadlock reported";
  } catch (const moonpool::sim::deadlock_error& e) {
    const std::string message = e.what();
    const std::size_t stuck = message.find("task 'client' (id ");
    // The read names its connection and both ends; the accept its endpoint.
    const std::size_t read = message.find("waiting on a read on connection 1 (10.0.0.1:");
    EXPECT_NE(message.find("<- " + net.server_endpoint().address().to_string() + ":" +
                           std::to_string(net.server_endpoint().port()) + ") since 0."),
              std::string::npos)
        << message;
    const std::size_t idle =
        message.find("Idle, waiting for new work (not the cause): task 'server'");
    const std::size_t accept = message.find("waiting on an accept on " +
                                            net.server_endpoint().address().to_string() + ":");
    EXPECT_NE(stuck, std::string::npos) << message;
    EXPECT_NE(read, std::string::npos) << message;
    EXPECT_NE(idle, std::string::npos) << message;
    EXPECT_NE(accept, std::string::npos) << message;
    EXPECT_LT(stuck, idle) << message;
    EXPECT_LT(idle, accept) << message;
  }
  held.clear();
}
