#include "moonpool/assert.hpp"

#include <map>

#include "moonpool/sim/runner/report.hpp"

namespace moonpool::assertions {
namespace {

struct counts {
  kind what{};
  std::uint64_t pass = 0;
  std::uint64_t fail = 0;
};

// The run's table. Keyed by message: ordered, so the report is sorted and
// nothing depends on hashing.
std::map<std::string, counts, std::less<>>& run_table() {
  static std::map<std::string, counts, std::less<>> table;
  return table;
}

thread_local std::uint64_t violations = 0;
thread_local std::string first_violation_message;

bool is_always_type(kind k) {
  return k == kind::always || k == kind::always_or_unreachable || k == kind::unreachable ||
         k == kind::numeric_always;
}

bool is_sometimes_type(kind k) {
  return k == kind::sometimes || k == kind::reachable || k == kind::numeric_sometimes;
}

}  // namespace

namespace detail {

thread_local bool active = false;

void record(kind k, std::string_view message, bool ok) {
  auto& table = run_table();
  auto it = table.find(message);
  if (it == table.end()) {
    it = table.emplace(std::string(message), counts{k, 0, 0}).first;
  }
  ok ? ++it->second.pass : ++it->second.fail;
  if (!ok && is_always_type(k)) {
    if (violations++ == 0) {
      first_violation_message = std::string(message);
    }
  }
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
  }
  return "unknown";
}

iteration_scope::iteration_scope() {
  violations = 0;
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
  if (detail::active) {
    detail::record(kind::reachable, message, true);
  }
}

std::vector<sim::assertion_row> table() {
  std::vector<sim::assertion_row> rows;
  for (const auto& [message, c] : run_table()) {
    sim::assertion_row row;
    row.name = message;
    row.kind = std::string(to_string(c.what));
    row.pass = c.pass;
    row.fail = c.fail;
    if (is_always_type(c.what)) {
      row.status = c.fail > 0 ? "fail" : "pass";
    } else {
      row.status = c.pass > 0 ? "pass" : "miss";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void reset_table() {
  run_table().clear();
}

std::size_t sometimes_reached() noexcept {
  std::size_t reached = 0;
  for (const auto& [message, c] : run_table()) {
    reached += is_sometimes_type(c.what) && c.pass > 0 ? 1 : 0;
  }
  return reached;
}

std::size_t sometimes_total() noexcept {
  std::size_t total = 0;
  for (const auto& [message, c] : run_table()) {
    total += is_sometimes_type(c.what) ? 1 : 0;
  }
  return total;
}

}  // namespace moonpool::assertions
