// Asio's example/cpp20/coroutines/chat_server.cpp, as Debian's
// libboost1.81-doc installs it, patched by patches/asio_chat_server.patch.
// Its sessions wait on an unmodified boost::asio::steady_timer.
#include "compat_prelude.hpp"

namespace official::asio_chat_server {
#include "patched/chat_server.cpp"
}  // namespace official::asio_chat_server

#include "entry_points.hpp"

void compat::start_asio_chat_server(moonpool::sim::io_context& ioc, unsigned short port) {
  // As the example's main() does.
  using official::asio_chat_server::tcp;
  boost::asio::co_spawn(ioc,
                        official::asio_chat_server::listener(tcp::acceptor(ioc, {tcp::v4(), port})),
                        boost::asio::detached);
}
