// The storage API: open options, namespace operations, errors, Asio's
// composed operations and completion tokens, cancellation. What the real
// provider must do alike (access modes, removed names, one stream
// operation at a time, ...) is in tests/storage_conformance.cpp, which runs
// against this disk too.

#include "moonpool/sim/storage/storage.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/write_at.hpp>

#include "storage/support/disk_world.hpp"

namespace asio = boost::asio;
using boost::system::error_code;
using moonpool::sim::file;
using moonpool::sim::open_options;
using moonpool::sim::sync_kind;
using moonpool::test::disk_world;
using moonpool::test::slurp;

namespace {
constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto create_rw = open_options::read_write | open_options::create;
}  // namespace

TEST(Storage, AsioComposedReadAndWriteAtWorkUnchanged) {
  disk_world w{1};
  w.run([&]() -> asio::awaitable<void> {
    auto disk = w.storage();
    file f = co_await disk.async_open("/data/blob", create_rw, asio::use_awaitable);
    const std::string text(10'000, 'q');
    const std::size_t written =
        co_await asio::async_write_at(f, 100, asio::buffer(text), asio::use_awaitable);
    EXPECT_EQ(written, text.size());
    EXPECT_EQ(f.size(), 10'100U);
    std::string back(text.size(), '\0');
    const std::size_t read =
        co_await asio::async_read_at(f, 100, asio::buffer(back), asio::use_awaitable);
    EXPECT_EQ(read, text.size());
    EXPECT_EQ(back, text);
    // The hole before offset 100 reads as zeros, as on a real file.
    char head[100];
    co_await asio::async_read_at(f, 0, asio::buffer(head), asio::use_awaitable);
    EXPECT_EQ(std::string(head, 100), std::string(100, '\0'));
    // At the end: eof, as Asio's files report it.
    auto [ec, n] = co_await f.async_read_some_at(10'100, asio::buffer(head), awaitable_tuple);
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(n, 0U);
  });
}

TEST(Storage, StreamOperationsFollowThePositionAndAppendGoesToTheEnd) {
  disk_world w{2};
  w.run([&]() -> asio::awaitable<void> {
    auto disk = w.storage();
    {
      file f = co_await disk.async_open("/log", open_options::write | open_options::create,
                                        asio::use_awaitable);
      co_await asio::async_write(f, asio::buffer(std::string("hello ")), asio::use_awaitable);
      co_await asio::async_write(f, asio::buffer(std::string("world")), asio::use_awaitable);
    }
    {
      file f = co_await disk.async_open("/log", open_options::append, asio::use_awaitable);
      co_await asio::async_write(f, asio::buffer(std::string("!")), asio::use_awaitable);
    }
    file f = co_await disk.async_open("/log", open_options::read, asio::use_awaitable);
    std::string all;
    auto [ec, n] = co_await asio::async_read(f, asio::dynamic_buffer(all), awaitable_tuple);
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(all, "hello world!");
    EXPECT_EQ(n, 12U);
    // truncate empties the file.
    file t = co_await disk.async_open("/log", open_options::write | open_options::truncate,
                                      asio::use_awaitable);
    EXPECT_EQ(t.size(), 0U);
  });
}

TEST(Storage, OpenReportsTheUsualErrors) {
  disk_world w{3};
  w.run([&]() -> asio::awaitable<void> {
    auto disk = w.storage();
    auto [missing, f1] = co_await disk.async_open("/nope", open_options::read, awaitable_tuple);
    EXPECT_EQ(missing, std::errc::no_such_file_or_directory);
    EXPECT_FALSE(f1.is_open());
    co_await disk.async_open("/x", open_options::write | open_options::create_new,
                             asio::use_awaitable);
    auto [exists, f2] = co_await disk.async_open(
        "/x", open_options::write | open_options::create_new, awaitable_tuple);
    EXPECT_EQ(exists, std::errc::file_exists);
    auto [no_mode, f3] = co_await disk.async_open("/x", open_options::create, awaitable_tuple);
    EXPECT_EQ(no_mode, std::errc::invalid_argument);
    auto [trunc_ro, f4] = co_await disk.async_open(
        "/x", open_options::read | open_options::truncate, awaitable_tuple);
    EXPECT_EQ(trunc_ro, std::errc::invalid_argument);
    auto [bad_path, f5] = co_await disk.async_open("/dir/", create_rw, awaitable_tuple);
    EXPECT_EQ(bad_path, std::errc::invalid_argument);
  });
}

TEST(Storage, RenameRemoveExistsAndListing) {
  disk_world w{5};
  w.run([&]() -> asio::awaitable<void> {
    auto disk = w.storage();
    for (const char* path : {"/d/b", "/d/a", "/d/sub/c", "/e"}) {
      co_await disk.async_open(path, create_rw, asio::use_awaitable);
    }
    EXPECT_EQ(disk.list("/d"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(disk.list("/"), (std::vector<std::string>{"e"}));
    co_await moonpool::test::put_durable(disk, "/d/a", "A");
    co_await disk.async_rename("/d/a", "/d/b", asio::use_awaitable);  // replaces b
    EXPECT_FALSE(disk.exists("/d/a"));
    EXPECT_EQ(co_await slurp(disk, "/d/b"), "A");
    co_await disk.async_remove("/d/b", asio::use_awaitable);
    EXPECT_FALSE(disk.exists("/d/b"));
    auto [remove_ec] = co_await disk.async_remove("/d/b", awaitable_tuple);
    EXPECT_EQ(remove_ec, std::errc::no_such_file_or_directory);
    auto [rename_ec] = co_await disk.async_rename("/d/zz", "/d/y", awaitable_tuple);
    EXPECT_EQ(rename_ec, std::errc::no_such_file_or_directory);
    EXPECT_TRUE(disk.list("/d").empty());
  });
}

TEST(Storage, CallbacksWorkAndCompleteOutsideTheInitiatingCall) {
  disk_world w{7};
  bool opened = false;
  bool inside = true;
  w.storage().async_open("/cb", create_rw, [&](error_code ec, file f) {
    EXPECT_FALSE(inside);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(f.is_open());
    opened = true;
  });
  inside = false;
  w.world.run();
  EXPECT_TRUE(opened);
}

TEST(Storage, PerOperationCancellationAbortsAndTheWriteIsNotApplied) {
  disk_world w{8, moonpool::sim::storage_config{}};  // realistic latencies
  w.run([&]() -> asio::awaitable<void> {
    auto disk = w.storage();
    file f = co_await disk.async_open("/c", create_rw, asio::use_awaitable);
    asio::cancellation_signal signal;
    error_code result;
    bool done = false;
    f.async_write_some_at(
        0, asio::buffer(std::string("lost")),
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, std::size_t) {
          result = ec;
          done = true;
        }));
    signal.emit(asio::cancellation_type::terminal);
    co_await moonpool::sim::sleep(std::chrono::seconds(1));
    EXPECT_TRUE(done);
    EXPECT_EQ(result, asio::error::operation_aborted);
    EXPECT_EQ(f.size(), 0U);
    // Closing a file aborts what it has pending.
    f.async_write_some_at(0, asio::buffer(std::string("also lost")),
                          [&](error_code ec, std::size_t) { result = ec; });
    f.close();
    co_await moonpool::sim::sleep(std::chrono::seconds(1));
    EXPECT_EQ(result, asio::error::operation_aborted);
  });
}

TEST(Storage, NeedsAHostExecutor) {
  moonpool::sim::world world{1};
  EXPECT_THROW(moonpool::sim::storage{world.get_executor()}, std::logic_error);
}

TEST(Storage, HostsHaveSeparateDisks) {
  disk_world w{10};
  auto other = w.world.add_host("10.0.1.2");
  w.run([&]() -> asio::awaitable<void> {
    co_await moonpool::test::put_durable(w.storage(), "/only-here", "x");
    EXPECT_TRUE(w.storage().exists("/only-here"));
    EXPECT_FALSE(moonpool::sim::storage(other.get_executor()).exists("/only-here"));
  });
}
