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
// The counts live in memory shared with forked processes, so timelines
// that fork from one another report into one table.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
void record(kind k, std::string_view message, bool ok);
void record_all(std::string_view message,
                std::initializer_list<std::pair<std::string_view, bool>> conditions);
void record_each(std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::int64_t>> keys);
void record_each(std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::int64_t>> keys,
                 std::int64_t quality);
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
// Sometimes/reachable messages that have passed at least once, and how many
// such messages exist (the until-stable coverage signal).
[[nodiscard]] std::size_t sometimes_reached() noexcept;
[[nodiscard]] std::size_t sometimes_total() noexcept;

}  // namespace moonpool::assertions

#define MP_ASSERTION_RECORD_(k, ok, msg)                                         \
  do {                                                                           \
    if (::moonpool::assertions::detail::active) {                                \
      ::moonpool::assertions::detail::record((k), (msg), static_cast<bool>(ok)); \
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

#define MP_ALWAYS_GT(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_always, (v) > (t), msg)
#define MP_ALWAYS_GE(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_always, (v) >= (t), msg)
#define MP_ALWAYS_LT(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_always, (v) < (t), msg)
#define MP_ALWAYS_LE(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_always, (v) <= (t), msg)
#define MP_SOMETIMES_GT(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_sometimes, (v) > (t), msg)
#define MP_SOMETIMES_GE(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_sometimes, (v) >= (t), msg)
#define MP_SOMETIMES_LT(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_sometimes, (v) < (t), msg)
#define MP_SOMETIMES_LE(v, t, msg) \
  MP_ASSERTION_RECORD_(::moonpool::assertions::kind::numeric_sometimes, (v) <= (t), msg)

#define MP_SOMETIMES_ALL(msg, ...)                                    \
  do {                                                                \
    if (::moonpool::assertions::detail::active) {                     \
      ::moonpool::assertions::detail::record_all((msg), __VA_ARGS__); \
    }                                                                 \
  } while (false)
#define MP_SOMETIMES_EACH(msg, ...)                                    \
  do {                                                                 \
    if (::moonpool::assertions::detail::active) {                      \
      ::moonpool::assertions::detail::record_each((msg), __VA_ARGS__); \
    }                                                                  \
  } while (false)
