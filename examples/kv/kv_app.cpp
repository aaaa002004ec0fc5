// The sim-kv family's simulation, compiled once for sim-kv, sim-kv-bug and
// sim-kv-rename-bug (kv_app.hpp).
#include "kv_app.hpp"
