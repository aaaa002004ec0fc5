#pragma once
// moonpool::sim::storage: the file system of a simulated host.
//
//   sim::storage disk{ctx.get_executor()};          // or ctx.storage()
//   sim::file f = co_await disk.async_open("/data/log",
//       open_options::write | open_options::create | open_options::append, use_awaitable);
//   co_await asio::async_write(f, asio::buffer(record), use_awaitable);
//   co_await f.async_sync(sync_kind::data_and_metadata, use_awaitable);
//
// A cheap handle: every storage made from executors of one host sees the
// same files, which survive the host's process reboots (a crash keeps only
// what the durability model lets survive) and are gone after a wipe.
// Paths are '/'-separated strings; directories exist implicitly (a
// directory holds the files whose path it prefixes), so there is no mkdir.
// Namespace changes (create, rename, remove) complete after the metadata
// latency and are durable once their directory is synced: async_sync_directory,
// or a file's async_sync(sync_kind::data_and_metadata). docs/storage.md.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/storage/file.hpp"

namespace moonpool::sim {

namespace detail::fs {
// The disk of the host behind `ex`; throws std::logic_error naming `who`
// for an executor without a host.
disk& disk_for(const boost::asio::any_io_executor& ex, const char* who);
}  // namespace detail::fs

template <class Executor = boost::asio::any_io_executor>
class basic_storage {
 public:
  using executor_type = Executor;
  using file_type = basic_file<Executor>;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_storage<OtherExecutor>;
  };

  explicit basic_storage(const executor_type& ex)
      : executor_(ex),
        disk_(&detail::fs::disk_for(boost::asio::any_io_executor(ex), "moonpool::sim::storage")) {}

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }

  // Whether a file has this path now (not whether that is durable).
  [[nodiscard]] bool exists(std::string_view path) const { return disk_->exists(path); }
  // The names of the files directly in `directory` ("/data" lists
  // "/data/log" as "log"), sorted.
  [[nodiscard]] std::vector<std::string> list(std::string_view directory) const {
    return disk_->list(directory);
  }

  // Completes with (error_code, file). Errors: no_such_file_or_directory
  // (missing, without create), file_exists (create_new), invalid_argument
  // (a malformed path, no access mode, truncate without write).
  template <class OpenToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_open(std::string path, open_options options,
                  OpenToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<OpenToken, void(boost::system::error_code, file_type)>(
        [this](auto handler, std::string p, open_options o) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          using op = detail::fs::open_op<file_type, decltype(handler), executor_type>;
          const std::uint64_t op_id =
              disk_->state().park(std::make_unique<op>(std::move(handler), executor_));
          connect(slot, op_id);
          disk_->submit_open(std::move(p), o, op_id);
        },
        token, std::move(path), options);
  }

  // Removes a name (open files keep their contents until closed).
  template <class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_remove(std::string path,
                    Token&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::string p) {
          const std::uint64_t op_id = park(std::move(handler));
          disk_->submit_remove(std::move(p), op_id);
        },
        token, std::move(path));
  }

  // Renames, replacing `to` if it exists, as rename(2).
  template <class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_rename(std::string from, std::string to,
                    Token&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::string f, std::string t) {
          const std::uint64_t op_id = park(std::move(handler));
          disk_->submit_rename(std::move(f), std::move(t), op_id);
        },
        token, std::move(from), std::move(to));
  }

  // Makes the directory's entries durable (fsync of a directory): the
  // creates, renames and removes that named paths directly in it.
  template <class Token = boost::asio::default_completion_token_t<executor_type>>
  auto async_sync_directory(
      std::string directory,
      Token&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::string d) {
          const std::uint64_t op_id = park(std::move(handler));
          disk_->submit_sync_directory(std::move(d), op_id);
        },
        token, std::move(directory));
  }

  // The faults this host's disk has injected so far.
  [[nodiscard]] const storage_fault_counts& fault_counts() const noexcept {
    return disk_->faults();
  }

 private:
  template <class Slot>
  void connect(Slot& slot, std::uint64_t op_id) {
    if (slot.is_connected()) {
      slot.template emplace<detail::fs::op_cancellation>(detail::fs::op_cancellation{disk_, op_id});
    }
  }
  template <class Handler>
  std::uint64_t park(Handler handler) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const std::uint64_t op_id = sim::detail::park_handler<boost::system::error_code>(
        disk_->state(), std::move(handler), executor_);
    connect(slot, op_id);
    return op_id;
  }

  Executor executor_;
  detail::fs::disk* disk_;
};

using storage = basic_storage<>;

}  // namespace moonpool::sim
