#include "moonpool/sim/chaos/buggify.hpp"

#include <map>
#include <utility>

namespace moonpool::sim::buggify {
namespace detail {

thread_local bool enabled = false;

namespace {

struct iteration_state {
  random_stream* random = nullptr;
  double activation = 0.5;
  // Keyed by file name and line; looked up, never iterated in a way that
  // could reach a decision.
  std::map<std::pair<std::string_view, int>, bool> active;
};

thread_local iteration_state state;

bool site_active(std::string_view file, int line) {
  auto [it, inserted] = state.active.try_emplace({file, line}, false);
  if (inserted) {
    it->second = state.random->chance(state.activation);
  }
  return it->second;
}

}  // namespace

bool fire(std::string_view file, int line, double probability) {
  if (!enabled || !(probability > 0.0) || !site_active(file, line)) {
    return false;
  }
  return state.random->chance(probability);
}

double knob(std::string_view file, int line, double fallback, double low, double high) {
  if (!fire(file, line, 0.25)) {
    return fallback;
  }
  if (!(high > low)) {
    return low;
  }
  return low + state.random->unit() * (high - low);
}

}  // namespace detail

iteration_scope::iteration_scope(random_stream& random, double activation) {
  detail::state.random = &random;
  detail::state.activation = activation;
  detail::state.active.clear();
  detail::enabled = true;
}

iteration_scope::~iteration_scope() {
  detail::enabled = false;
  detail::state.active.clear();
  detail::state.random = nullptr;
}

}  // namespace moonpool::sim::buggify
