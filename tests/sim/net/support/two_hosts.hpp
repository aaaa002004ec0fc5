#pragma once
// A world with a server host (10.0.1.1) and a client host (10.0.0.1), and
// helpers to run a coroutine on each.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <stdexcept>

#include "moonpool/sim.hpp"

namespace moonpool::test {

namespace asio = boost::asio;

struct two_hosts {
  explicit two_hosts(std::uint64_t seed,
                     sim::network_config config = sim::network_config::fast_local(),
                     sim::world_options options = {})
      : world(seed, options),
        server(world.add_host("10.0.1.1")),
        client(world.add_host("10.0.0.1")) {
    world.set_network_config(config);
  }

  sim::tcp::endpoint server_endpoint(unsigned short port = 8080) const {
    return {server.address(), port};
  }

  // Runs `body` as a task on `where`; its exception, if any, is rethrown by
  // check().
  template <class F>
  void spawn_on(const sim::host& where, std::string name, F body) {
    handles.push_back(sim::spawn(where.get_executor(), std::move(name), std::move(body)));
  }

  // Opens a connection from the client host to the server host, then runs
  // `body(client_socket, server_socket)` on the client host.
  template <class Body>
  void with_connection(Body body) {
    spawn_on(client, "pair", [this, body]() mutable -> asio::awaitable<void> {
      sim::tcp::acceptor acceptor(server.get_executor(), server_endpoint());
      sim::tcp::socket client_socket(co_await asio::this_coro::executor);
      auto accepted = acceptor.async_accept(asio::deferred);
      co_await client_socket.async_connect(server_endpoint(), asio::use_awaitable);
      sim::tcp::socket server_socket = co_await std::move(accepted)(asio::use_awaitable);
      co_await body(client_socket, server_socket);
    });
  }

  void run_and_check() {
    world.run();
    for (auto& h : handles) {
      h.get();  // rethrows a task's exception
    }
  }

  sim::world world;
  sim::host server;
  sim::host client;
  std::vector<sim::join_handle<void>> handles;
};

}  // namespace moonpool::test
