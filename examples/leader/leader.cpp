// sim-leader: the election with a correct vote count. Passes every seed.
#include "leader_app.hpp"

int main(int argc, char** argv) {
  return leader::run<false>(argc, argv, "leader");
}
