// moonpool::tls and the provider bundles from the installed package: the
// bundles satisfy the concept, and asking for a deterministic TLS context
// outside a simulation is refused with a clear error.
#include <cstdio>
#include <moonpool/core/providers.hpp>
#include <moonpool/real/providers.hpp>
#include <moonpool/sim/providers.hpp>
#include <moonpool/sim/tls.hpp>
#include <stdexcept>

static_assert(moonpool::providers<moonpool::real::providers>);
static_assert(moonpool::providers<moonpool::sim::providers>);

int main() {
  try {
    static_cast<void>(moonpool::sim::tls::context_for(moonpool::sim::tls::role::client));
  } catch (const std::logic_error& e) {
    std::printf("consumer_tls ok: %s\n", e.what());
    return 0;
  }
  std::fprintf(stderr, "consumer_tls: context_for outside a simulation was not refused\n");
  return 1;
}
