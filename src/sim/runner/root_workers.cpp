#include "root_workers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>

#include "../../common/write_all.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/explore/recipe.hpp"
#include "pipe_records.hpp"

namespace moonpool::sim::detail {
namespace {

using moonpool::detail::write_all;

struct worker {
  pid_t pid = -1;
  int fd = -1;
  std::size_t index = 0;
  void* table = nullptr;
  void* beacon = nullptr;
  std::string bytes;
};

// A root seed is explored again at most this often after crashes.
constexpr std::size_t max_crashes_per_root = 64;

[[noreturn]] void run_worker(int fd, std::uint64_t seed, bool want_trace, const worker& w,
                             const std::vector<explore::known_crash>& crashes,
                             const root_explorer& explore) {
  set_report_pipe(fd);
  assertions::switch_table(w.table);
  std::string out;
  try {
    explore::become_worker();
    explore::set_known_crashes(crashes);
    explore::set_run_beacon(w.beacon);
    iteration_trace trace;
    const seed_result result = explore(seed, want_trace ? &trace : nullptr);
    for (const std::string& line : trace.json_lines) {
      append_record(out, tag_trace, line);
    }
    append_record(out, tag_result, encode(result));
    append_record(out, tag_summary, explore::encode_summary(explore::take_root_summary()));
  } catch (const std::exception& e) {
    append_record(out, tag_abort,
                  "the exploration of root seed " + std::to_string(seed) + " threw: " + e.what());
  }
  write_all(fd, out);
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(0);
}

void release(worker& w) {
  assertions::free_table(w.table);
  munmap(w.beacon, explore::run_beacon_size());
}

worker start_worker(std::size_t index, std::uint64_t seed, bool want_trace,
                    const std::string& snapshot, const std::vector<explore::known_crash>& crashes,
                    const root_explorer& explore) {
  worker w;
  w.index = index;
  w.table = assertions::new_table(snapshot);
  void* beacon = mmap(nullptr, explore::run_beacon_size(), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (beacon == MAP_FAILED) {
    assertions::free_table(w.table);
    throw std::runtime_error(std::string("--explore: cannot map memory: ") + std::strerror(errno));
  }
  w.beacon = beacon;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    release(w);
    throw std::runtime_error(std::string("--explore: cannot make a pipe: ") + std::strerror(errno));
  }
  std::fflush(stdout);
  std::fflush(stderr);
  w.pid = fork();
  if (w.pid < 0) {
    close(fds[0]);
    close(fds[1]);
    release(w);
    throw std::runtime_error(std::string("--explore: cannot fork: ") + std::strerror(errno));
  }
  if (w.pid == 0) {
    close(fds[0]);
    run_worker(fds[1], seed, want_trace, w, crashes, explore);
  }
  close(fds[1]);
  w.fd = fds[0];
  return w;
}

// What an ended worker sent, and how it ended, as one explored root; or,
// when it died in a re-executed timeline, the crash to avoid next time.
struct settled {
  std::optional<explored_root> root;
  std::optional<explore::known_crash> crash;
};

settled settle(worker& w, std::uint64_t seed, std::size_t crashes_so_far) {
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  close(w.fd);

  explored_root root;
  std::optional<seed_result> result;
  std::optional<explore::exploration_summary> summary;
  std::string cause;
  for (const auto& [tag, body] : read_records(w.bytes)) {
    if (tag == tag_result) {
      result = decode(body);
    } else if (tag == tag_trace) {
      root.trace.json_lines.emplace_back(body);
    } else if (tag == tag_summary) {
      summary = explore::decode_summary(body);
    } else if (tag == tag_abort) {
      cause = std::string(body);
    }
  }
  const bool clean = result && summary && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::optional<explore::known_crash> crash =
      clean ? std::nullopt : explore::read_run_beacon(w.beacon);
  if (crash && crashes_so_far < max_crashes_per_root) {
    // Worded as a forked child's death is, so both branchings agree.
    const std::string ended = describe_status(status);
    crash->error =
        cause.empty() ? "timeline crashed: " + ended : cause + " (timeline " + ended + ")";
    // Explored again from the start: this worker's counts are dropped.
    release(w);
    return {std::nullopt, std::move(crash)};
  }
  assertions::merge_table(w.table);
  release(w);
  if (clean) {
    root.result = std::move(*result);
    root.summary = std::move(*summary);
    return {std::move(root), std::nullopt};
  }
  // The worker died: its root seed fails, and the timeline it died in is a
  // bug with its recipe when the worker could say which.
  root.result.seed = seed;
  root.result.ok = false;
  root.result.error =
      (cause.empty() ? "the exploration of root seed " + std::to_string(seed) + " crashed"
                     : cause) +
      " (explorer worker " + describe_status(status) + ")";
  root.summary.roots = 1;
  if (crash) {
    // Too many crashes to explore around: this one is the bug.
    explore::found_bug bug;
    bug.where = explore::recipe{seed, crash->steps};
    bug.error = root.result.error;
    root.summary.bugs = 1;
    root.summary.recipes.push_back(std::move(bug));
  }
  return {std::move(root), std::nullopt};
}

}  // namespace

void explore_roots(const std::vector<std::uint64_t>& seeds, std::uint32_t jobs, bool want_trace,
                   const root_explorer& explore,
                   const std::function<bool(explored_root&&)>& commit) {
  const std::string snapshot = assertions::zeroed_table_image();
  std::vector<worker> running;
  std::map<std::size_t, explored_root> finished;
  std::map<std::size_t, std::vector<explore::known_crash>> crashes;
  std::size_t next_start = 0;
  std::size_t next_commit = 0;
  const auto abandon_all = [&] {
    for (worker& w : running) {
      kill(w.pid, SIGKILL);
      while (waitpid(w.pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      close(w.fd);
      release(w);
    }
    running.clear();
  };
  try {
    while (next_commit < seeds.size()) {
      while (running.size() < std::max<std::uint32_t>(jobs, 1) && next_start < seeds.size()) {
        running.push_back(start_worker(next_start, seeds[next_start], want_trace, snapshot,
                                       crashes[next_start], explore));
        ++next_start;
      }
      std::vector<pollfd> ready;
      for (const worker& w : running) {
        ready.push_back(pollfd{w.fd, POLLIN, 0});
      }
      if (poll(ready.data(), ready.size(), -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw std::runtime_error(std::string("--explore: poll failed: ") + std::strerror(errno));
      }
      for (std::size_t i = ready.size(); i-- > 0;) {
        if (ready[i].revents == 0) {
          continue;
        }
        worker& w = running[i];
        char buffer[65536];
        const ssize_t n = read(w.fd, buffer, sizeof buffer);
        if (n > 0) {
          w.bytes.append(buffer, static_cast<std::size_t>(n));
          continue;
        }
        if (n < 0 && errno == EINTR) {
          continue;
        }
        const std::size_t index = w.index;
        settled done = settle(w, seeds[index], crashes[index].size());
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        if (done.crash) {
          crashes[index].push_back(std::move(*done.crash));
          running.push_back(
              start_worker(index, seeds[index], want_trace, snapshot, crashes[index], explore));
        } else {
          finished.emplace(index, std::move(*done.root));
        }
      }
      for (auto it = finished.find(next_commit); it != finished.end();
           it = finished.find(next_commit)) {
        explored_root root = std::move(it->second);
        finished.erase(it);
        ++next_commit;
        if (!commit(std::move(root))) {
          abandon_all();
          return;
        }
      }
    }
  } catch (...) {
    abandon_all();
    throw;
  }
}

}  // namespace moonpool::sim::detail
