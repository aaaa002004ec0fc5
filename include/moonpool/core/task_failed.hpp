#pragma once
// moonpool::task_failed: an exception escaped a task started with a
// bundle's spawn().
//
// A detached task has nobody to hand its exception to, and Asio's
// `detached` drops it silently. The bundles do not: the simulation bundle
// throws task_failed out of the drive loop (world.run(), or the runner,
// which then fails the seed with this message); the production bundle
// prints the same message to stderr (docs/providers.md).

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace moonpool {

// What an exception says about itself, for one-line reports.
[[nodiscard]] inline std::string describe_exception(const std::exception_ptr& error) {
  if (!error) {
    return "no exception";
  }
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

class task_failed : public std::runtime_error {
 public:
  task_failed(std::string task_name, std::exception_ptr error, const std::string& where)
      : std::runtime_error("task '" + task_name + "'" + where +
                           " ended with an exception: " + describe_exception(error)),
        task_name_(std::move(task_name)),
        error_(std::move(error)) {}

  [[nodiscard]] const std::string& task_name() const noexcept { return task_name_; }
  // The exception that escaped the task (rethrow it to inspect its type).
  [[nodiscard]] const std::exception_ptr& error() const noexcept { return error_; }

 private:
  std::string task_name_;
  std::exception_ptr error_;
};

}  // namespace moonpool
