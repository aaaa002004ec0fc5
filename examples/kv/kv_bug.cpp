// sim-kv-bug: the store that acknowledges a put before async_sync. A crash
// in between loses an acknowledged write.
#include "kv_main.hpp"

int main(int argc, char** argv) {
  return kv::run(argc, argv, "kv-bug", kv::bugs{.ack_before_sync = true});
}
