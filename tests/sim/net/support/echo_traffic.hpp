#pragma once
// Echo traffic between two hosts that tolerates every network fault: the
// client reconnects after errors, bounds every step with a timeout, and
// counts what happened. Used to show that each fault fires when enabled.

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <set>
#include <string>

#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/net/detail/network.hpp"
#include "net/support/two_hosts.hpp"

namespace moonpool::test {

struct traffic_result {
  std::map<std::uint32_t, std::size_t> kinds;  // trace kind code -> records
  // Readers' names (detail/trace_kinds.hpp): every event name seen, the
  // records nobody named ("kind.<n>", or a generic "world.event"), and the
  // records about a connection that lack its endpoints.
  std::set<std::string_view> names;
  std::set<std::string> unnamed;
  std::size_t connection_records_without_endpoints = 0;
  std::map<int, int> errors;  // error code value -> count

  [[nodiscard]] int errors_of(boost::system::error_code ec) const {
    auto it = errors.find(ec.value());
    return it == errors.end() ? 0 : it->second;
  }
  std::vector<std::uint64_t> bit_flip_sizes;  // bits flipped per flip record
  int exchanges = 0;
  int zero_byte_reads = 0;
  std::string trace_hash;
  std::chrono::nanoseconds finished_at{0};  // when the client was done

  [[nodiscard]] std::size_t count(sim::trace_kind kind) const {
    auto it = kinds.find(static_cast<std::uint32_t>(kind));
    return it == kinds.end() ? 0 : it->second;
  }
};

inline traffic_result run_echo_traffic(std::uint64_t seed, const sim::network_config& config,
                                       bool stable = false, int exchanges = 30) {
  using tcp = sim::tcp;
  using namespace std::chrono_literals;
  // The counts are read from the recorded trace.
  two_hosts net{seed, config, sim::world_options{.record_trace = true}};

  traffic_result result;
  net.spawn_on(net.server, "server", [&]() -> asio::awaitable<void> {
    tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      peer.set_stable(stable);
      auto spawn_executor = co_await asio::this_coro::executor;
      sim::spawn(spawn_executor, "echo",
                 [peer = std::move(peer)]() mutable -> asio::awaitable<void> {
                   std::array<char, 4096> buffer{};
                   for (;;) {
                     auto [ec, n] = co_await peer.async_read_some(
                         asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
                     if (ec) {
                       co_return;
                     }
                     auto [wec, wn] = co_await asio::async_write(
                         peer, asio::buffer(buffer.data(), n), asio::as_tuple(asio::use_awaitable));
                     if (wec) {
                       co_return;
                     }
                   }
                 })
          .detach();
    }
  });
  net.spawn_on(net.client, "client", [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    int done = 0;
    for (int attempt = 0; attempt < 20 && done < exchanges; ++attempt) {
      try {
        tcp::socket s(ex);
        co_await sim::timeout(5s, s.async_connect(net.server_endpoint(), asio::use_awaitable));
        s.set_stable(stable);
        for (; done < exchanges; ++done) {
          const std::string message(1 + net.world.random().below(6000), 'm');
          co_await sim::timeout(5s,
                                asio::async_write(s, asio::buffer(message), asio::use_awaitable));
          std::size_t got = 0;
          while (got < message.size()) {
            std::array<char, 8192> buffer{};
            const std::size_t n = co_await sim::timeout(
                5s, s.async_read_some(asio::buffer(buffer), asio::use_awaitable));
            result.zero_byte_reads += n == 0 ? 1 : 0;
            got += n;
          }
          ++result.exchanges;
        }
      } catch (const boost::system::system_error& e) {
        ++result.errors[e.code().value()];
      }
    }
    result.finished_at = net.world.now();
  });
  net.world.run_for(10min);
  for (const auto& record : net.world.trace()) {
    ++result.kinds[static_cast<std::uint32_t>(record.kind)];
    const sim::detail::trace_kind_info* info = sim::detail::describe_trace_record(record);
    if (info == nullptr || info->name == "world.event") {
      result.unnamed.insert(info == nullptr
                                ? "kind." + std::to_string(static_cast<unsigned>(record.kind))
                                : std::string(info->name));
    } else {
      result.names.insert(info->name);
      const bool about_a_connection =
          std::any_of(info->fields.begin(), info->fields.end(),
                      [](const sim::detail::trace_field& f) { return f.name == "conn"; });
      const bool has_endpoints =
          std::any_of(record.notes.begin(), record.notes.end(),
                      [](const sim::trace_note& n) { return n.key == "from"; });
      if (about_a_connection && (!has_endpoints || record.host.empty())) {
        ++result.connection_records_without_endpoints;
      }
    }
    if (record.kind == sim::detail::net::kinds::bit_flip) {
      result.bit_flip_sizes.push_back(record.fields[2]);
    }
  }
  result.trace_hash = net.world.trace_hash();

  return result;
}

}  // namespace moonpool::test
