// Asio's example/cpp20/coroutines/echo_server.cpp, as Debian's
// libboost1.81-doc installs it, patched by patches/asio_echo_server.patch.
#include "compat_prelude.hpp"

namespace official::asio_echo_server {
#include "patched/echo_server.cpp"
}  // namespace official::asio_echo_server

#include "entry_points.hpp"

void compat::start_asio_echo_server(moonpool::sim::io_context& ioc) {
  // As the example's main() does.
  boost::asio::co_spawn(ioc, official::asio_echo_server::listener(), boost::asio::detached);
}
