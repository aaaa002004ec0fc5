// sim-kv: the crash-safe store. Passes every seed under storage chaos and
// attrition.
#include "kv_main.hpp"

int main(int argc, char** argv) {
  return kv::run(argc, argv, "kv", kv::bugs{});
}
