#include "moonpool/assert.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#include "moonpool/explore/detail/hooks.hpp"
#include "moonpool/sim/runner/report.hpp"

namespace moonpool::assertions {
namespace {

// The run's table lives in an anonymous shared mapping: a process forked
// from this one (an explored timeline) updates the same counters. Only
// lock-free atomics live there, which are address-free on the platforms we
// build for, so they work across processes.
constexpr std::size_t slot_count = 256;
constexpr std::size_t bucket_count = 1024;
constexpr std::size_t message_bytes = 96;

enum : std::uint32_t { empty = 0, claiming = 1, ready = 2 };

struct slot {
  std::atomic<std::uint32_t> state;
  std::uint32_t hash;
  std::uint8_t what;
  std::uint8_t maximize;  // numeric kinds: whether a larger value is better
  // What the current root seed has discovered here, cleared by
  // rearm_discoveries(): each root seed explores on its own, so that what
  // another root found (perhaps in a process running beside this one)
  // never decides where this one forks.
  std::atomic<std::uint32_t> discovered;     // first pass
  std::atomic<std::int64_t> root_watermark;  // numeric kinds: best value this root
  std::atomic<std::uint64_t> root_frontier;  // SOMETIMES_ALL: most conditions this root
  std::atomic<std::int64_t> watermark;       // numeric kinds: best value seen
  std::atomic<std::uint64_t> pass;
  std::atomic<std::uint64_t> fail;
  std::atomic<std::uint64_t> frontier;
  std::atomic<std::uint64_t> conditions;
  std::atomic<std::uint64_t> buckets;
  char message[message_bytes];
};

struct bucket {
  std::atomic<std::uint32_t> state;
  std::uint32_t slot_index;
  std::uint64_t key_hash;
  std::atomic<std::uint64_t> hits;
  std::atomic<std::int64_t> best_quality;
  std::atomic<std::uint32_t> discovered;   // as slot::discovered
  std::atomic<std::int64_t> root_quality;  // best quality this root
};

struct table_block {
  std::atomic<std::uint64_t> dropped;  // records beyond the table's capacity
  slot slots[slot_count];
  bucket buckets[bucket_count];
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(slot_count + bucket_count == explore::detail::mark_count);

table_block* map_table() {
  void* memory =
      mmap(nullptr, sizeof(table_block), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    std::fputs("moonpool: cannot map the shared assertion table\n", stderr);
    std::abort();
  }
  return new (memory) table_block{};
}

table_block*& table_pointer() {
  static table_block* table = map_table();
  return table;
}

table_block* shared_table() {
  return table_pointer();
}

// Every count, watermark and discovery of a slot or bucket back to where a
// new table starts; its identity (message, kind, key) stays.
void clear_counts(slot& s) {
  s.discovered.store(0);
  s.watermark.store(s.maximize != 0 ? INT64_MIN : INT64_MAX);
  s.root_watermark.store(s.maximize != 0 ? INT64_MIN : INT64_MAX);
  s.root_frontier.store(0);
  s.pass.store(0);
  s.fail.store(0);
  s.frontier.store(0);
  s.conditions.store(0);
  s.buckets.store(0);
}

void clear_counts(bucket& b) {
  b.hits.store(0);
  b.best_quality.store(INT64_MIN);
  b.discovered.store(0);
  b.root_quality.store(INT64_MIN);
}

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t h = 0x811C9DC5u;
  for (char c : text) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x01000193u;
  }
  return h;
}

// Claims `state` for this process, or waits until whoever claims it is
// done. Returns true when this caller claimed it.
bool claim_or_wait(std::atomic<std::uint32_t>& state) {
  std::uint32_t expected = empty;
  if (state.compare_exchange_strong(expected, claiming, std::memory_order_acq_rel)) {
    return true;
  }
  while (state.load(std::memory_order_acquire) != ready) {
  }
  return false;
}

// The slot for `message`, created on first use; null when the table is full.
slot* find_slot(kind what, std::string_view message, bool maximize = true) {
  table_block& table = *shared_table();
  const std::string_view key = message.substr(0, message_bytes - 1);
  const std::uint32_t hash = fnv1a(key);
  for (std::size_t probe = 0; probe < slot_count; ++probe) {
    slot& s = table.slots[(hash + probe) % slot_count];
    if (s.state.load(std::memory_order_acquire) != ready && claim_or_wait(s.state)) {
      s.hash = hash;
      s.what = static_cast<std::uint8_t>(what);
      s.maximize = maximize ? 1 : 0;
      s.watermark.store(maximize ? INT64_MIN : INT64_MAX, std::memory_order_relaxed);
      s.root_watermark.store(maximize ? INT64_MIN : INT64_MAX, std::memory_order_relaxed);
      std::memcpy(s.message, key.data(), key.size());
      s.message[key.size()] = '\0';
      s.state.store(ready, std::memory_order_release);
      return &s;
    }
    if (s.hash == hash && key == std::string_view(s.message)) {
      return &s;
    }
  }
  table.dropped.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

// The bucket of (slot, key combination); second is true on its first hit.
std::pair<bucket*, bool> find_bucket(std::uint32_t slot_index, std::uint64_t key_hash) {
  table_block& table = *shared_table();
  for (std::size_t probe = 0; probe < bucket_count; ++probe) {
    bucket& b = table.buckets[(key_hash + slot_index + probe) % bucket_count];
    if (b.state.load(std::memory_order_acquire) != ready && claim_or_wait(b.state)) {
      b.slot_index = slot_index;
      b.key_hash = key_hash;
      b.best_quality.store(INT64_MIN, std::memory_order_relaxed);
      b.root_quality.store(INT64_MIN, std::memory_order_relaxed);
      b.state.store(ready, std::memory_order_release);
      return {&b, true};
    }
    if (b.slot_index == slot_index && b.key_hash == key_hash) {
      return {&b, false};
    }
  }
  table.dropped.fetch_add(1, std::memory_order_relaxed);
  return {nullptr, false};
}

// Moves target to value when value is better; true when this call moved
// it (an improvement).
template <class T, class Better = std::less<T>>
bool improve(std::atomic<T>& target, T value, Better better = {}) {
  T seen = target.load(std::memory_order_relaxed);
  while (better(seen, value)) {
    if (target.compare_exchange_weak(seen, value)) {
      return true;
    }
  }
  return false;
}

// The first of all processes to set `flag` since the last re-arm.
bool first_time(std::atomic<std::uint32_t>& flag) {
  if (flag.load(std::memory_order_relaxed) != 0) {
    return false;
  }
  std::uint32_t expected = 0;
  return flag.compare_exchange_strong(expected, 1, std::memory_order_acq_rel);
}

std::uint32_t index_of(const slot* s) {
  return static_cast<std::uint32_t>(s - shared_table()->slots);
}

// Tells the explorer (when there is one) about a discovery at slot `s`.
void discovered_at(const slot* s) {
  if (explore::detail::exploring) {
    explore::detail::discovery(s->message, index_of(s), s->hash);
  }
}

// Every registered site, kept in this process so that reset_table() can put
// them back into a fresh table. Filled before main() by the macros.
struct registered_site {
  kind what;
  std::string_view message;  // a string literal: lives forever
  bool maximize;
};

std::vector<registered_site>& registry() {
  static std::vector<registered_site> sites;
  return sites;
}

// Violations belong to the current seed in this process alone.
thread_local std::uint64_t violations = 0;
thread_local std::string first_violation_message;

// Replaying a prefix: the explorer re-runs a timeline from its root seed to
// reach a split point; the evaluations up to that point were counted when
// the prefix first ran, so they record nothing (but violations still fail
// the seed). evaluations counts this seed's assertion evaluations.
thread_local std::uint64_t evaluations = 0;
thread_local std::uint64_t quiet_through = 0;
thread_local std::uint64_t hook_at = 0;
thread_local void (*hook)() = nullptr;

// True when this evaluation must not record: it lies in a replayed prefix.
bool replaying() {
  const std::uint64_t index = ++evaluations;
  if (index == hook_at && hook != nullptr) {
    hook();
  }
  return index <= quiet_through;
}

bool is_always_type(kind k) {
  return k == kind::always || k == kind::always_or_unreachable || k == kind::unreachable ||
         k == kind::numeric_always;
}

bool is_sometimes_type(kind k) {
  return k == kind::sometimes || k == kind::reachable || k == kind::numeric_sometimes ||
         k == kind::sometimes_all || k == kind::sometimes_each;
}

bool passed(const slot& s) {
  const auto k = static_cast<kind>(s.what);
  if (k == kind::sometimes_all) {
    return s.conditions.load() > 0 && s.frontier.load() == s.conditions.load();
  }
  if (k == kind::sometimes_each) {
    return s.buckets.load() > 0;
  }
  return s.pass.load() > 0;
}

template <class Visit>
void for_each_slot(Visit&& visit) {
  for (const slot& s : shared_table()->slots) {
    if (s.state.load(std::memory_order_acquire) == ready) {
      visit(s);
    }
  }
}

}  // namespace

namespace detail {

thread_local bool active = false;

int register_site(kind k, std::string_view message, bool maximize) noexcept {
  try {
    registry().push_back({k, message, maximize});
  } catch (...) {
    // Out of memory before main(): the site just shows up once it runs.
  }
  find_slot(k, message, maximize);
  return 0;
}

void note_violation(kind k, std::string_view message, bool ok) {
  if (!ok && is_always_type(k) && violations++ == 0) {
    first_violation_message = std::string(message);
  }
}

void record(kind k, std::string_view message, bool ok) {
  note_violation(k, message, ok);
  if (replaying()) {
    return;
  }
  if (slot* s = find_slot(k, message)) {
    (ok ? s->pass : s->fail).fetch_add(1, std::memory_order_relaxed);
    if (ok && (k == kind::sometimes || k == kind::reachable) && first_time(s->discovered)) {
      discovered_at(s);
    }
  }
}

void record_numeric(kind k, std::string_view message, bool ok, std::int64_t value, bool maximize) {
  note_violation(k, message, ok);
  if (replaying()) {
    return;
  }
  if (slot* s = find_slot(k, message, maximize)) {
    (ok ? s->pass : s->fail).fetch_add(1, std::memory_order_relaxed);
    const auto better = [&](std::atomic<std::int64_t>& mark) {
      return s->maximize != 0 ? improve(mark, value)
                              : improve(mark, value, std::greater<std::int64_t>{});
    };
    better(s->watermark);
    if (better(s->root_watermark) && k == kind::numeric_sometimes) {
      discovered_at(s);
    }
  }
}

void record_all(std::string_view message,
                std::initializer_list<std::pair<std::string_view, bool>> conditions) {
  if (replaying()) {
    return;
  }
  slot* s = find_slot(kind::sometimes_all, message);
  if (s == nullptr) {
    return;
  }
  const auto held = static_cast<std::uint64_t>(
      std::count_if(conditions.begin(), conditions.end(), [](const auto& c) { return c.second; }));
  s->pass.fetch_add(1, std::memory_order_relaxed);
  improve<std::uint64_t>(s->conditions, conditions.size());
  improve(s->frontier, held);
  if (improve(s->root_frontier, held)) {
    discovered_at(s);
  }
}

namespace {

void record_each_impl(std::string_view message,
                      std::initializer_list<std::pair<std::string_view, std::int64_t>> keys,
                      const std::int64_t* quality) {
  if (replaying()) {
    return;
  }
  slot* s = find_slot(kind::sometimes_each, message);
  if (s == nullptr) {
    return;
  }
  std::uint64_t key_hash = 0xCBF29CE484222325ULL;
  for (const auto& [name, value] : keys) {
    for (char c : name) {
      key_hash = (key_hash ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    }
    for (int byte = 0; byte < 8; ++byte) {
      key_hash = (key_hash ^ ((static_cast<std::uint64_t>(value) >> (8 * byte)) & 0xFF)) *
                 0x100000001B3ULL;
    }
  }
  s->pass.fetch_add(1, std::memory_order_relaxed);
  const std::uint32_t slot_index = index_of(s);
  const auto coverage_bit = static_cast<std::uint32_t>(key_hash ^ (key_hash >> 32)) ^ s->hash;
  if (explore::detail::exploring) {
    explore::detail::mark_coverage(coverage_bit);
  }
  auto [b, first] = find_bucket(slot_index, key_hash);
  if (b == nullptr) {
    return;
  }
  b->hits.fetch_add(1, std::memory_order_relaxed);
  if (first) {
    s->buckets.fetch_add(1, std::memory_order_relaxed);
  }
  if (quality != nullptr) {
    improve(b->best_quality, *quality);
  }
  const bool better = quality != nullptr && improve(b->root_quality, *quality);
  const bool new_here = first_time(b->discovered);
  if ((new_here || better) && explore::detail::exploring) {
    const auto bucket_index = static_cast<std::uint32_t>(b - shared_table()->buckets);
    explore::detail::discovery(s->message, slot_count + bucket_index, coverage_bit);
  }
}

}  // namespace

void record_each(std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::int64_t>> keys) {
  record_each_impl(message, keys, nullptr);
}

void record_each(std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::int64_t>> keys,
                 std::int64_t quality) {
  record_each_impl(message, keys, &quality);
}

}  // namespace detail

std::string_view to_string(kind k) noexcept {
  switch (k) {
    case kind::always:
      return "always";
    case kind::always_or_unreachable:
      return "always_or_unreachable";
    case kind::sometimes:
      return "sometimes";
    case kind::reachable:
      return "reachable";
    case kind::unreachable:
      return "unreachable";
    case kind::numeric_always:
      return "numeric_always";
    case kind::numeric_sometimes:
      return "numeric_sometimes";
    case kind::sometimes_all:
      return "sometimes_all";
    case kind::sometimes_each:
      return "sometimes_each";
  }
  return "unknown";
}

void replay_quietly_through(std::uint64_t evaluation, std::uint64_t call_at,
                            void (*call)()) noexcept {
  quiet_through = evaluation;
  hook_at = call_at;
  hook = call;
}

std::uint64_t evaluation_index() noexcept {
  return evaluations;
}

void stop_recording() noexcept {
  quiet_through = UINT64_MAX;
}

iteration_scope::iteration_scope() {
  violations = 0;
  evaluations = 0;
  first_violation_message.clear();
  detail::active = true;
}

iteration_scope::~iteration_scope() {
  detail::active = false;
}

std::uint64_t iteration_violations() noexcept {
  return violations;
}

std::string first_violation() {
  return first_violation_message;
}

void reachable_hit(std::string_view message) {
  // An engine milestone is counted but is not a discovery: every timeline
  // reaches it, so forking there would spend energy on nothing new.
  if (detail::active && !replaying()) {
    if (slot* s = find_slot(kind::reachable, message)) {
      s->pass.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::vector<sim::assertion_row> table() {
  std::vector<sim::assertion_row> rows;
  const table_block& whole = *shared_table();
  for_each_slot([&rows, &whole](const slot& s) {
    const auto k = static_cast<kind>(s.what);
    sim::assertion_row row;
    row.name = s.message;
    row.kind = std::string(to_string(k));
    row.pass = s.pass.load();
    row.fail = s.fail.load();
    row.frontier = s.frontier.load();
    row.conditions = s.conditions.load();
    row.buckets = s.buckets.load();
    if (k == kind::numeric_always || k == kind::numeric_sometimes) {
      row.watermark = s.watermark.load();
      row.maximize = s.maximize != 0;
    }
    if (k == kind::sometimes_each) {
      // The combinations themselves, not only their number: the reports of
      // shards merge by union.
      const auto owner = static_cast<std::uint32_t>(&s - whole.slots);
      for (const bucket& b : whole.buckets) {
        if (b.state.load(std::memory_order_acquire) == ready && b.slot_index == owner &&
            b.hits.load() > 0) {
          row.bucket_keys.push_back(b.key_hash);
        }
      }
      std::sort(row.bucket_keys.begin(), row.bucket_keys.end());
    }
    row.reached = row.pass + row.fail > 0;
    row.status = sim::assertion_status(row);
    rows.push_back(std::move(row));
  });
  // Sorted by message: the slot order depends on hashes and on which forked
  // timeline created a slot first.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return rows;
}

void reset_table() {
  table_block* table = shared_table();
  table->~table_block();
  new (table) table_block{};
  for (const registered_site& site : registry()) {
    find_slot(site.what, site.message, site.maximize);
  }
}

std::string table_image() {
  const table_block* table = shared_table();
  return std::string(reinterpret_cast<const char*>(table), sizeof(table_block));
}

void* new_table(std::string_view image) {
  if (image.size() != sizeof(table_block)) {
    throw std::invalid_argument("assertions::new_table: not an assertion table image");
  }
  table_block* table = map_table();
  std::memcpy(static_cast<void*>(table), image.data(), sizeof(table_block));
  return table;
}

void switch_table(void* table) noexcept {
  table_pointer() = static_cast<table_block*>(table);
}

void free_table(void* table) noexcept {
  munmap(table, sizeof(table_block));
}

std::string zeroed_table_image() {
  std::string image = table_image();
  auto* table = reinterpret_cast<table_block*>(image.data());
  table->dropped.store(0);
  for (slot& s : table->slots) {
    clear_counts(s);
  }
  for (bucket& b : table->buckets) {
    clear_counts(b);
  }
  return image;
}

void merge_table(const void* table) {
  const table_block& from = *static_cast<const table_block*>(table);
  table_block& to = *shared_table();
  to.dropped.fetch_add(from.dropped.load());
  // Slots by message, then their buckets by key: positions may differ.
  std::array<slot*, slot_count> slot_here{};
  for (std::size_t i = 0; i < slot_count; ++i) {
    const slot& s = from.slots[i];
    if (s.state.load() != ready) {
      continue;
    }
    slot* mine = find_slot(static_cast<kind>(s.what), s.message, s.maximize != 0);
    slot_here[i] = mine;
    if (mine == nullptr) {
      continue;
    }
    mine->pass.fetch_add(s.pass.load());
    mine->fail.fetch_add(s.fail.load());
    if (mine->maximize != 0) {
      improve(mine->watermark, s.watermark.load());
    } else {
      improve(mine->watermark, s.watermark.load(), std::greater<std::int64_t>{});
    }
    improve(mine->frontier, s.frontier.load());
    improve(mine->conditions, s.conditions.load());
  }
  for (const bucket& b : from.buckets) {
    if (b.state.load() != ready || b.hits.load() == 0 || b.slot_index >= slot_count ||
        slot_here[b.slot_index] == nullptr) {
      continue;
    }
    slot* owner = slot_here[b.slot_index];
    auto [mine, first] = find_bucket(index_of(owner), b.key_hash);
    if (mine == nullptr) {
      continue;
    }
    if (first || mine->hits.load() == 0) {
      owner->buckets.fetch_add(1);
    }
    mine->hits.fetch_add(b.hits.load());
    improve(mine->best_quality, b.best_quality.load());
  }
}

void rearm_discoveries() noexcept {
  table_block* table = shared_table();
  for (slot& s : table->slots) {
    s.discovered.store(0, std::memory_order_relaxed);
    s.root_watermark.store(s.maximize != 0 ? INT64_MIN : INT64_MAX, std::memory_order_relaxed);
    s.root_frontier.store(0, std::memory_order_relaxed);
  }
  for (bucket& b : table->buckets) {
    b.discovered.store(0, std::memory_order_relaxed);
    b.root_quality.store(INT64_MIN, std::memory_order_relaxed);
  }
}

std::size_t sometimes_reached() noexcept {
  std::size_t reached = 0;
  for_each_slot([&reached](const slot& s) {
    reached += is_sometimes_type(static_cast<kind>(s.what)) && passed(s) ? 1 : 0;
  });
  return reached;
}

std::size_t sometimes_total() noexcept {
  // Sites registered but never evaluated do not count: a binary may hold
  // assertions of code this simulation never runs, and until-stable must
  // still settle. The table lists them as never reached.
  std::size_t total = 0;
  for_each_slot([&total](const slot& s) {
    const bool evaluated = s.pass.load() + s.fail.load() > 0;
    total += is_sometimes_type(static_cast<kind>(s.what)) && evaluated ? 1 : 0;
  });
  return total;
}

}  // namespace moonpool::assertions
