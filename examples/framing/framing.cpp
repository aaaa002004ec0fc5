// sim-framing: the length-prefixed service with correct framing. Passes
// every seed, with partial reads and writes on.
#include "framing_app.hpp"

int main(int argc, char** argv) {
  return framing::run<false>(argc, argv, "framing");
}
