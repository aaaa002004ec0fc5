// Beast's example/advanced/server/advanced_server.cpp, as Debian's
// libboost1.81-doc installs it, patched by patches/advanced_server.patch.
#include "compat_prelude.hpp"

namespace official::advanced_server {
#include "patched/advanced_server.cpp"
}  // namespace official::advanced_server

#include "entry_points.hpp"

void compat::start_advanced_server(moonpool::sim::io_context& ioc, endpoint where, doc_root root) {
  std::make_shared<official::advanced_server::listener>(ioc, where, root)->run();
}
