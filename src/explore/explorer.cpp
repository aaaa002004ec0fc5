#include "moonpool/explore/explorer.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../common/byte_codec.hpp"
#include "../common/write_all.hpp"
#include "../sim/watchdog.hpp"
#include "edge_coverage.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/explore/detail/hooks.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"
#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::explore {
namespace detail {
bool exploring = false;
}  // namespace detail

namespace {

using moonpool::detail::write_all;

// How a child timeline ended, written as the first byte on its outcome
// pipe before it exits. Exit codes are not used: user code can exit with
// any of them. A child that ends without writing one crashed, and a crash
// is a bug too.
constexpr char outcome_clean = 'c';
constexpr char outcome_clean_and_new = 'n';
constexpr char outcome_failed = 'f';   // recorded its own bug
constexpr char outcome_aborted = 'x';  // followed by the cause

constexpr std::size_t bitmap_words = 128;  // 8192 coverage bits
constexpr std::size_t max_bugs = recipes_kept;
constexpr std::size_t max_steps = 120;
constexpr std::size_t error_bytes = 240;
constexpr std::size_t hash_bytes = 24;

struct shared_bug {
  std::atomic<std::uint32_t> ready;
  std::atomic<std::uint64_t> same;  // further timelines that failed identically
  std::uint64_t root_seed;
  std::uint32_t step_count;
  std::array<recipe_step, max_steps> steps;
  char error[error_bytes];
  char trace_hash[hash_bytes];
  std::int64_t found_after_ns;      // wall time since the exploration began
  std::uint64_t found_at_timeline;  // timelines explored by then
};

// Everything the timelines of one exploration share. Lives in an anonymous
// MAP_SHARED mapping made before the first fork; holds only lock-free
// atomics (address-free).
struct shared_block {
  std::array<std::atomic<std::uint64_t>, bitmap_words> explored;
  std::atomic<std::int64_t> global_energy;
  std::array<std::atomic<std::int64_t>, detail::mark_count> mark_energy;
  std::atomic<std::int64_t> pool_energy;
  std::atomic<std::uint64_t> timelines;
  std::atomic<std::uint64_t> fork_points;
  std::atomic<std::uint64_t> bugs;
  std::atomic<std::uint32_t> deepest;
  std::atomic<std::uint32_t> bugs_claimed;
  std::array<shared_bug, max_bugs> bug_list;
};

// This process's place in the tree. Copied by fork, then adjusted; kept by
// the re-execution driver across the runs of one timeline.
struct timeline_context {
  bool forked = false;  // this process is a forked child timeline
  std::uint32_t depth = 0;
  std::uint64_t root_seed = 0;
  std::uint64_t seed = 0;  // the root seed at the root, the child seed below
  std::vector<recipe_step> steps;
  // The assertion evaluation at which this timeline left its parent (0 at
  // the root): a re-executed child is the same run as its parent up to it.
  std::uint64_t birth = 0;
  std::array<std::uint64_t, bitmap_words> bitmap{};
  bool splitting = false;
  // This timeline, or a timeline forked from it, discovered something. A
  // child's descendants run (and merge their coverage) before the child
  // ends, so its own bitmap alone would hide what its subtree found.
  bool productive = false;
  // The write end of the pipe a forked child reports its outcome on.
  int outcome_fd = -1;
};

// A discovery a re-executed timeline stopped at: where its children start.
struct split_point {
  std::string mark;
  std::uint32_t mark_index = 0;
  std::uint64_t count = 0;       // simulation-stream values since the last reseed
  std::uint64_t evaluation = 0;  // assertion evaluations since the run began
  std::chrono::nanoseconds prefix_wall{0};
};

exploration_config config;
shared_block* shared = nullptr;
timeline_context timeline;
exploration_summary summary;
exploration_summary last_root;  // the last root seed's share of summary
// How the root seed being explored branches (automatic resolves at its
// first split), and the split a re-executed run stopped at.
branching root_branching = branching::reexecute;
std::optional<split_point> requested;
// Set while a timeline's run is replayed to a split it will now make by
// forking (automatic branching switching to fork at the first split).
std::optional<split_point> fork_at_resume;
std::chrono::nanoseconds segment_started{0};
std::vector<known_crash> crashes;  // runs that killed an earlier worker

// Where a worker's parent can read which re-executed run is under way: a
// worker that dies without a word (_exit in user code) is still placed.
struct run_beacon {
  std::atomic<std::uint32_t> active;
  std::uint32_t step_count;
  std::uint64_t quiet_through;
  std::array<recipe_step, max_steps> steps;
};
run_beacon* beacon = nullptr;
std::chrono::nanoseconds exploration_started{0};
std::chrono::nanoseconds fork_cost{-1};
progress_options progress;
std::chrono::nanoseconds last_progress{0};

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("explorer: ") + what + ": " + std::strerror(errno));
  }
}

std::uint64_t fnv1a64(std::string_view text, std::uint64_t h = 0xCBF29CE484222325ULL) {
  for (char c : text) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  }
  return h;
}

// The seed of child `index` of a split: a function of the parent's seed,
// the mark, where in the stream the split happened and the child's index,
// so the same tree grows from the same root seed.
std::uint64_t child_seed(std::string_view mark, std::uint64_t count, std::uint64_t index) {
  constexpr std::uint64_t prime = 0x100000001B3ULL;
  std::uint64_t h = fnv1a64(mark);
  h = (h ^ timeline.seed) * prime;
  h = (h ^ count) * prime;
  h = (h ^ index) * prime;
  return sim::mix64(h);
}

// ORs this timeline's bitmap into the explored map; true when it held a bit
// no timeline had before. fetch_or makes concurrent merges race-free.
bool merge_bitmap() {
  bool fresh = false;
  for (std::size_t i = 0; i < bitmap_words; ++i) {
    if (timeline.bitmap[i] == 0) {
      continue;
    }
    const std::uint64_t before = shared->explored[i].fetch_or(timeline.bitmap[i]);
    fresh = fresh || (timeline.bitmap[i] & ~before) != 0;
  }
  return fresh;
}

void copy_text(char* to, std::size_t capacity, std::string_view text) {
  const std::size_t n = std::min(capacity - 1, text.size());
  std::memcpy(to, text.data(), n);
  to[n] = '\0';
}

double seconds_since(std::chrono::nanoseconds start) {
  return std::chrono::duration<double>(sim::detail::wall_now() - start).count();
}

// On a terminal, one line rewritten at most twice a second.
void show_progress(bool force = false) {
  if (!progress.terminal || shared == nullptr) {
    return;
  }
  const auto now = sim::detail::wall_now();
  if (!force && now - last_progress < std::chrono::milliseconds(500)) {
    return;
  }
  last_progress = now;
  const double elapsed = std::max(1e-9, seconds_since(exploration_started));
  const std::uint64_t timelines = summary.timelines + shared->timelines.load();
  std::fprintf(stderr,
               "\r\033[Kexplore: root %llu, %llu timelines (%.0f/s), depth %u, %llu fork points, "
               "%llu bugs",
               static_cast<unsigned long long>(timeline.root_seed),
               static_cast<unsigned long long>(timelines), static_cast<double>(timelines) / elapsed,
               shared->deepest.load(),
               static_cast<unsigned long long>(summary.fork_points + shared->fork_points.load()),
               static_cast<unsigned long long>(summary.bugs + shared->bugs.load()));
  std::fflush(stderr);
}

// A failure already recorded with this error and trace: the same timeline
// reached again (e.g. siblings forked after the last random draw).
shared_bug* same_failure(std::string_view error, std::string_view trace_hash) {
  const std::uint32_t claimed = std::min<std::uint32_t>(shared->bugs_claimed.load(), max_bugs);
  for (std::uint32_t i = 0; i < claimed; ++i) {
    shared_bug& bug = shared->bug_list[i];
    if (bug.ready.load(std::memory_order_acquire) != 0 && !trace_hash.empty() &&
        trace_hash.substr(0, hash_bytes - 1) == bug.trace_hash &&
        error.substr(0, error_bytes - 1) == bug.error) {
      return &bug;
    }
  }
  return nullptr;
}

void record_bug(const std::vector<recipe_step>& steps, std::string_view error,
                std::string_view trace_hash) {
  if (shared_bug* same = same_failure(error, trace_hash)) {
    same->same.fetch_add(1);
    return;
  }
  const std::uint32_t index = shared->bugs_claimed.fetch_add(1);
  if (index >= max_bugs) {
    return;  // counted in bugs; only the first max_bugs keep their recipe
  }
  shared_bug& bug = shared->bug_list[index];
  bug.root_seed = timeline.root_seed;
  bug.step_count = static_cast<std::uint32_t>(std::min(steps.size(), max_steps));
  std::copy_n(steps.begin(), bug.step_count, bug.steps.begin());
  copy_text(bug.error, error_bytes, error);
  copy_text(bug.trace_hash, hash_bytes, trace_hash);
  bug.found_after_ns = (sim::detail::wall_now() - exploration_started).count();
  bug.found_at_timeline = shared->timelines.load();
  bug.ready.store(1, std::memory_order_release);
  if (progress.stream_bugs) {
    recipe where{timeline.root_seed, steps};
    std::fprintf(
        stderr, "%sexplore: bug after %.2f s and %llu timelines: %.*s\n  replay: %s\n",
        progress.terminal ? "\r\033[K" : "",
        std::chrono::duration<double>(std::chrono::nanoseconds(bug.found_after_ns)).count(),
        static_cast<unsigned long long>(summary.timelines + bug.found_at_timeline),
        static_cast<int>(std::min<std::size_t>(error.size(), 200)), error.data(),
        (progress.program + " --replay " + format_recipe(where)).c_str());
    std::fflush(stderr);
  }
}

// The deepest timeline so far is at least this one.
void note_depth() {
  std::uint32_t deepest = shared->deepest.load();
  while (deepest < timeline.depth &&
         !shared->deepest.compare_exchange_weak(deepest, timeline.depth)) {
  }
}

// Everything the ended child wrote on its outcome pipe.
std::string read_outcome(int fd) {
  std::string bytes;
  char buffer[1024];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return bytes;
}

// What a finished forked child's outcome says; true when it found
// something new. Records the recipe of a child that crashed: one that
// failed cleanly recorded its own, with its error.
bool settle_forked_child(int status, const recipe_step& step, const std::string& outcome) {
  const char how = outcome.empty() ? '\0' : outcome.front();
  if (how == outcome_clean) {
    return false;
  }
  if (how == outcome_clean_and_new) {
    return true;
  }
  // A failure is counted as a bug, not as new coverage: siblings that fail
  // the same way must not keep a mark alive.
  shared->bugs.fetch_add(1);
  if (how == outcome_failed) {
    return false;
  }
  std::vector<recipe_step> steps = timeline.steps;
  steps.push_back(step);
  const std::string ended = WIFSIGNALED(status)
                                ? "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                      strsignal(WTERMSIG(status)) + ")"
                                : "exited with status " + std::to_string(WEXITSTATUS(status));
  const std::string why = how == outcome_aborted ? outcome.substr(1) + " (timeline " + ended + ")"
                                                 : "timeline crashed: " + ended;
  record_bug(steps, why, "");
  return false;
}

// Where the children of one split come from.
class children {
 public:
  virtual ~children() = default;
  // Runs child `index` to its end; true in a forked child, which must
  // return at once and carry on as that child.
  virtual bool spawn(std::uint64_t index) = 0;
  // Whether a child found something new since the last call.
  bool take_fresh() { return std::exchange(fresh_, false); }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] bool spawned_any() const { return spawned_; }

 protected:
  bool fresh_ = false;
  bool failed_ = false;
  bool spawned_ = false;
};

// Children by fork(): each continues from this very point of this process.
class forked_children final : public children {
 public:
  forked_children(std::string_view mark, sim::random_stream& stream)
      : mark_(mark), stream_(stream), count_(stream.call_count()) {}

  bool spawn(std::uint64_t index) override {
    const recipe_step step{count_, child_seed(mark_, count_, index)};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      failed_ = true;
      return false;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    // Counted before the child runs, as a re-executed child is: a bug it
    // records says how many timelines came before it.
    shared->timelines.fetch_add(1);
    const pid_t pid = fork();
    if (pid < 0) {
      shared->timelines.fetch_sub(1);
      close(fds[0]);
      close(fds[1]);
      failed_ = true;
      return false;
    }
    if (pid == 0) {
      close(fds[0]);
      become_child(step, fds[1]);
      return true;
    }
    close(fds[1]);
    spawned_ = true;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        close(fds[0]);
        return false;
      }
    }
    fresh_ = settle_forked_child(status, step, read_outcome(fds[0])) || fresh_;
    show_progress();
    return false;
  }

 private:
  void become_child(const recipe_step& step, int outcome_fd) {
    if (timeline.outcome_fd >= 0) {
      close(timeline.outcome_fd);  // the parent's, not ours
    }
    timeline.outcome_fd = outcome_fd;
    timeline.forked = true;
    timeline.depth += 1;
    timeline.seed = step.seed;
    timeline.steps.push_back(step);
    timeline.bitmap.fill(0);
    timeline.splitting = false;
    timeline.productive = false;
    note_depth();
    detail::edges::zero_counters();
    stream_.reseed(step.seed);
    stream_.reset_call_count();
  }

  std::string_view mark_;
  sim::random_stream& stream_;
  std::uint64_t count_;
};

timeline_end run_timeline(const timeline_runner& run);

// Children by re-execution: each runs again from the root seed, following
// the parent's recipe plus its own step, replaying quietly up to the split.
class reexecuted_children final : public children {
 public:
  reexecuted_children(const split_point& at, const timeline_runner& run)
      : at_(at), run_(run), parent_(timeline) {}

  bool spawn(std::uint64_t index) override {
    timeline = parent_;
    const recipe_step step{at_.count, child_seed(at_.mark, at_.count, index)};
    timeline.depth += 1;
    timeline.seed = step.seed;
    timeline.steps.push_back(step);
    timeline.birth = at_.evaluation;
    timeline.bitmap.fill(0);
    timeline.splitting = false;
    timeline.productive = false;
    note_depth();
    shared->timelines.fetch_add(1);
    spawned_ = true;
    const timeline_end end = run_timeline(run_);
    // As a forked child's finish_child, without the exit.
    const bool fresh_bits = merge_bitmap() || timeline.productive;
    const bool fresh_edges = detail::edges::fold_into_history();
    if (!end.ok) {
      shared->bugs.fetch_add(1);
      record_bug(timeline.steps, end.error, end.trace_hash);
    } else {
      fresh_ = fresh_ || fresh_bits || fresh_edges;
    }
    timeline = parent_;
    show_progress();
    return false;
  }

 private:
  split_point at_;
  const timeline_runner& run_;
  timeline_context parent_;
};

// One unit of global energy, or false when it is spent.
bool take_global_energy() {
  if (shared->global_energy.fetch_sub(1) > 0) {
    return true;
  }
  shared->global_energy.fetch_add(1);
  return false;
}

// Adaptive splitting's energy: global, then the mark's own, then the pool.
bool take_adaptive_energy(std::uint32_t mark_index) {
  if (!take_global_energy()) {
    return false;
  }
  auto& mine = shared->mark_energy[mark_index];
  if (mine.fetch_sub(1) > 0) {
    return true;
  }
  mine.fetch_add(1);
  if (shared->pool_energy.fetch_sub(1) > 0) {
    return true;
  }
  shared->pool_energy.fetch_add(1);
  shared->global_energy.fetch_add(1);
  return false;
}

// Returns true in a forked child.
bool split_fixed(children& c) {
  for (std::uint32_t i = 0; i < *config.timelines_per_split && !c.failed(); ++i) {
    if (!take_global_energy()) {
      break;
    }
    if (c.spawn(i)) {
      return true;
    }
  }
  return false;
}

// Batches of children: the mark goes on until barren_after() children have
// been tried (by then a step as likely as rare_step would have shown, with
// the configured confidence) and then while whole batches keep finding
// something new.
bool split_adaptive(children& c, std::uint32_t mark_index) {
  const adaptive_config& a = config.adaptive;
  shared->mark_energy[mark_index].store(a.per_mark_energy);
  const std::uint32_t barren_after = a.barren_after();
  std::uint32_t spawned = 0;
  while (true) {
    bool out_of_energy = false;
    bool fresh = false;
    for (std::uint32_t b = 0; b < a.batch_size && spawned < a.max_timelines; ++b) {
      if (c.failed() || !take_adaptive_energy(mark_index)) {
        out_of_energy = true;
        break;
      }
      if (c.spawn(spawned++)) {
        return true;
      }
      fresh = c.take_fresh() || fresh;
    }
    if (spawned >= a.max_timelines || out_of_energy) {
      return false;
    }
    if (!fresh && spawned >= barren_after) {
      // Barren: this mark's children find nothing (more). Its unspent
      // energy goes to the pool for marks that do.
      shared->pool_energy.fetch_add(shared->mark_energy[mark_index].exchange(0));
      return false;
    }
  }
}

bool split(children& c, std::uint32_t mark_index) {
  const bool in_child = config.timelines_per_split ? split_fixed(c) : split_adaptive(c, mark_index);
  if (!in_child && c.spawned_any()) {
    shared->fork_points.fetch_add(1);
  }
  return in_child;
}

// Forks this process's children at a discovery, in the middle of its run.
void fork_here(std::string_view mark, std::uint32_t mark_index, sim::detail::world_state& world) {
  timeline.splitting = true;
  // Neither the seed's wall-clock limit nor the handler watchdog counts the
  // time spent waiting for children (each has its own).
  const auto split_started = sim::detail::wall_now();
  sim::detail::watchdog_pause();
  forked_children c(mark, world.streams().simulation);
  const bool in_child = split(c, mark_index);
  world.extend_wall_deadline(sim::detail::wall_now() - split_started);
  sim::detail::watchdog_resume(world);
  if (!in_child) {
    timeline.splitting = false;  // become_child cleared it in a child
  }
}

// A forked timeline costs about this many bare forks: the copy-on-write
// faults of every page it writes and the teardown of its copy come on top
// (measured on a 2-vCPU VM: a bare fork of a small simulation process
// 0.5 to 3 ms, a forked maze child 4 ms, a forked sim-escrow child 10 to
// 35 ms).
constexpr int fork_cost_factor = 20;

// The cost of one fork() and wait of a child that exits at once: the part
// of a forked timeline's cost that does not depend on what it runs.
std::chrono::nanoseconds measure_fork_cost() {
  std::chrono::nanoseconds best = std::chrono::nanoseconds::max();
  for (int i = 0; i < 3; ++i) {
    std::fflush(stdout);
    std::fflush(stderr);
    const auto started = sim::detail::wall_now();
    const pid_t pid = fork();
    if (pid < 0) {
      return std::chrono::nanoseconds::max();
    }
    if (pid == 0) {
      _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    best = std::min(best, sim::detail::wall_now() - started);
  }
  return best;
}

// Called by the assertion table at a re-executed run's resume evaluation.
void at_resume() {
  if (fork_at_resume) {
    // Automatic branching chose fork: make the first split now, by fork,
    // at the very point where the first run stopped.
    const split_point at = *std::exchange(fork_at_resume, std::nullopt);
    if (sim::detail::world_state* world = sim::detail::world_state::current()) {
      fork_here(at.mark, at.mark_index, *world);
    }
    return;
  }
  // A re-executed child starts here: its edges are the ones run from now.
  detail::edges::zero_counters();
}

// Runs the current timeline from its root seed to its end, splitting at
// each discovery: by re-execution, the run stops at the discovery, the
// children run, and the run is made again (quietly up to the discovery) to
// go on; by fork, the run forks in place and goes on.
timeline_end run_timeline(const timeline_runner& run) {
  std::uint64_t quiet_through = timeline.birth;
  for (;;) {
    requested.reset();
    detail::edges::zero_counters();
    // The hook zeroes a re-executed child's edges where it was born, or
    // makes the split a switch to fork deferred to this run.
    const std::uint64_t hook_at = fork_at_resume ? quiet_through : timeline.birth;
    assertions::replay_quietly_through(quiet_through, hook_at, hook_at > 0 ? &at_resume : nullptr);
    segment_started = sim::detail::wall_now();
    timeline_end end;
    const auto crashed = std::find_if(crashes.begin(), crashes.end(), [&](const known_crash& c) {
      return c.quiet_through == quiet_through && c.steps == timeline.steps;
    });
    if (crashed != crashes.end()) {
      // This run killed the process when an earlier worker made it: it
      // ends the timeline as that crash, as a forked child's death would.
      end = timeline_end{false, crashed->error, ""};
    } else {
      const bool placed = beacon != nullptr && timeline.depth > 0 && !timeline.forked;
      if (placed) {
        beacon->quiet_through = quiet_through;
        beacon->step_count = static_cast<std::uint32_t>(std::min(timeline.steps.size(), max_steps));
        std::copy_n(timeline.steps.begin(), beacon->step_count, beacon->steps.begin());
        beacon->active.store(1, std::memory_order_release);
      }
      try {
        end = run(recipe{timeline.root_seed, timeline.steps}, timeline.depth == 0);
      } catch (const std::exception& e) {
        end = timeline_end{false, std::string("the timeline's run threw: ") + e.what(), ""};
      }
      if (placed) {
        beacon->active.store(0, std::memory_order_release);
      }
    }
    assertions::replay_quietly_through(0);
    if (timeline.forked) {
      finish_child(end.ok, end.error, end.trace_hash);
    }
    if (!requested) {
      return end;
    }
    const split_point at = *std::exchange(requested, std::nullopt);
    timeline.splitting = false;
    if (root_branching == branching::automatic) {
      // The first split of this root seed: a re-executed child costs about
      // the prefix run again; a forked one a fork, the copy-on-write
      // faults of every page it writes and its exit, which a bare fork
      // underestimates several times over (fork_cost_factor).
      if (fork_cost.count() < 0) {
        fork_cost = measure_fork_cost();
      }
      root_branching =
          at.prefix_wall > fork_cost * fork_cost_factor ? branching::fork : branching::reexecute;
      if (root_branching == branching::fork) {
        fork_at_resume = at;
        quiet_through = at.evaluation;
        continue;
      }
    }
    reexecuted_children c(at, run);
    split(c, at.mark_index);
    quiet_through = at.evaluation;
  }
}

}  // namespace

void detail::discovery(std::string_view mark, std::uint32_t mark_index,
                       std::uint32_t coverage_bit) {
  if (shared == nullptr) {
    return;
  }
  timeline.bitmap[(coverage_bit / 64) % bitmap_words] |= std::uint64_t{1} << (coverage_bit % 64);
  timeline.productive = true;
  sim::detail::world_state* world = sim::detail::world_state::current();
  // Splitting needs a running world; a discovery made while this timeline
  // is already splitting (or stopping to split) or too deep is only noted.
  if (world == nullptr || timeline.splitting || timeline.depth >= config.max_depth) {
    return;
  }
  mark_index %= mark_count;
  if (root_branching == branching::fork) {
    fork_here(mark, mark_index, *world);
    return;
  }
  // Re-execution (or automatic, still deciding): stop this run here; the
  // driver runs the children, then this run again to carry on.
  timeline.splitting = true;
  requested =
      split_point{std::string(mark), mark_index, world->streams().simulation.call_count(),
                  assertions::evaluation_index(), sim::detail::wall_now() - segment_started};
  assertions::stop_recording();
  world->abandon();
}

void detail::mark_coverage(std::uint32_t coverage_bit) noexcept {
  timeline.bitmap[(coverage_bit / 64) % bitmap_words] |= std::uint64_t{1} << (coverage_bit % 64);
}

void start(const exploration_config& c) {
  c.validate();
  if (shared != nullptr) {
    throw std::logic_error("explore::start: an exploration is already running");
  }
  config = c;
  if (config.jobs == 0) {
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    config.jobs = cores > 0 ? static_cast<std::uint32_t>(cores) : 1;  // as the report shows
  }
  void* memory = mmap(nullptr, sizeof(shared_block), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  check(memory != MAP_FAILED, "cannot map shared memory");
  shared = new (memory) shared_block{};
  timeline = timeline_context{};
  summary = exploration_summary{};
  summary.config = config;
  summary.branching = std::string(to_string(config.branch));
  if (config.branch == branching::automatic && fork_cost.count() < 0) {
    fork_cost = measure_fork_cost();  // once, before the workers inherit it
  }
  exploration_started = sim::detail::wall_now();
  last_progress = exploration_started;
  detail::exploring = true;
}

void become_worker() {
  if (shared == nullptr) {
    throw std::logic_error("explore::become_worker needs a running exploration (explore::start)");
  }
  // The parent's block stays the parent's: other workers may be using it.
  void* memory = mmap(nullptr, sizeof(shared_block), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  check(memory != MAP_FAILED, "cannot map shared memory");
  shared = new (memory) shared_block{};
  summary = exploration_summary{};
  summary.config = config;
  last_root = {};
}

void set_progress(progress_options options) {
  progress = std::move(options);
}

bool running() noexcept {
  return shared != nullptr;
}

bool in_child() noexcept {
  if (timeline.depth == 0) {
    return false;
  }
  // A re-executed child is its parent up to its birth.
  return timeline.forked || assertions::evaluation_index() >= timeline.birth;
}

namespace {

void begin_root(std::uint64_t seed) {
  timeline = timeline_context{};
  timeline.root_seed = seed;
  timeline.seed = seed;
  requested.reset();
  fork_at_resume.reset();
  root_branching = config.branch;
  // Each root seed is explored on its own: afresh discoveries, energy,
  // explored map and edge history, so that its tree depends on nothing but
  // the root seed and the configuration (and root seeds can be explored
  // side by side in any order).
  assertions::rearm_discoveries();
  shared->global_energy.store(static_cast<std::int64_t>(config.global_energy));
  for (auto& e : shared->mark_energy) {
    e.store(0);
  }
  for (auto& word : shared->explored) {
    word.store(0);
  }
  shared->pool_energy.store(0);
  shared->timelines.store(0);
  shared->fork_points.store(0);
  shared->bugs.store(0);
  shared->deepest.store(0);
  shared->bugs_claimed.store(0);
  for (shared_bug& bug : shared->bug_list) {
    bug.ready.store(0);
  }
  detail::edges::reset_history();
  detail::edges::zero_counters();
}

// This root seed's part of the summary.
exploration_summary end_root() {
  merge_bitmap();
  detail::edges::fold_into_history();
  exploration_summary root;
  root.roots = 1;
  root.timelines = shared->timelines.load();
  root.fork_points = shared->fork_points.load();
  root.bugs = shared->bugs.load();
  root.energy_left =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, shared->global_energy.load()));
  root.max_depth_reached = shared->deepest.load();
  root.branching = std::string(to_string(root_branching));
  const std::uint32_t claimed = std::min<std::uint32_t>(shared->bugs_claimed.load(), max_bugs);
  for (std::uint32_t i = 0; i < claimed; ++i) {
    const shared_bug& bug = shared->bug_list[i];
    if (bug.ready.load(std::memory_order_acquire) == 0) {
      continue;
    }
    found_bug found;
    found.where.root_seed = bug.root_seed;
    found.where.steps.assign(bug.steps.begin(), bug.steps.begin() + bug.step_count);
    found.error = bug.error;
    found.trace_hash = bug.trace_hash;
    found.same_failures = bug.same.load();
    found.found_after_seconds =
        std::chrono::duration<double>(std::chrono::nanoseconds(bug.found_after_ns)).count();
    found.found_at_timeline = bug.found_at_timeline;
    root.recipes.push_back(std::move(found));
  }
  return root;
}

}  // namespace

timeline_end explore_root(std::uint64_t seed, const timeline_runner& run) {
  if (shared == nullptr) {
    throw std::logic_error("explore::explore_root needs a running exploration (explore::start)");
  }
  begin_root(seed);
  const timeline_end end = run_timeline(run);
  add_root_summary(end_root());
  timeline = timeline_context{};
  return end;
}

exploration_summary take_root_summary() {
  return std::exchange(last_root, exploration_summary{});
}

void add_root_summary(const exploration_summary& root) {
  // The last root's share, kept apart too for take_root_summary.
  last_root = root;
  summary.roots += root.roots;
  summary.timelines += root.timelines;
  summary.fork_points += root.fork_points;
  summary.bugs += root.bugs;
  summary.energy_left = root.energy_left;
  summary.max_depth_reached = std::max(summary.max_depth_reached, root.max_depth_reached);
  if (summary.branching != root.branching) {
    summary.branching = summary.roots == root.roots ? root.branching : "mixed";
  }
  const std::uint64_t timelines_before = summary.timelines - root.timelines;
  for (found_bug bug : root.recipes) {
    bug.found_at_timeline += timelines_before;
    if (!summary.first_bug_seconds) {
      summary.first_bug_seconds = bug.found_after_seconds;
      summary.first_bug_timeline = bug.found_at_timeline;
    }
    if (summary.recipes.size() < max_bugs) {
      summary.recipes.push_back(std::move(bug));
    }
  }
}

void finish_child(bool ok, std::string_view error, std::string_view trace_hash) {
  const bool fresh_bits = merge_bitmap() || timeline.productive;
  const bool fresh_edges = detail::edges::fold_into_history();
  if (!ok) {
    record_bug(timeline.steps, error, trace_hash);
  }
  const char outcome = !ok                           ? outcome_failed
                       : (fresh_bits || fresh_edges) ? outcome_clean_and_new
                                                     : outcome_clean;
  write_all(timeline.outcome_fd, std::string_view(&outcome, 1));
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(0);
}

bool forked_child() noexcept {
  return timeline.forked;
}

std::optional<recipe> reexecuted_timeline() {
  if (shared == nullptr || timeline.forked || timeline.depth == 0) {
    return std::nullopt;
  }
  return recipe{timeline.root_seed, timeline.steps};
}

void set_known_crashes(std::vector<known_crash> known) {
  crashes = std::move(known);
}

std::size_t run_beacon_size() noexcept {
  return sizeof(run_beacon);
}

void set_run_beacon(void* memory) noexcept {
  beacon = memory != nullptr ? new (memory) run_beacon{} : nullptr;
}

std::optional<known_crash> read_run_beacon(const void* memory) {
  const auto* b = static_cast<const run_beacon*>(memory);
  if (b->active.load(std::memory_order_acquire) == 0) {
    return std::nullopt;
  }
  known_crash crash;
  crash.quiet_through = b->quiet_through;
  crash.steps.assign(b->steps.begin(),
                     b->steps.begin() + std::min<std::size_t>(b->step_count, max_steps));
  return crash;
}

void child_aborted(std::string_view cause) noexcept {
  if (!timeline.forked || timeline.outcome_fd < 0) {
    return;
  }
  // One write of at most a page: a pipe takes it whole.
  char message[1024];
  message[0] = outcome_aborted;
  const std::size_t n = std::min(cause.size(), sizeof message - 1);
  std::memcpy(message + 1, cause.data(), n);
  write_all(timeline.outcome_fd, std::string_view(message, n + 1));
}

exploration_summary stop() {
  if (shared == nullptr) {
    return {};
  }
  show_progress(true);
  if (progress.terminal) {
    std::fputs("\n", stderr);
  }
  detail::exploring = false;
  shared->~shared_block();
  munmap(shared, sizeof(shared_block));
  shared = nullptr;
  summary.seconds = seconds_since(exploration_started);
  last_root = {};
  // Known only now: gcc's trace-pc coverage shows itself when it first runs.
  summary.coverage_signal = std::string(coverage_signal());
  return std::move(summary);
}

namespace {

using moonpool::detail::byte_reader;
using moonpool::detail::put_text;
using moonpool::detail::put_u64;

}  // namespace

std::string encode_summary(const exploration_summary& root) {
  std::string out;
  put_u64(out, root.roots);
  put_u64(out, root.timelines);
  put_u64(out, root.fork_points);
  put_u64(out, root.bugs);
  put_u64(out, root.energy_left);
  put_u64(out, root.max_depth_reached);
  put_text(out, root.branching);
  put_u64(out, root.recipes.size());
  for (const found_bug& bug : root.recipes) {
    put_u64(out, bug.where.root_seed);
    put_u64(out, bug.where.steps.size());
    for (const recipe_step& step : bug.where.steps) {
      put_u64(out, step.count);
      put_u64(out, step.seed);
    }
    put_text(out, bug.error);
    put_text(out, bug.trace_hash);
    put_u64(out, bug.same_failures);
    put_u64(out, static_cast<std::uint64_t>(bug.found_after_seconds * 1e9));
    put_u64(out, bug.found_at_timeline);
  }
  return out;
}

exploration_summary decode_summary(std::string_view bytes) {
  byte_reader in(bytes);
  const auto text = [&in] { return std::string(in.text()); };
  exploration_summary root;
  root.roots = in.u64();
  root.timelines = in.u64();
  root.fork_points = in.u64();
  root.bugs = in.u64();
  root.energy_left = in.u64();
  root.max_depth_reached = static_cast<std::uint32_t>(in.u64());
  root.branching = text();
  const std::uint64_t count = std::min<std::uint64_t>(in.u64(), max_bugs);
  for (std::uint64_t i = 0; i < count; ++i) {
    found_bug bug;
    bug.where.root_seed = in.u64();
    const std::uint64_t steps = std::min<std::uint64_t>(in.u64(), max_steps);
    for (std::uint64_t j = 0; j < steps; ++j) {
      const std::uint64_t step_count = in.u64();
      bug.where.steps.push_back(recipe_step{step_count, in.u64()});
    }
    bug.error = text();
    bug.trace_hash = text();
    bug.same_failures = in.u64();
    bug.found_after_seconds = static_cast<double>(in.u64()) / 1e9;
    bug.found_at_timeline = in.u64();
    root.recipes.push_back(std::move(bug));
  }
  return root;
}

std::string_view coverage_signal() noexcept {
  return detail::edges::instrumented() ? "edges" : "assertions";
}

std::size_t edges_covered() noexcept {
  return detail::edges::covered();
}

void fold_edges() noexcept {
  detail::edges::fold_into_history();
  detail::edges::zero_counters();
}

}  // namespace moonpool::explore
