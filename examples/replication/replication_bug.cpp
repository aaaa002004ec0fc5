// sim-replication-bug: the primary that trusts its own count after a second
// link failure. Plain seeds miss it; --explore finds it.
#include "replication_app.hpp"

int main(int argc, char** argv) {
  return replication::run<true>(argc, argv, "replication-bug");
}
