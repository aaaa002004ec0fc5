// A crash inside a simulation names its seed.
//
// A null dereference or an abort() in simulated code kills the process
// before the runner can record the seed. The first world driven in a
// process installs handlers for the fatal signals (only where none is
// installed, so sanitizers and debuggers keep theirs): they print one line
// naming the seed, the task and the replay flag, then restore the default
// action and raise the signal again, so the exit status still says which
// signal it was. Likewise exit() called from simulated code ends the process
// with status 1 and the same line, instead of the status it chose.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "process_hooks.hpp"
#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim::detail {
namespace {

constexpr int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

void on_fatal_signal(int signal_number) {
  if (const world_state* world = world_state::current()) {
    const task_record* task = world->current_task();
    char line[512];
    const int length = std::snprintf(
        line, sizeof line,
        "moonpool: seed %llu crashed with signal %d (%s) in task '%s' at simulated time %lld ns; "
        "replay it with --seed %llu\n",
        static_cast<unsigned long long>(world->seed()), signal_number, strsignal(signal_number),
        task != nullptr ? task->name.c_str() : "-", static_cast<long long>(world->now().count()),
        static_cast<unsigned long long>(world->seed()));
    if (length > 0) {
      [[maybe_unused]] const auto written = write(2, line, static_cast<std::size_t>(length));
    }
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// exit() called from simulated code would end the run with whatever status
// the code chose (0: a silent pass). Runs first among the exit handlers
// registered after it; a world current on this thread means the call came
// from inside a simulation.
void on_exit_inside_simulation() {
  if (const world_state* world = world_state::current()) {
    const task_record* task = world->current_task();
    std::fprintf(stderr,
                 "moonpool: seed %llu: exit() was called inside the simulation (task '%s', at "
                 "simulated time %lld ns); a process ends by returning from run(); replay it "
                 "with --seed %llu\n",
                 static_cast<unsigned long long>(world->seed()),
                 task != nullptr ? task->name.c_str() : "-",
                 static_cast<long long>(world->now().count()),
                 static_cast<unsigned long long>(world->seed()));
    std::fflush(stderr);
    _exit(1);
  }
}

}  // namespace

void install_crash_report() noexcept {
  static const bool installed = [] {
    std::atexit(on_exit_inside_simulation);
    for (int signal_number : fatal_signals) {
      struct sigaction current {};
      if (sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_DFL &&
          (current.sa_flags & SA_SIGINFO) == 0) {
        struct sigaction action {};
        action.sa_handler = on_fatal_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_NODEFER;
        sigaction(signal_number, &action, nullptr);
      }
    }
    return true;
  }();
  (void)installed;
}

}  // namespace moonpool::sim::detail
