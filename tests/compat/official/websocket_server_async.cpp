// Beast's example/websocket/server/async/websocket_server_async.cpp, as
// Debian's libboost1.81-doc installs it, patched by
// patches/websocket_server_async.patch.
#include "compat_prelude.hpp"

namespace official::websocket_server_async {
#include "patched/websocket_server_async.cpp"
}  // namespace official::websocket_server_async

#include "entry_points.hpp"

void compat::start_websocket_server_async(moonpool::sim::io_context& ioc, endpoint where) {
  std::make_shared<official::websocket_server_async::listener>(ioc, where)->run();
}
