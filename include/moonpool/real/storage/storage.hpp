#pragma once
// moonpool::real::storage: the production storage provider, real files
// (POSIX) under a root directory, with the members, signatures, options
// and errors of moonpool::sim::storage:
//
//   asio::io_context io;
//   real::storage disk{io.get_executor(), "/var/lib/my-service"};
//   real::file f = co_await disk.async_open("/data/log",
//       open_options::write | open_options::create | open_options::append, use_awaitable);
//   co_await asio::async_write(f, asio::buffer(record), use_awaitable);
//   co_await f.async_sync(sync_kind::data_and_metadata, use_awaitable);
//
// A storage path "/data/log" is ROOT/data/log. The simulated model has
// implicit directories, so opening with create (and renaming) makes the
// missing parent directories; list and exists see regular files only.
// Operations run their system call on the storage's executor after the
// initiating call returns and complete through the handler's associated
// executor (file.hpp says what that costs). docs/storage.md, "The
// production provider", lists where this provider and the simulated one
// differ.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/real/storage/detail/async_run.hpp"
#include "moonpool/real/storage/detail/storage_ops.hpp"
#include "moonpool/real/storage/file.hpp"

namespace moonpool::real {

template <class Executor = boost::asio::any_io_executor>
class basic_storage {
 public:
  using executor_type = Executor;
  using file_type = basic_file<Executor>;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_storage<OtherExecutor>;
  };

  // Creates `root` if it is missing (throws std::filesystem::filesystem_error
  // if it cannot).
  basic_storage(const executor_type& ex, std::filesystem::path root)
      : executor_(ex), root_(std::move(root)) {
    detail::make_root(root_);
  }

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }

  // Whether a regular file has this path now.
  [[nodiscard]] bool exists(std::string_view path) const {
    return detail::file_exists(root_, path);
  }
  // The names of the regular files directly in `directory`, sorted.
  [[nodiscard]] std::vector<std::string> list(std::string_view directory) const {
    return detail::list_directory(root_, directory);
  }

  // Completes with (error_code, file). Errors: no_such_file_or_directory
  // (missing, without create), file_exists (create_new), invalid_argument
  // (a malformed path, no access mode, truncate without write),
  // is_a_directory, and whatever open(2) reports.
  template <class OpenToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_open(std::string path, open_options options,
                  OpenToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return detail::async_run<void(boost::system::error_code, file_type)>(
        executor_, std::forward<OpenToken>(token),
        detail::open_op<file_type, executor_type>{executor_, root_, std::move(path), options});
  }

  // unlink(2): an open file keeps its bytes until closed.
  template <class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_remove(std::string path,
                    Token&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run(std::forward<Token>(token),
               [root = root_, p = std::move(path)] { return detail::remove_file(root, p); });
  }

  // rename(2), replacing `to` if it exists.
  template <class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_rename(std::string from, std::string to,
                    Token&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run(std::forward<Token>(token), [root = root_, f = std::move(from), t = std::move(to)] {
      return detail::rename_file(root, f, t);
    });
  }

  // fsync of the directory: its creates, renames and removes become durable.
  template <class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_sync_directory(
      std::string directory,
      Token&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return run(std::forward<Token>(token), [root = root_, d = std::move(directory)] {
      return detail::sync_directory(root, d);
    });
  }

 private:
  template <class Token, class Call>
  auto run(Token&& token, Call call) {
    return detail::async_run<void(boost::system::error_code)>(
        executor_, std::forward<Token>(token), detail::namespace_op<Call>{std::move(call)});
  }

  Executor executor_;
  std::filesystem::path root_;
};

using storage = basic_storage<>;

}  // namespace moonpool::real
