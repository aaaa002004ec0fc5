#pragma once
// Umbrella header for the simulated network: hosts, TCP sockets and
// acceptors, and the network configuration with its fault catalogue.

#include "moonpool/sim/host.hpp"
#include "moonpool/sim/net/acceptor.hpp"
#include "moonpool/sim/net/network_config.hpp"
#include "moonpool/sim/net/socket.hpp"
