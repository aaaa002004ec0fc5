#pragma once
// moonpool::real::providers: the production bundle. Boost.Asio on an
// io_context, the OS steady clock, real TCP, real files under a data
// directory, OS entropy.
//
//   asio::io_context io;
//   moonpool::real::providers p{io, "/var/lib/my-service"};
//   p.spawn("server", serve(p, 8080));
//   io.run();
//
// spawn() starts a detached coroutine on the io_context. An exception that
// escapes it is printed to stderr as one line naming the task
// ("moonpool: task 'name' ended with an exception: ...") and goes no
// further: the io_context keeps running, as with asio::detached, but the
// failure is not silent. moonpool::sim::providers is the simulated twin
// (docs/providers.md lists where the two differ).

#include <sys/random.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "moonpool/core/detail/owned_call.hpp"
#include "moonpool/core/providers.hpp"
#include "moonpool/core/task_failed.hpp"
#include "moonpool/real/storage.hpp"

namespace moonpool::real {

namespace detail {

// The line the production bundle prints for a task that threw.
inline void report_task_failure(const std::string& name, const std::exception_ptr& error) {
  const task_failed failure(name, error, "");
  std::fprintf(stderr, "moonpool: %s\n", failure.what());
  std::fflush(stderr);
}

// getrandom(2): the kernel's CSPRNG, without a file descriptor to keep.
inline std::uint64_t os_entropy_u64() {
  std::uint64_t value = 0;
  auto* out = reinterpret_cast<unsigned char*>(&value);
  std::size_t filled = 0;
  while (filled < sizeof value) {
    const ssize_t got = ::getrandom(out + filled, sizeof value - filled, 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    filled += static_cast<std::size_t>(got);
  }
  return value;
}

}  // namespace detail

class providers {
 public:
  using executor_type = boost::asio::any_io_executor;
  using tcp = boost::asio::ip::tcp;
  using steady_timer = boost::asio::steady_timer;
  using clock = std::chrono::steady_clock;
  using storage_type = real::storage;
  using file_type = real::file;

  // Storage is rooted at `data_root` (created if missing; throws
  // std::filesystem::filesystem_error if it cannot be).
  providers(boost::asio::io_context& io, std::filesystem::path data_root)
      : executor_(io.get_executor()), storage_(executor_, std::move(data_root)) {}

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  [[nodiscard]] clock::time_point now() const noexcept { return clock::now(); }
  // A handle on the data directory (copies share nothing but the path).
  [[nodiscard]] storage_type storage() const { return storage_; }
  [[nodiscard]] const std::filesystem::path& data_root() const noexcept { return storage_.root(); }
  // OS entropy (getrandom(2)); throws std::system_error if the kernel refuses.
  [[nodiscard]] std::uint64_t random_u64() const { return detail::os_entropy_u64(); }

  // Starts `task` detached on the executor. An escaping exception is
  // printed to stderr with the task's name.
  void spawn(std::string name, boost::asio::awaitable<void> task) const {
    boost::asio::co_spawn(executor_, std::move(task),
                          [name = std::move(name)](const std::exception_ptr& error) {
                            if (error) {
                              detail::report_task_failure(name, error);
                            }
                          });
  }

  // Starts the coroutine `make_task()` returns, keeping the callable (a
  // lambda and its captures) alive until the task ends.
  template <moonpool::detail::task_factory F>
  void spawn(std::string name, F make_task) const {
    spawn(std::move(name), moonpool::detail::owned_call(std::move(make_task)));
  }

 private:
  executor_type executor_;
  storage_type storage_;
};

static_assert(moonpool::providers<providers>);

}  // namespace moonpool::real
