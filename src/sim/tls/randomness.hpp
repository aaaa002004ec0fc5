#pragma once
// Where OpenSSL's random bytes come from inside a simulation
// (src/sim/tls/provider.cpp): a stream owned by the current world.

#include <openssl/types.h>
#include <cstddef>

namespace moonpool::sim::tls::detail {

// Fills `out` from the current world's TLS stream. False, with one line
// on stderr, when no simulation is running on this thread.
bool draw(unsigned char* out, std::size_t length);

// A fresh library context whose random generators are all moonpool's
// (provider.cpp). Called once per process by library_context().
OSSL_LIB_CTX* make_simulated_library();

}  // namespace moonpool::sim::tls::detail
