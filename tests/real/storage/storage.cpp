// What only the production provider has: a root directory on the real file
// system, paths that must not leave it, real directories, and completion
// through the handler's associated executor. The behaviours it shares with
// the simulated storage are in tests/storage_conformance.cpp.

#include "moonpool/real/storage/storage.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write_at.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace asio = boost::asio;
using boost::system::error_code;
using moonpool::real::open_options;

namespace {

constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto create_rw = open_options::read_write | open_options::create;

// A fresh temporary directory, removed with everything in it.
class temporary_directory {
 public:
  temporary_directory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "moonpool-real-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path_ = pattern;
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;
  ~temporary_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

template <class Body>
void run(asio::io_context& io, Body body) {
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(body), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(RealStorage, PathsLiveUnderTheRootWhichIsCreated) {
  temporary_directory tmp;
  const std::filesystem::path root = tmp.path() / "not" / "yet";
  asio::io_context io;
  moonpool::real::storage disk{io.get_executor(), root};
  EXPECT_TRUE(std::filesystem::is_directory(root));
  run(io, [&]() -> asio::awaitable<void> {
    auto f = co_await disk.async_open("/data/wal", create_rw, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("bytes")), asio::use_awaitable);
    co_await disk.async_rename("/data/wal", "/archive/1/wal", asio::use_awaitable);
  });
  EXPECT_EQ(read_whole(root / "archive" / "1" / "wal"), "bytes");
  EXPECT_FALSE(std::filesystem::exists(root / "data" / "wal"));
}

TEST(RealStorage, PathsCannotLeaveTheRoot) {
  temporary_directory tmp;
  asio::io_context io;
  moonpool::real::storage disk{io.get_executor(), tmp.path() / "root"};
  std::ofstream(tmp.path() / "outside") << "secret";
  run(io, [&]() -> asio::awaitable<void> {
    auto [open_ec, f] =
        co_await disk.async_open("/../outside", open_options::read, awaitable_tuple);
    EXPECT_EQ(open_ec, std::errc::invalid_argument);
    auto [rename_ec] = co_await disk.async_rename("/../outside", "/in", awaitable_tuple);
    EXPECT_EQ(rename_ec, std::errc::invalid_argument);
    auto [remove_ec] = co_await disk.async_remove("/a/./../../outside", awaitable_tuple);
    EXPECT_EQ(remove_ec, std::errc::invalid_argument);
    EXPECT_FALSE(disk.exists("/../outside"));
    EXPECT_TRUE(disk.list("/..").empty());
  });
  EXPECT_EQ(read_whole(tmp.path() / "outside"), "secret");
}

TEST(RealStorage, ADirectoryIsNotAFile) {
  // The simulated model has no directories to open; a real one does, and
  // the provider refuses them rather than hand out a descriptor of one.
  temporary_directory tmp;
  asio::io_context io;
  moonpool::real::storage disk{io.get_executor(), tmp.path()};
  run(io, [&]() -> asio::awaitable<void> {
    co_await disk.async_open("/d/f", create_rw, asio::use_awaitable);
    auto [ec, f] = co_await disk.async_open("/d", open_options::read, awaitable_tuple);
    EXPECT_EQ(ec, std::errc::is_a_directory);
    EXPECT_FALSE(f.is_open());
  });
}

TEST(RealStorage, CompletesThroughTheHandlersAssociatedExecutor) {
  temporary_directory tmp;
  asio::io_context io;
  auto strand = asio::make_strand(io);
  moonpool::real::storage disk{io.get_executor(), tmp.path()};
  bool on_strand = false;
  disk.async_open("/f", create_rw,
                  asio::bind_executor(strand, [&](error_code ec, moonpool::real::file) {
                    EXPECT_FALSE(ec);
                    on_strand = strand.running_in_this_thread();
                  }));
  io.run();
  EXPECT_TRUE(on_strand);
}
