#include "determinism_check.hpp"

#include <algorithm>
#include <string>

#include "moonpool/assert.hpp"

namespace moonpool::sim::detail {
namespace {

std::string line_or_end(const iteration_trace& t, std::size_t index) {
  return index < t.json_lines.size() ? t.json_lines[index]
                                     : "(no record: the run ended after " +
                                           std::to_string(t.json_lines.size()) + " records)";
}

// Why two runs of one seed differ, or empty when they do not.
std::string divergence(const seed_result& a, const iteration_trace& ta, const seed_result& b,
                       const iteration_trace& tb) {
  const std::size_t common = std::min(ta.json_lines.size(), tb.json_lines.size());
  std::size_t first = 0;
  while (first < common && ta.json_lines[first] == tb.json_lines[first]) {
    ++first;
  }
  if (first < common || ta.json_lines.size() != tb.json_lines.size()) {
    return "the two runs part at trace record " + std::to_string(first + 1) + " of " +
           std::to_string(ta.json_lines.size()) + " and " + std::to_string(tb.json_lines.size()) +
           "; first run: " + line_or_end(ta, first) + "; second run: " + line_or_end(tb, first);
  }
  if (a.trace_hash != b.trace_hash) {
    // The records agree; the hash also covers every random draw.
    return "the two runs made the same " + std::to_string(ta.json_lines.size()) +
           " trace records but drew different random numbers (trace hashes " + a.trace_hash +
           " and " + b.trace_hash + ")";
  }
  if (a.ok != b.ok || a.error != b.error) {
    return "the two runs made the same events but ended differently: \"" +
           (a.ok ? std::string("passed") : a.error) + "\" and \"" +
           (b.ok ? std::string("passed") : b.error) + "\"";
  }
  return {};
}

}  // namespace

seed_result run_twice_and_compare(std::uint64_t seed, iteration_trace* trace,
                                  const std::function<seed_result(iteration_trace*)>& run) {
  iteration_trace first_trace;
  seed_result first = run(&first_trace);
  iteration_trace second_trace;
  // The second run repeats the first: its assertions were counted once.
  assertions::replay_quietly_through(UINT64_MAX);
  seed_result second;
  try {
    second = run(&second_trace);
  } catch (...) {
    assertions::replay_quietly_through(0);
    throw;
  }
  assertions::replay_quietly_through(0);
  const std::string why = divergence(first, first_trace, second, second_trace);
  if (!why.empty()) {
    first.ok = false;
    first.error = std::string(nondeterminism_error_prefix) + "seed " + std::to_string(seed) +
                  " ran twice; " + why +
                  (first.error.empty() ? "" : " (the first run also failed: " + first.error + ")");
  }
  if (trace != nullptr) {
    *trace = std::move(first_trace);
  }
  return first;
}

}  // namespace moonpool::sim::detail
