// sim-escrow-bug: the ledger that replays a deposit after six rare steps
// (escrow_app.hpp). Plain seeds miss it; `--explore` finds it with its
// defaults and prints a recipe that replays it.

#include "escrow_app.hpp"

int main(int argc, char** argv) {
  return escrow::run<true>(argc, argv, "escrow-bug");
}
