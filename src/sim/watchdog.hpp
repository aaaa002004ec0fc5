#pragma once
// The handler watchdog (world_options::handler_wall_limit).
//
// A handler that never returns cannot be failed from inside the world: the
// world only regains control when it returns. So a process-wide interval
// timer (a real-time signal, once a second) looks at the world being
// driven on this thread: when the same handler has been running for the
// limit, it prints one line naming the seed, the task and the replay flag,
// and ends the process with exit status 1. A handler costs two relaxed
// stores; the timer is re-armed in forked children (the explorer's).

#include <chrono>

namespace moonpool::sim::detail {

class world_state;

// Marks the handler the world is about to run (and that it returned).
void watchdog_handler_started(world_state& world) noexcept;
void watchdog_handler_finished() noexcept;

// The explorer waits for the timelines it forked inside a handler (the one
// that made a discovery): that wait is not the handler running. Paused, the
// watchdog ignores the handler; resumed, it counts from zero again.
void watchdog_pause() noexcept;
void watchdog_resume(world_state& world) noexcept;

}  // namespace moonpool::sim::detail
