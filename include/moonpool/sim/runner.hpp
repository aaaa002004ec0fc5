#pragma once
// Umbrella header for the simulation runner: processes, workloads, context,
// chaos, the builder, the report and the standard command line.

#include "moonpool/assert.hpp"
#include "moonpool/sim/chaos/buggify.hpp"
#include "moonpool/sim/runner/chaos.hpp"
#include "moonpool/sim/runner/context.hpp"
#include "moonpool/sim/runner/process.hpp"
#include "moonpool/sim/runner/report.hpp"
#include "moonpool/sim/runner/run_main.hpp"
#include "moonpool/sim/runner/simulation_builder.hpp"
