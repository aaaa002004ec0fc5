#pragma once
// Antithesis-style assertions: say what must always hold and what must
// sometimes happen. Usable in any code; outside a simulation they cost one
// predictable branch and do not evaluate their arguments.
//
//   MP_ALWAYS(balance >= 0, "balance never negative");
//   MP_SOMETIMES(retried, "a request was retried");
//   MP_REACHABLE("leader stepped down");
//   MP_UNREACHABLE("two leaders in one term");
//   MP_ALWAYS_LE(queue.size(), 1000, "queue bounded");
//   MP_SOMETIMES_ALL("degraded but serving", {{"leader down", a}, {"writes ok", b}});
//   MP_SOMETIMES_EACH("request outcome", {{"status", code}, {"retries", n}});
//
// Assertions never abort. They are counted per message across all seeds of
// a run; a violated always-type assertion fails the current seed; the
// report's table shows pass/fail counts and a status: `pass`, `fail`, or
// `miss` (a sometimes/reachable assertion that never passed).
//
// MP_SOMETIMES_ALL passes when all its named conditions held at once at
// least once; the report also gives the frontier (most held at once).
// MP_SOMETIMES_EACH counts every distinct combination of its key values as
// a bucket (an optional third argument is a quality to maximise per
// bucket); it passes once any bucket was seen, and the report gives the
// number of buckets.
//
// Messages are string literals: each site registers its message before
// main(), so the report also lists assertions that never ran (an
// always-assertion never reached is a `miss`).
//
// The counts live in memory shared with forked processes, so timelines
// that fork from one another report into one table. With --explore, a
// sometimes-type assertion's discoveries (first pass, better watermark,
// wider frontier, new or better bucket) fork the run (docs/exploration.md).

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "moonpool/detail/thread_flag.hpp"

namespace moonpool::sim {
struct assertion_row;
}

namespace moonpool::assertions {

enum class kind : std::uint8_t {
  always,
  always_or_unreachable,
  sometimes,
  reachable,
  unreachable,
  numeric_always,
  numeric_sometimes,
  sometimes_all,
  sometimes_each,
};

[[nodiscard]] std::string_view to_string(kind k) noexcept;

namespace detail {
extern thread_local bool active;
// Whether this thread is inside a seed, so that assertions record. The
// macros read the flag only through here (detail/thread_flag.hpp says why).
MOONPOOL_DETAIL_THREAD_FLAG_READ bool is_active() noexcept {
  return active;
}
void record(kind k, std::string_view message, bool ok);
// value: the numeric assertion's left-hand side as an int64 (saturated);
// maximize: whether a larger value is the better watermark.
void record_numeric(kind k, std::string_view message, bool ok, std::int64_t value, bool maximize);
void record_all(std::string_view message,
                std::initializer_list<std::pair<std::string_view, bool>> conditions);
void record_each(std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::int64_t>> keys);
void record_each(std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::int64_t>> keys,
                 std::int64_t quality);

// Numeric comparisons of any two arithmetic types, without sign-compare
// surprises (std::cmp_* for integers).
enum class compare { gt, ge, lt, le };
template <compare C, class A, class B>
constexpr bool holds(const A& a, const B& b) {
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B> && !std::is_same_v<A, bool> &&
                !std::is_same_v<B, bool>) {
    if constexpr (C == compare::gt)
      return std::cmp_greater(a, b);
    if constexpr (C == compare::ge)
      return std::cmp_greater_equal(a, b);
    if constexpr (C == compare::lt)
      return std::cmp_less(a, b);
    return std::cmp_less_equal(a, b);
  } else {
    if constexpr (C == compare::gt)
      return a > b;
    if constexpr (C == compare::ge)
      return a >= b;
    if constexpr (C == compare::lt)
      return a < b;
    return a <= b;
  }
}

template <class A>
constexpr std::int64_t saturate(const A& a) {
  using limits = std::numeric_limits<std::int64_t>;
  if constexpr (std::is_integral_v<A>) {
    if (std::cmp_greater(a, limits::max()))
      return limits::max();
    if (std::cmp_less(a, limits::min()))
      return limits::min();
    return static_cast<std::int64_t>(a);
  } else {
    const auto d = static_cast<double>(a);
    if (!(d == d))
      return 0;  // NaN
    if (d >= 9.2e18)
      return limits::max();
    if (d <= -9.2e18)
      return limits::min();
    return static_cast<std::int64_t>(d);
  }
}

// Every assertion site registers its message and kind before main() runs,
// so that the report lists assertions that never ran: an always-assertion
// that was never reached, a sometimes-assertion never evaluated.
int register_site(kind k, std::string_view message, bool maximize) noexcept;

template <class Site>
struct site_registration {
  static inline const int done = register_site(Site::what(), Site::message(), Site::maximize());
};

}  // namespace detail

// Records assertions for one seed: counts accumulate in the run's table,
// violations are counted for this seed alone.
class iteration_scope {
 public:
  iteration_scope();
  ~iteration_scope();
  iteration_scope(const iteration_scope&) = delete;
  iteration_scope& operator=(const iteration_scope&) = delete;
};

// Always-type violations in the current seed, and the first one's message.
[[nodiscard]] std::uint64_t iteration_violations() noexcept;
[[nodiscard]] std::string first_violation();

// Marks an engine milestone as reached (e.g. "phase: chaos ended").
void reachable_hit(std::string_view message);

// The run's table, sorted by message, and a reset for a new run.
[[nodiscard]] std::vector<sim::assertion_row> table();
void reset_table();
// Re-arms every discovery (first passes, first bucket hits, the root's
// watermarks and frontiers) for a new root seed of an exploration; the
// counts, watermarks and frontiers the report shows are kept.
void rearm_discoveries() noexcept;

// For root seeds explored in processes of their own, each with a table of
// its own: the table as bytes (same binary, same layout) and the same with
// every count cleared; a new shared table made from such an image (before
// the fork), which the child switches to; and the parent adding that
// table's counts to its own once the child has ended (even by a crash).
[[nodiscard]] std::string table_image();
[[nodiscard]] std::string zeroed_table_image();
[[nodiscard]] void* new_table(std::string_view image);
void switch_table(void* table) noexcept;
void merge_table(const void* table);
void free_table(void* table) noexcept;

// For the explorer, which reaches a split point by running a timeline again
// from its root seed: in the seeds that follow, assertion evaluations 1 to
// `evaluation` record nothing (they were recorded when the prefix first
// ran; violations still fail the seed), and `call` (when not null) runs at
// evaluation `call_at`, before it records. 0 records everything.
void replay_quietly_through(std::uint64_t evaluation, std::uint64_t call_at = 0,
                            void (*call)() = nullptr) noexcept;
// How many assertions the current seed has evaluated.
[[nodiscard]] std::uint64_t evaluation_index() noexcept;
// The rest of the current seed records nothing: the explorer abandons a
// timeline at a split and runs its continuation again later.
void stop_recording() noexcept;
// Sometimes/reachable messages that have passed at least once, and how many
// such messages exist (the until-stable coverage signal).
[[nodiscard]] std::size_t sometimes_reached() noexcept;
[[nodiscard]] std::size_t sometimes_total() noexcept;

}  // namespace moonpool::assertions

// A local class per call site names it: instantiating site_registration
// with it registers the site at program start. (Local classes may not have
// static data members, hence the functions.) message() returns `msg` from a
// static context, which is why messages must be string literals.
#define MP_ASSERTION_SITE_(k, msg, max)                                \
  struct mp_assertion_site_ {                                          \
    static constexpr ::moonpool::assertions::kind what() { return k; } \
    static constexpr bool maximize() { return max; }                   \
    static constexpr std::string_view message() { return msg; }        \
  };                                                                   \
  static_cast<void>(::moonpool::assertions::detail::site_registration<mp_assertion_site_>::done)

#define MP_ASSERTION_RECORD_(k, ok, msg)                                         \
  do {                                                                           \
    MP_ASSERTION_SITE_(k, msg, true);                                            \
    if (::moonpool::assertions::detail::is_active()) {                           \
      ::moonpool::assertions::detail::record((k), mp_assertion_site_::message(), \
                                             static_cast<bool>(ok));             \
    }                                                                            \
  } while (false)

#define MP_ALWAYS(cond, msg) MP_ASSERTION_RECORD_(::moonpool::assertions::kind::always, cond, msg)
#define MP_ALWAYS_OR_UNREACHABLE(cond, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::always_or_unreachable, cond, msg)
#define MP_SOMETIMES(cond, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::sometimes, cond, msg)
#define MP_REACHABLE(msg) MP_ASSERTION_RECORD_(::moonpool::assertions::kind::reachable, true, msg)
#define MP_UNREACHABLE(msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::unreachable, false, msg)

// The numeric forms keep a watermark: the best value seen (largest for
// SOMETIMES_GT/GE and ALWAYS_LT/LE, smallest for the others), reported in
// the table; a better SOMETIMES watermark is a discovery for the explorer.
#define MP_NUMERIC_RECORD_(k, cmp, maximize, v, t, msg)                                        \
  do {                                                                                         \
    MP_ASSERTION_SITE_(k, msg, maximize);                                                      \
    if (::moonpool::assertions::detail::is_active()) {                                         \
      const auto& mp_value_ = (v);                                                             \
      const auto& mp_threshold_ = (t);                                                         \
      ::moonpool::assertions::detail::record_numeric(                                          \
          (k), mp_assertion_site_::message(),                                                  \
          ::moonpool::assertions::detail::holds<::moonpool::assertions::detail::compare::cmp>( \
              mp_value_, mp_threshold_),                                                       \
          ::moonpool::assertions::detail::saturate(mp_value_), (maximize));                    \
    }                                                                                          \
  } while (false)

#define MP_ALWAYS_GT(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_always, gt, false, v, t, msg)
#define MP_ALWAYS_GE(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_always, ge, false, v, t, msg)
#define MP_ALWAYS_LT(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_always, lt, true, v, t, msg)
#define MP_ALWAYS_LE(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_always, le, true, v, t, msg)
#define MP_SOMETIMES_GT(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_sometimes, gt, true, v, t, msg)
#define MP_SOMETIMES_GE(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_sometimes, ge, true, v, t, msg)
#define MP_SOMETIMES_LT(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_sometimes, lt, false, v, t, msg)
#define MP_SOMETIMES_LE(v, t, msg) \
  MP_NUMERIC_RECORD_(::moonpool::assertions::kind::numeric_sometimes, le, false, v, t, msg)

#define MP_SOMETIMES_ALL(msg, ...)                                                            \
  do {                                                                                        \
    MP_ASSERTION_SITE_(::moonpool::assertions::kind::sometimes_all, msg, true);               \
    if (::moonpool::assertions::detail::is_active()) {                                        \
      ::moonpool::assertions::detail::record_all(mp_assertion_site_::message(), __VA_ARGS__); \
    }                                                                                         \
  } while (false)
#define MP_SOMETIMES_EACH(msg, ...)                                                            \
  do {                                                                                         \
    MP_ASSERTION_SITE_(::moonpool::assertions::kind::sometimes_each, msg, true);               \
    if (::moonpool::assertions::detail::is_active()) {                                         \
      ::moonpool::assertions::detail::record_each(mp_assertion_site_::message(), __VA_ARGS__); \
    }                                                                                          \
  } while (false)
