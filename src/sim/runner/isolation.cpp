#include "isolation.hpp"
#include "pipe_records.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../../common/write_all.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"

namespace moonpool::sim::detail {
namespace {

using moonpool::detail::write_all;

// After the seed timeout, the child's own watchdog reports and exits
// within about a second; the parent kills it only if that fails too.
constexpr std::chrono::seconds kill_grace{10};

[[noreturn]] void run_child(int fd, iteration_trace* trace,
                            const std::function<seed_result(iteration_trace*)>& run) {
  set_report_pipe(fd);
  std::string out;
  try {
    iteration_trace child_trace;
    const seed_result result = run(trace != nullptr ? &child_trace : nullptr);
    for (const std::string& line : child_trace.json_lines) {
      append_record(out, tag_trace, line);
    }
    append_record(out, tag_result, encode(result));
  } catch (const std::exception& e) {
    append_record(out, tag_abort, std::string("the seed threw out of the runner: ") + e.what());
  }
  write_all(fd, out);
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(0);
}

}  // namespace

bool isolated_child_abort(const char* cause) noexcept {
  if (report_pipe() < 0) {
    return false;
  }
  std::string out;
  append_record(out, tag_abort, cause);
  write_all(report_pipe(), out);
  return true;
}

seed_result run_isolated(std::uint64_t seed, std::chrono::nanoseconds seed_timeout,
                         iteration_trace* trace,
                         const std::function<seed_result(iteration_trace*)>& run) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("--isolate: cannot make a pipe: ") + std::strerror(errno));
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const auto started = wall_now();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("--isolate: cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    run_child(fds[1], trace, run);
  }
  close(fds[1]);

  // Read until the child closes its end (it has ended), killing it if it
  // outlives the seed timeout and the grace period.
  std::string bytes;
  bool killed = false;
  for (;;) {
    int wait_ms = -1;
    if (seed_timeout.count() > 0 && !killed) {
      const auto left = started + seed_timeout + kill_grace - wall_now();
      wait_ms = static_cast<int>(std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(left).count()));
    }
    pollfd ready{fds[0], POLLIN, 0};
    const int polled = poll(&ready, 1, wait_ms);
    if (polled < 0 && errno == EINTR) {
      continue;
    }
    if (polled == 0) {
      kill(pid, SIGKILL);
      killed = true;
      continue;
    }
    char buffer[65536];
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  std::optional<seed_result> result;
  std::string cause;
  std::vector<std::string> lines;
  for (const auto& [tag, body] : read_records(bytes)) {
    if (tag == tag_result) {
      result = decode(body);
    } else if (tag == tag_trace) {
      lines.emplace_back(body);
    } else if (tag == tag_abort) {
      cause = std::string(body);
    }
  }
  if (trace != nullptr) {
    trace->json_lines = std::move(lines);
  }
  if (result && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return *result;
  }
  seed_result failed;
  failed.seed = seed;
  failed.ok = false;
  failed.wall = wall_now() - started;
  const std::string how =
      killed ? "killed after running " +
                   std::to_string(
                       std::chrono::duration_cast<std::chrono::seconds>(failed.wall).count()) +
                   " s, past --seed-timeout"
             : describe_status(status);
  failed.error = (cause.empty() ? "seed " + std::to_string(seed) + " crashed" : cause) +
                 " (isolated process " + how + ")";
  return failed;
}

}  // namespace moonpool::sim::detail
