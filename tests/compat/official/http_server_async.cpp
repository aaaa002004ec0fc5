// Beast's example/http/server/async/http_server_async.cpp, as Debian's
// libboost1.81-doc installs it, patched by patches/http_server_async.patch.
#include "compat_prelude.hpp"

namespace official::http_server_async {
#include "patched/http_server_async.cpp"
}  // namespace official::http_server_async

#include "entry_points.hpp"

void compat::start_http_server_async(moonpool::sim::io_context& ioc, endpoint where,
                                     doc_root root) {
  std::make_shared<official::http_server_async::listener>(ioc, where, root)->run();
}
