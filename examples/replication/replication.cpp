// sim-replication: the correct primary. Passes every seed, also under --explore.
#include "replication_app.hpp"

int main(int argc, char** argv) {
  return replication::run<false>(argc, argv, "replication");
}
