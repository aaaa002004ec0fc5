// sim-web's simulation, compiled once for sim-web and sim-web-bug
// (sim_web.hpp says what it checks).
#include "sim_web.hpp"
