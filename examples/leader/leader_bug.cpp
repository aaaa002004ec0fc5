// sim-leader-bug: a candidate counts an unanswered vote request as a yes.
// Partitions expose the split brain; the timeline invariant names the term.
#include "leader_app.hpp"

int main(int argc, char** argv) {
  return leader::run<true>(argc, argv, "leader-bug");
}
