#include "moonpool/explore/explorer.hpp"

#include <fcntl.h>
#include <semaphore.h>
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
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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
constexpr std::size_t max_bugs = 32;
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
};

// Everything the timelines of one exploration share. Lives in an anonymous
// MAP_SHARED mapping made before the first fork; holds only lock-free
// atomics (address-free) and a process-shared semaphore.
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
  // Spare CPUs: a parent forks a child to run beside it only when it can
  // take one; otherwise it lends the child its own CPU and waits.
  sem_t spare_cpus;
};

// This process's place in the tree. Copied by fork, then adjusted.
struct timeline_context {
  bool child = false;
  std::uint32_t depth = 0;
  std::uint64_t root_seed = 0;
  std::uint64_t seed = 0;  // the root seed at the root, the child seed below
  std::vector<recipe_step> steps;
  std::array<std::uint64_t, bitmap_words> bitmap{};
  bool warm = false;  // a later root seed of the same exploration
  bool splitting = false;
  // This timeline, or a timeline forked from it, discovered something. A
  // child's descendants run (and merge their coverage) before the child
  // ends, so its own bitmap alone would hide what its subtree found.
  bool productive = false;
  // The write end of the pipe this child reports its outcome on.
  int outcome_fd = -1;
};

exploration_config config;
shared_block* shared = nullptr;
timeline_context timeline;
exploration_summary summary;

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("explorer: ") + what + ": " + std::strerror(errno));
  }
}

std::uint32_t cpu_count() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<std::uint32_t>(n) : 1;
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
  bug.ready.store(1, std::memory_order_release);
}

// Everything the ended child wrote on its outcome pipe (non-blocking: a
// descendant that still holds the write end cannot stall the parent).
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

// What a finished child's outcome says; true when it found something new.
// Records the recipe of a child that crashed: one that failed cleanly
// recorded its own, with its error.
bool settle_child(int status, const recipe_step& step, int outcome_fd) {
  const std::string outcome = read_outcome(outcome_fd);
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

bool reap(pid_t pid, const recipe_step& step, int outcome_fd) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      close(outcome_fd);
      return false;
    }
  }
  return settle_child(status, step, outcome_fd);
}

struct running_child {
  pid_t pid;
  recipe_step step;
  int outcome_fd;
};

// One discovery's children.
class split {
 public:
  split(std::string_view mark, sim::random_stream& stream)
      : mark_(mark), stream_(stream), count_(stream.call_count()) {}

  // Forks child `index`; true in the child (which must return at once).
  bool spawn(std::uint64_t index) {
    const recipe_step step{count_, child_seed(mark_, count_, index)};
    const bool beside = config.jobs != 1 && take_spare_cpu();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      if (beside) {
        sem_post(&shared->spare_cpus);
      }
      failed_ = true;
      return false;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      if (beside) {
        sem_post(&shared->spare_cpus);
      }
      failed_ = true;
      return false;
    }
    if (pid == 0) {
      close(fds[0]);
      become_child(step, fds[1]);
      return true;
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    shared->timelines.fetch_add(1);
    forked_ = true;
    if (beside) {
      running_.push_back({pid, step, fds[0]});
    } else {
      fresh_ = reap(pid, step, fds[0]) || fresh_;
    }
    return false;
  }

  // Waits for the children running beside this process.
  void drain() {
    if (running_.empty()) {
      return;
    }
    // Lend our CPU while we wait, and take one back before going on.
    sem_post(&shared->spare_cpus);
    for (const running_child& c : running_) {
      fresh_ = reap(c.pid, c.step, c.outcome_fd) || fresh_;
      sem_post(&shared->spare_cpus);
    }
    running_.clear();
    while (sem_wait(&shared->spare_cpus) != 0 && errno == EINTR) {
    }
  }

  // Fresh coverage since the last call.
  bool take_fresh() { return std::exchange(fresh_, false); }
  [[nodiscard]] bool fork_failed() const { return failed_; }
  [[nodiscard]] bool forked() const { return forked_; }

 private:
  bool take_spare_cpu() {
    if (sem_trywait(&shared->spare_cpus) == 0) {
      return true;
    }
    // A finished child frees its CPU; collect finished ones and retry.
    for (auto it = running_.begin(); it != running_.end();) {
      int status = 0;
      if (waitpid(it->pid, &status, WNOHANG) == it->pid) {
        fresh_ = settle_child(status, it->step, it->outcome_fd) || fresh_;
        sem_post(&shared->spare_cpus);
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
    return sem_trywait(&shared->spare_cpus) == 0;
  }

  void become_child(const recipe_step& step, int outcome_fd) {
    // The parent's children and its own outcome pipe, not ours.
    for (const running_child& c : running_) {
      close(c.outcome_fd);
    }
    running_.clear();
    if (timeline.outcome_fd >= 0) {
      close(timeline.outcome_fd);
    }
    timeline.outcome_fd = outcome_fd;
    timeline.child = true;
    timeline.depth += 1;
    timeline.seed = step.seed;
    timeline.steps.push_back(step);
    timeline.bitmap.fill(0);
    timeline.splitting = false;
    timeline.productive = false;
    std::uint32_t deepest = shared->deepest.load();
    while (deepest < timeline.depth &&
           !shared->deepest.compare_exchange_weak(deepest, timeline.depth)) {
    }
    detail::edges::zero_counters();
    stream_.reseed(step.seed);
    stream_.reset_call_count();
  }

  std::string_view mark_;
  sim::random_stream& stream_;
  std::uint64_t count_;
  std::vector<running_child> running_;
  bool fresh_ = false;
  bool forked_ = false;
  bool failed_ = false;
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

// Returns true in a child.
bool split_fixed(split& s) {
  for (std::uint32_t i = 0; i < *config.timelines_per_split && !s.fork_failed(); ++i) {
    if (!take_global_energy()) {
      break;
    }
    if (s.spawn(i)) {
      return true;
    }
  }
  s.drain();
  return false;
}

bool split_adaptive(split& s, std::uint32_t mark_index) {
  const adaptive_config& a = config.adaptive;
  shared->mark_energy[mark_index].store(a.per_mark_energy);
  const std::uint32_t min_children = timeline.warm ? a.warm_min_timelines : a.min_timelines;
  std::uint32_t spawned = 0;
  while (true) {
    bool out_of_energy = false;
    for (std::uint32_t b = 0; b < a.batch_size && spawned < a.max_timelines; ++b) {
      if (s.fork_failed() || !take_adaptive_energy(mark_index)) {
        out_of_energy = true;
        break;
      }
      if (s.spawn(spawned++)) {
        return true;
      }
    }
    s.drain();
    const bool fresh = s.take_fresh();
    if (spawned >= a.max_timelines || out_of_energy) {
      return false;
    }
    if (!fresh && spawned >= min_children) {
      // Barren: this mark's children find nothing new. Its unspent energy
      // goes to the pool for marks that do.
      shared->pool_energy.fetch_add(shared->mark_energy[mark_index].exchange(0));
      return false;
    }
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
  // Forking needs a running world to reseed; a discovery made while this
  // process is already splitting (it cannot be) or too deep is only noted.
  if (world == nullptr || timeline.splitting || timeline.depth >= config.max_depth) {
    return;
  }
  timeline.splitting = true;
  // Neither the seed's wall-clock limit nor the handler watchdog counts the
  // time spent waiting for children (each has its own).
  const auto split_started = sim::detail::wall_now();
  sim::detail::watchdog_pause();
  split s(mark, world->streams().simulation);
  const bool in_child =
      config.timelines_per_split ? split_fixed(s) : split_adaptive(s, mark_index % mark_count);
  world->extend_wall_deadline(sim::detail::wall_now() - split_started);
  sim::detail::watchdog_resume(*world);
  if (in_child) {
    return;  // become_child cleared `splitting`
  }
  if (s.forked()) {
    shared->fork_points.fetch_add(1);
  }
  timeline.splitting = false;
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
    config.jobs = cpu_count();
  }
  void* memory = mmap(nullptr, sizeof(shared_block), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  check(memory != MAP_FAILED, "cannot map shared memory");
  shared = new (memory) shared_block{};
  check(sem_init(&shared->spare_cpus, 1, config.jobs - 1) == 0, "cannot make a shared semaphore");
  timeline = timeline_context{};
  summary = exploration_summary{};
  detail::edges::reset_history();
  detail::exploring = true;
}

bool running() noexcept {
  return shared != nullptr;
}

bool in_child() noexcept {
  return timeline.child;
}

void begin_root(std::uint64_t seed) {
  const bool warm = timeline.warm;
  timeline = timeline_context{};
  timeline.root_seed = seed;
  timeline.seed = seed;
  timeline.warm = warm;
  // Each root seed discovers afresh and has its own energy; the explored
  // map (and edge history) is kept, so later seeds only count what is new.
  assertions::rearm_discoveries();
  shared->global_energy.store(static_cast<std::int64_t>(config.global_energy));
  for (auto& e : shared->mark_energy) {
    e.store(0);
  }
  shared->pool_energy.store(0);
  shared->timelines.store(0);
  shared->fork_points.store(0);
  shared->bugs.store(0);
  shared->bugs_claimed.store(0);
  for (shared_bug& bug : shared->bug_list) {
    bug.ready.store(0);
  }
  detail::edges::zero_counters();
}

void end_root() {
  merge_bitmap();
  detail::edges::fold_into_history();
  summary.timelines += shared->timelines.load();
  summary.fork_points += shared->fork_points.load();
  summary.bugs += shared->bugs.load();
  summary.energy_left =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, shared->global_energy.load()));
  summary.max_depth_reached = std::max(summary.max_depth_reached, shared->deepest.load());
  const std::uint32_t claimed = std::min<std::uint32_t>(shared->bugs_claimed.load(), max_bugs);
  for (std::uint32_t i = 0; i < claimed && summary.recipes.size() < max_bugs; ++i) {
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
    summary.recipes.push_back(std::move(found));
  }
  timeline.warm = true;
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

void child_aborted(std::string_view cause) noexcept {
  if (!timeline.child || timeline.outcome_fd < 0) {
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
  detail::exploring = false;
  sem_destroy(&shared->spare_cpus);
  shared->~shared_block();
  munmap(shared, sizeof(shared_block));
  shared = nullptr;
  // Known only now: gcc's trace-pc coverage shows itself when it first runs.
  summary.coverage_signal = std::string(coverage_signal());
  return std::move(summary);
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
