// Beast's example/websocket/client/async/websocket_client_async.cpp, as
// Debian's libboost1.81-doc installs it, patched by
// patches/websocket_client_async.patch.
#include "compat_prelude.hpp"

namespace official::websocket_client_async {
#include "patched/websocket_client_async.cpp"
}  // namespace official::websocket_client_async

#include "entry_points.hpp"

std::weak_ptr<void> compat::start_websocket_client_async(moonpool::sim::io_context& ioc,
                                                         const char* host, const char* port,
                                                         const char* text) {
  auto session = std::make_shared<official::websocket_client_async::session>(ioc);
  session->run(host, port, text);
  return session;
}

void compat::seed_websocket_masks() {
  moonpool::sim::seed_websocket_prng();
}
