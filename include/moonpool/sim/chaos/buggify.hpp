#pragma once
// FoundationDB-style fault points in application code.
//
//   if (MP_BUGGIFY()) co_await sleep(2s);            // a rare slow path
//   auto batch = MP_BUGGIFY_KNOB(64, 1, 4);           // spike a tuning knob
//
// Inside a simulation each call site is active for an iteration with
// probability 1/2 (decided at its first evaluation); an active site fires
// with probability 1/4 (or p for MP_BUGGIFY_WITH_PROB). Outside a simulation
// every macro is false (or the default) at the cost of one predictable
// branch on a thread-local flag, with no draw and no lookup.

#include <cstdint>
#include <string_view>

#include "moonpool/detail/thread_flag.hpp"
#include "moonpool/sim/random.hpp"

namespace moonpool::sim::buggify {

namespace detail {
extern thread_local bool enabled;
bool fire(std::string_view file, int line, double probability);
double knob(std::string_view file, int line, double fallback, double low, double high);
}  // namespace detail

// Enables buggify for one iteration, drawing from `random`; disables and
// forgets every site's activation when it ends.
class iteration_scope {
 public:
  explicit iteration_scope(random_stream& random, double activation = 0.5);
  ~iteration_scope();
  iteration_scope(const iteration_scope&) = delete;
  iteration_scope& operator=(const iteration_scope&) = delete;
};

// The macros read the flag only through here (detail/thread_flag.hpp says
// why).
[[nodiscard]] MOONPOOL_DETAIL_THREAD_FLAG_READ bool enabled() noexcept {
  return detail::enabled;
}

}  // namespace moonpool::sim::buggify

#define MP_BUGGIFY_WITH_PROB(p)           \
  (::moonpool::sim::buggify::enabled() && \
   ::moonpool::sim::buggify::detail::fire(__FILE__, __LINE__, (p)))
#define MP_BUGGIFY() MP_BUGGIFY_WITH_PROB(0.25)
#define MP_BUGGIFY_KNOB(fallback, low, high)                                              \
  (::moonpool::sim::buggify::enabled()                                                    \
       ? static_cast<decltype(fallback)>(::moonpool::sim::buggify::detail::knob(          \
             __FILE__, __LINE__, static_cast<double>(fallback), static_cast<double>(low), \
             static_cast<double>(high)))                                                  \
       : (fallback))
