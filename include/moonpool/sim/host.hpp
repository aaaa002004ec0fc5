#pragma once
// A simulated machine: its own address, its own executor, its own clock.
//
//   auto server = world.add_host("10.0.1.1");
//   tcp::acceptor acceptor{server.get_executor(), {server.address(), 8080}};
//
// Work started on a host's executor (and every task spawned from it) runs "on"
// that host: sockets it opens carry the host's address, and partitions,
// faults and crashes that name the host apply to it.

#include <boost/asio/ip/address.hpp>

#include "moonpool/sim/clock.hpp"
#include "moonpool/sim/executor.hpp"
#include "moonpool/sim/io_context.hpp"

namespace moonpool::sim {

class host {
 public:
  host(detail::world_state& state, detail::host_record& record) noexcept
      : state_(&state), record_(&record) {}

  [[nodiscard]] const boost::asio::ip::address& address() const noexcept {
    return record_->address;
  }
  [[nodiscard]] executor get_executor() const noexcept { return executor(*state_, *record_->root); }
  // The host as an Asio io_context (for code that takes io_context&); the
  // world replaces it when the host's process dies.
  [[nodiscard]] sim::io_context& context() const;
  // The host's own clock: never behind simulated time, at most the network
  // configuration's clock_drift_max ahead of it, and never decreasing. Code
  // that compares clocks across hosts (leases, timeouts) should read this.
  [[nodiscard]] clock::time_point now() const;

  [[nodiscard]] detail::host_record& record() const noexcept { return *record_; }

 private:
  detail::world_state* state_;
  detail::host_record* record_;
};

}  // namespace moonpool::sim
