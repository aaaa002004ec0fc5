#pragma once
// Umbrella header for the simulated world: runtime, executor, time, tasks.

#include "moonpool/sim/clock.hpp"
#include "moonpool/sim/errors.hpp"
#include "moonpool/sim/executor.hpp"
#include "moonpool/sim/log.hpp"
#include "moonpool/sim/net.hpp"
#include "moonpool/sim/random.hpp"
#include "moonpool/sim/retry.hpp"
#include "moonpool/sim/sleep.hpp"
#include "moonpool/sim/steady_timer.hpp"
#include "moonpool/sim/storage.hpp"
#include "moonpool/sim/task.hpp"
#include "moonpool/sim/trace.hpp"
#include "moonpool/sim/world.hpp"
