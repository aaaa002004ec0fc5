#pragma once
// A world of two hosts on network_config::fast_local() (microsecond
// latencies, no faults): the simulated side of the network benchmarks.

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>

#include "moonpool/sim.hpp"

namespace bench {

inline moonpool::sim::world& with_fast_local_network(moonpool::sim::world& world) {
  world.set_network_config(moonpool::sim::network_config::fast_local());
  return world;
}

struct sim_hosts {
  static constexpr unsigned short server_port = 8080;

  explicit sim_hosts(std::uint64_t seed = 1) : world(seed) {}

  moonpool::sim::world world;
  moonpool::sim::host server{with_fast_local_network(world).add_host("10.0.1.1")};
  moonpool::sim::host client{world.add_host("10.0.0.1")};
  boost::asio::ip::tcp::endpoint endpoint{server.address(), server_port};
};

}  // namespace bench
