// sim-framing-bug: the same service, but the server assumes one read is one
// message. Partial reads catch it within a few seeds; `--seed N` replays a
// failure exactly.
#include "framing_app.hpp"

int main(int argc, char** argv) {
  return framing::run<true>(argc, argv, "framing-bug");
}
