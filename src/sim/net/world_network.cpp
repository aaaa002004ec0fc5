// The world's network-facing methods, kept here so that the runtime layer
// (src/sim/world.cpp) does not depend on the network.

#include <boost/asio/ip/address.hpp>
#include <stdexcept>
#include <string>

#include "moonpool/sim/host.hpp"
#include "moonpool/sim/net/detail/network.hpp"
#include "moonpool/sim/world.hpp"

namespace moonpool::sim {

host world::add_host(std::string_view address) {
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) {
    throw std::invalid_argument("world::add_host: '" + std::string(address) +
                                "' is not an IP address (expected e.g. \"10.0.1.1\")");
  }
  return host(*state_, state_->add_host(parsed));
}

host world::host_at(const boost::asio::ip::address& address) {
  detail::host_record* record = state_->find_host(address);
  if (record == nullptr) {
    throw std::invalid_argument("world::host_at: no host has address " + address.to_string());
  }
  return host(*state_, *record);
}

void world::set_network_config(const network_config& config) {
  detail::net::network_of(*state_).set_config(config);
}

const network_config& world::current_network_config() {
  return detail::net::network_of(*state_).config();
}

void world::partition(const host& from, const host& to, std::chrono::nanoseconds duration) {
  detail::net::network_of(*state_).partition(from.record(), to.record(), duration);
}

void world::partition_both_ways(const host& a, const host& b, std::chrono::nanoseconds duration) {
  auto& net = detail::net::network_of(*state_);
  net.partition(a.record(), b.record(), duration);
  net.partition(b.record(), a.record(), duration);
}

void world::isolate(const host& h, std::chrono::nanoseconds duration) {
  detail::net::network_of(*state_).isolate(h.record(), duration);
}

void world::heal(const host& a, const host& b) {
  detail::net::network_of(*state_).heal(a.record(), b.record());
}

void world::heal_all() {
  detail::net::network_of(*state_).heal_all();
}

void world::abort_connections(const host& h) {
  detail::net::network_of(*state_).abort_host(h.record());
}

clock::time_point host::now() const {
  // Reference behaviour (moonpool-behavior.md A5): each reading moves the
  // host's clock a random part of the way towards now + drift_max, and never
  // lets it fall behind simulated time or run backwards.
  const network_config& config = detail::net::network_of(*state_).config();
  const std::chrono::nanoseconds now = state_->now();
  std::chrono::nanoseconds& reading = record_->clock_reading;
  if (config.clock_drift_enabled && config.clock_drift_max > std::chrono::nanoseconds(0)) {
    const std::chrono::nanoseconds ceiling = now + config.clock_drift_max;
    if (reading < ceiling) {
      const double step = state_->streams().simulation.unit() *
                          static_cast<double>((ceiling - reading).count()) / 2.0;
      reading += std::chrono::nanoseconds(static_cast<std::int64_t>(step));
    }
  }
  reading = std::max(reading, now);
  return clock::time_point(reading);
}

}  // namespace moonpool::sim
