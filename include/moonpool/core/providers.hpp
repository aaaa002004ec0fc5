#pragma once
// The provider bundle: everything a service needs from its world (time,
// network, tasks, randomness, storage) behind one type, so that the same
// source runs in production and in simulation.
//
//   template <moonpool::providers P>
//   asio::awaitable<void> serve(P p, std::uint16_t port) {
//     typename P::tcp::acceptor acceptor{p.get_executor(), {P::tcp::v4(), port}};
//     for (;;) {
//       auto socket = co_await acceptor.async_accept(asio::use_awaitable);
//       p.spawn("session", session(p, std::move(socket)));
//     }
//   }
//
// Two bundles satisfy the concept: moonpool::real::providers
// (<moonpool/real/providers.hpp>: Boost.Asio, the OS clock, real files, OS
// entropy) and moonpool::sim::providers (<moonpool/sim/providers.hpp>: the
// simulated host, its clock, disk and network, the counted simulation
// stream). A bundle is a cheap handle: copy it into every coroutine that
// needs it. docs/providers.md is the guide.
//
// This header names no Beast type; moonpool/real/beast.hpp and
// moonpool/sim/beast.hpp give each bundle its beast::tcp_stream
// counterpart through moonpool::tcp_stream_of<P>.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <utility>

namespace moonpool {

// The protocol a bundle names as P::tcp: boost::asio::ip::tcp's shape
// (socket, acceptor, resolver, endpoint, v4()).
template <class T, class Executor>
concept tcp_protocol_for = requires {
  typename T::socket;
  typename T::acceptor;
  typename T::resolver;
  typename T::endpoint;
  { T::v4() } -> std::convertible_to<typename T::endpoint::protocol_type>;
  requires std::constructible_from<typename T::socket, const Executor&>;
  requires std::constructible_from<typename T::acceptor, const Executor&>;
  requires std::constructible_from<typename T::resolver, const Executor&>;
};

template <class P>
concept providers = std::copy_constructible<P> &&
    requires(P& p, const P& cp, std::string name, boost::asio::awaitable<void> task) {
  // --- the executor everything in the bundle runs on ------------------------
  typename P::executor_type;
  requires std::same_as<typename P::executor_type, boost::asio::any_io_executor>;
  { cp.get_executor() } -> std::same_as<typename P::executor_type>;

  // --- network --------------------------------------------------------------
  typename P::tcp;
  requires tcp_protocol_for<typename P::tcp, typename P::executor_type>;

  // --- time -----------------------------------------------------------------
  typename P::clock;
  typename P::clock::time_point;
  { cp.now() } -> std::same_as<typename P::clock::time_point>;
  typename P::steady_timer;
  requires std::constructible_from<typename P::steady_timer, const typename P::executor_type&>;
  requires requires(typename P::steady_timer & timer) {
    timer.expires_after(std::chrono::milliseconds(1));
    timer.cancel();
  };

  // --- storage --------------------------------------------------------------
  typename P::storage_type;
  typename P::file_type;
  requires std::same_as<typename P::storage_type::file_type, typename P::file_type>;
  { cp.storage() } -> std::same_as<typename P::storage_type>;

  // --- randomness -----------------------------------------------------------
  { p.random_u64() } -> std::same_as<std::uint64_t>;

  // --- tasks ----------------------------------------------------------------
  // Starts `task` detached on the bundle's executor. What an escaping
  // exception does is each bundle's to say (core/task_failed.hpp).
  p.spawn(std::move(name), std::move(task));
};

}  // namespace moonpool
