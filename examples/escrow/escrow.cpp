// sim-escrow: the fixed ledger (escrow_app.hpp); it passes the same
// exploration that finds the bug in sim-escrow-bug.

#include "escrow_app.hpp"

int main(int argc, char** argv) {
  return escrow::run<false>(argc, argv, "escrow");
}
