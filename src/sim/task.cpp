#include "moonpool/sim/task.hpp"

namespace moonpool::sim {

std::string_view to_string(join_status status) noexcept {
  switch (status) {
    case join_status::running:
      return "running";
    case join_status::finished:
      return "finished";
    case join_status::failed:
      return "failed";
    case join_status::cancelled:
      return "cancelled";
    case join_status::destroyed:
      return "destroyed";
  }
  return "unknown";
}

namespace detail {

bool is_operation_aborted(const std::exception_ptr& error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == boost::asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

void trace_task_finished(world_state& state, const task_record& task, join_status status) {
  state.trace(trace_kind::task_finished, {task.id, static_cast<std::uint64_t>(status), 0, 0});
}

}  // namespace detail
}  // namespace moonpool::sim
