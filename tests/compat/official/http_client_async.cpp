// Beast's example/http/client/async/http_client_async.cpp, as Debian's
// libboost1.81-doc installs it, patched by patches/http_client_async.patch.
#include "compat_prelude.hpp"

namespace official::http_client_async {
#include "patched/http_client_async.cpp"
}  // namespace official::http_client_async

#include "entry_points.hpp"

std::weak_ptr<void> compat::start_http_client_async(moonpool::sim::io_context& ioc,
                                                    const char* host, const char* port,
                                                    const char* target) {
  auto session = std::make_shared<official::http_client_async::session>(ioc);
  session->run(host, port, target, 11);
  return session;
}
