#pragma once
// Umbrella header for the simulated network: hosts and their io_contexts,
// TCP sockets, acceptors and resolvers (moonpool::sim::tcp), and the network
// configuration with its fault catalogue.

#include "moonpool/sim/host.hpp"
#include "moonpool/sim/io_context.hpp"
#include "moonpool/sim/net/network_config.hpp"
#include "moonpool/sim/net/tcp.hpp"
