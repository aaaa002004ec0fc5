// Beast's example/http/server/awaitable/http_server_awaitable.cpp, as
// Debian's libboost1.81-doc installs it, patched by
// patches/http_server_awaitable.patch.
#include "compat_prelude.hpp"

namespace official::http_server_awaitable {
#include "patched/http_server_awaitable.cpp"
}  // namespace official::http_server_awaitable

#include "entry_points.hpp"

void compat::start_http_server_awaitable(moonpool::sim::io_context& ioc, endpoint where,
                                         doc_root root) {
  // As the example's main() does, with the same completion handler.
  boost::asio::co_spawn(ioc, official::http_server_awaitable::do_listen(where, root),
                        [](std::exception_ptr e) {
                          if (e) {
                            try {
                              std::rethrow_exception(e);
                            } catch (std::exception& error) {
                              std::cerr << "Error in acceptor: " << error.what() << "\n";
                            }
                          }
                        });
}
