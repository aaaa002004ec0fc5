// A crash inside a simulation names its seed, and the run's report survives.
//
// A null dereference or an abort() in simulated code kills the process
// before the runner can record the seed. The first world driven in a
// process installs handlers for the fatal signals (only where none is
// installed, so sanitizers and debuggers keep theirs): they describe the
// seed, the task and the simulated time, hand that to the runner's abort
// hook (which records the seed as failed, prints the replay command and
// writes the report so far), then restore the default action and raise the
// signal again, so the exit status still says which signal it was. Likewise
// exit() called from simulated code ends the process with status 1 through
// the same hook, instead of with the status it chose.

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "moonpool/sim/detail/world_state.hpp"
#include "process_hooks.hpp"

namespace moonpool::sim::detail {
namespace {

constexpr int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
// How long the hook may take in a dying process before SIGALRM ends it.
constexpr unsigned hook_seconds = 10;

std::atomic<abort_hook> hook{nullptr};
std::atomic<void*> hook_context{nullptr};
std::atomic<bool> aborting{false};

void write_line(const char* line) noexcept {
  const std::size_t length = std::strlen(line);
  [[maybe_unused]] const auto written = write(2, line, length);
}

void on_fatal_signal(int signal_number) {
  if (world_state::current() != nullptr) {
    char what[96];
    std::snprintf(what, sizeof what, "crashed with signal %d (%s)", signal_number,
                  strsignal(signal_number));
    char line[768];
    describe_abort(line, sizeof line, what);
    report_abort(line);
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// exit() called from simulated code would end the run with whatever status
// the code chose (0: a silent pass). Runs first among the exit handlers
// registered after it; a world current on this thread means the call came
// from inside a simulation.
void on_exit_inside_simulation() {
  if (world_state::current() != nullptr) {
    char line[768];
    describe_abort(line, sizeof line,
                   "called exit() inside the simulation (a process ends by returning from "
                   "run())");
    report_abort(line);
    std::fflush(stderr);
    _exit(1);
  }
}

}  // namespace

void describe_abort(char* line, std::size_t capacity, const char* what) noexcept {
  const world_state* world = world_state::current();
  if (world == nullptr) {
    std::snprintf(line, capacity, "%s outside any simulated seed", what);
    return;
  }
  const task_record* task = world->current_task();
  std::snprintf(line, capacity, "seed %llu %s in task '%s' at simulated time %lld ns",
                static_cast<unsigned long long>(world->seed()), what,
                task != nullptr ? task->name.c_str() : "-",
                static_cast<long long>(world->now().count()));
}

void set_abort_hook(abort_hook new_hook, void* context) noexcept {
  hook_context.store(context);
  hook.store(new_hook);
}

void report_abort(const char* cause) noexcept {
  // A second fatal signal while the hook runs (it crashed too) must not
  // run it again.
  if (aborting.exchange(true)) {
    return;
  }
  const abort_hook run = hook.load();
  if (run == nullptr) {
    char line[1024];
    const world_state* world = world_state::current();
    std::snprintf(line, sizeof line, "moonpool: %s; replay it with --seed %llu\n", cause,
                  world != nullptr ? static_cast<unsigned long long>(world->seed()) : 0ULL);
    write_line(line);
    return;
  }
  // Bounded: if the hook deadlocks (the crash happened inside malloc, and
  // the hook allocates), SIGALRM's default action ends the process.
  signal(SIGALRM, SIG_DFL);
  alarm(hook_seconds);
  run(hook_context.load(), cause);
  alarm(0);
}

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
