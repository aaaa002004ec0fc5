// One suite of file behaviours, two backends: every test runs the same code
// against the simulated storage (a world with storage_config::fast_local(),
// faults off) and against the production provider (real files in a fresh
// temporary directory, removed afterwards). What only one backend can show
// is tested beside it: durability across crashes and the fault catalogue
// in tests/sim/storage/ (a real disk cannot be made to lose power on
// demand), the real root, path mapping and directories in
// tests/real/storage/storage.cpp.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/write_at.hpp>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "moonpool/real/storage.hpp"
#include "storage/support/disk_world.hpp"

namespace asio = boost::asio;
using boost::system::error_code;
using moonpool::sim::open_options;
using moonpool::sim::sync_kind;

namespace {

constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto create_rw = open_options::read_write | open_options::create;

// The simulated backend: one host of a world, its disk without faults.
class sim_backend {
 public:
  using storage_type = moonpool::sim::storage;

  [[nodiscard]] storage_type storage() const { return world_.storage(); }
  template <class Body>
  void run(Body body) {
    world_.run(std::move(body));
  }
  // Runs what callbacks started until nothing is left.
  void drain() { world_.world.run(); }

 private:
  moonpool::test::disk_world world_{1};
};

// The production backend: real files under a fresh temporary directory.
class real_backend {
 public:
  using storage_type = moonpool::real::storage;

  real_backend() : root_(make_temporary_directory()) {}
  real_backend(const real_backend&) = delete;
  real_backend& operator=(const real_backend&) = delete;
  ~real_backend() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  [[nodiscard]] storage_type storage() { return storage_type(io_.get_executor(), root_); }
  template <class Body>
  void run(Body body) {
    std::exception_ptr failure;
    asio::co_spawn(io_, std::move(body), [&](std::exception_ptr e) { failure = e; });
    drain();
    if (failure) {
      std::rethrow_exception(failure);
    }
  }
  void drain() {
    io_.run();
    io_.restart();
  }

 private:
  static std::filesystem::path make_temporary_directory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "moonpool-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    return pattern;
  }

  std::filesystem::path root_;
  asio::io_context io_;
};

// The whole content of `path`, or "<missing>".
template <class Storage>
asio::awaitable<std::string> slurp(Storage disk, std::string path) {
  if (!disk.exists(path)) {
    co_return "<missing>";
  }
  auto f = co_await disk.async_open(path, open_options::read, asio::use_awaitable);
  std::string content(f.size(), '\0');
  co_await asio::async_read_at(f, 0, asio::buffer(content), asio::use_awaitable);
  co_return content;
}

// Creates (or replaces) `path` with `content`.
template <class Storage>
asio::awaitable<void> put(Storage disk, std::string path, std::string content) {
  auto f = co_await disk.async_open(
      path, open_options::write | open_options::create | open_options::truncate,
      asio::use_awaitable);
  co_await asio::async_write_at(f, 0, asio::buffer(content), asio::use_awaitable);
}

// The example of docs/storage.md ("One store, two worlds"), written once.
template <class Storage>
asio::awaitable<void> replace(Storage disk, std::string path, std::string content) {
  using moonpool::sim::open_options;
  using moonpool::sim::sync_kind;
  auto f = co_await disk.async_open(
      path + ".new", open_options::write | open_options::create | open_options::truncate,
      asio::use_awaitable);
  co_await asio::async_write_at(f, 0, asio::buffer(content), asio::use_awaitable);
  co_await f.async_sync(sync_kind::data, asio::use_awaitable);
  co_await disk.async_rename(path + ".new", path, asio::use_awaitable);
  co_await disk.async_sync_directory(path.substr(0, path.rfind('/')), asio::use_awaitable);
}

}  // namespace

template <class Backend>
class StorageConformance : public ::testing::Test {
 protected:
  using storage_type = typename Backend::storage_type;
  using file_type = typename storage_type::file_type;

  Backend backend;
};

using backends = ::testing::Types<sim_backend, real_backend>;
class backend_names {
 public:
  template <class Backend>
  static std::string GetName(int) {
    return std::is_same_v<Backend, sim_backend> ? "sim" : "real";
  }
};
TYPED_TEST_SUITE(StorageConformance, backends, backend_names);

TYPED_TEST(StorageConformance, OpenFlagsAndTheirErrors) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto [missing, f1] = co_await disk.async_open("/nope", open_options::read, awaitable_tuple);
    EXPECT_EQ(missing, std::errc::no_such_file_or_directory);
    EXPECT_FALSE(f1.is_open());
    auto [created, f2] = co_await disk.async_open(
        "/x", open_options::write | open_options::create_new, awaitable_tuple);
    EXPECT_FALSE(created);
    EXPECT_TRUE(f2.is_open());
    auto [exists, f3] = co_await disk.async_open(
        "/x", open_options::write | open_options::create_new, awaitable_tuple);
    EXPECT_EQ(exists, std::errc::file_exists);
    EXPECT_FALSE(f3.is_open());
    // create opens an existing file without emptying it.
    co_await put(disk, "/x", "kept");
    auto reopened = co_await disk.async_open("/x", create_rw, asio::use_awaitable);
    EXPECT_EQ(reopened.size(), 4U);
    auto [no_mode, f4] = co_await disk.async_open("/x", open_options::create, awaitable_tuple);
    EXPECT_EQ(no_mode, std::errc::invalid_argument);
    auto [trunc_ro, f5] = co_await disk.async_open(
        "/x", open_options::read | open_options::truncate, awaitable_tuple);
    EXPECT_EQ(trunc_ro, std::errc::invalid_argument);
    auto [trailing, f6] = co_await disk.async_open("/dir/", create_rw, awaitable_tuple);
    EXPECT_EQ(trailing, std::errc::invalid_argument);
    auto [empty, f7] = co_await disk.async_open("", create_rw, awaitable_tuple);
    EXPECT_EQ(empty, std::errc::invalid_argument);
    // Directories are implicit: a file deep in new ones can be created.
    auto [deep, f8] = co_await disk.async_open("/a/b/c", create_rw, awaitable_tuple);
    EXPECT_FALSE(deep);
    EXPECT_TRUE(disk.exists("/a/b/c"));
    // And without create, a missing directory is a missing file.
    auto [no_dir, f9] = co_await disk.async_open("/q/r", open_options::read, awaitable_tuple);
    EXPECT_EQ(no_dir, std::errc::no_such_file_or_directory);
  });
}

TYPED_TEST(StorageConformance, AccessModesAreEnforced) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto wo = co_await disk.async_open("/f", open_options::write | open_options::create,
                                       asio::use_awaitable);
    char byte = 'x';
    auto [read_ec, n1] = co_await wo.async_read_some_at(0, asio::buffer(&byte, 1), awaitable_tuple);
    EXPECT_EQ(read_ec, asio::error::bad_descriptor);
    auto ro = co_await disk.async_open("/f", open_options::read, asio::use_awaitable);
    auto [write_ec, n2] =
        co_await ro.async_write_some_at(0, asio::buffer(&byte, 1), awaitable_tuple);
    EXPECT_EQ(write_ec, asio::error::bad_descriptor);
    error_code resize_ec;
    ro.resize(10, resize_ec);
    EXPECT_EQ(resize_ec, asio::error::bad_descriptor);
    ro.close();
    EXPECT_FALSE(ro.is_open());
    auto [closed_ec, n3] =
        co_await ro.async_read_some_at(0, asio::buffer(&byte, 1), awaitable_tuple);
    EXPECT_EQ(closed_ec, asio::error::bad_descriptor);
    auto [closed_sync] = co_await ro.async_sync(sync_kind::data, awaitable_tuple);
    EXPECT_EQ(closed_sync, asio::error::bad_descriptor);
    EXPECT_THROW((void)ro.size(), boost::system::system_error);
    EXPECT_THROW(ro.cancel(), boost::system::system_error);
  });
}

TYPED_TEST(StorageConformance, PositionalReadsAndWrites) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto f = co_await disk.async_open("/p", create_rw, asio::use_awaitable);
    const std::string text = "positional";
    const std::size_t written =
        co_await f.async_write_some_at(4, asio::buffer(text), asio::use_awaitable);
    EXPECT_GT(written, 0U);
    EXPECT_LE(written, text.size());
    co_await asio::async_write_at(f, 4, asio::buffer(text), asio::use_awaitable);
    EXPECT_EQ(f.size(), 14U);
    // The hole before offset 4 reads as zeros.
    std::string back(14, '?');
    co_await asio::async_read_at(f, 0, asio::buffer(back), asio::use_awaitable);
    EXPECT_EQ(back, std::string(4, '\0') + text);
    // At or past the end: eof and nothing read, as Asio's files report it.
    char tail[8];
    auto [at_end, n1] = co_await f.async_read_some_at(14, asio::buffer(tail), awaitable_tuple);
    EXPECT_EQ(at_end, asio::error::eof);
    EXPECT_EQ(n1, 0U);
    auto [past_end, n2] = co_await f.async_read_some_at(100, asio::buffer(tail), awaitable_tuple);
    EXPECT_EQ(past_end, asio::error::eof);
    EXPECT_EQ(n2, 0U);
    // A read crossing the end returns what there is.
    const std::size_t short_read =
        co_await f.async_read_some_at(10, asio::buffer(tail), asio::use_awaitable);
    EXPECT_EQ(short_read, 4U);
    EXPECT_EQ(std::string(tail, 4), "onal");
    // An empty read or write completes at once with nothing, no error.
    auto [empty_read, n3] =
        co_await f.async_read_some_at(0, asio::mutable_buffer(), awaitable_tuple);
    EXPECT_FALSE(empty_read);
    EXPECT_EQ(n3, 0U);
    auto [empty_write, n4] =
        co_await f.async_write_some_at(0, asio::const_buffer(), awaitable_tuple);
    EXPECT_FALSE(empty_write);
    EXPECT_EQ(n4, 0U);
  });
}

TYPED_TEST(StorageConformance, AsioComposedReadAtAndWriteAtWithBufferSequences) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto f = co_await disk.async_open("/data/blob", create_rw, asio::use_awaitable);
    const std::string a(10'000, 'a');
    const std::string b(3'000, 'b');
    const std::vector<asio::const_buffer> parts{asio::buffer(a), asio::buffer(b)};
    const std::size_t written = co_await asio::async_write_at(f, 100, parts, asio::use_awaitable);
    EXPECT_EQ(written, 13'000U);
    EXPECT_EQ(f.size(), 13'100U);
    std::string first(5'000, '\0');
    std::string second(8'000, '\0');
    const std::vector<asio::mutable_buffer> into{asio::buffer(first), asio::buffer(second)};
    const std::size_t read = co_await asio::async_read_at(f, 100, into, asio::use_awaitable);
    EXPECT_EQ(read, 13'000U);
    EXPECT_EQ(first + second, a + b);
    // Reading more than there is: what there was, then eof.
    std::string too_much(20'000, '\0');
    auto [ec, n] = co_await asio::async_read_at(f, 0, asio::buffer(too_much), awaitable_tuple);
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(n, 13'100U);
  });
}

TYPED_TEST(StorageConformance, StreamOperationsFollowThePosition) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    {
      auto f = co_await disk.async_open("/log", open_options::write | open_options::create,
                                        asio::use_awaitable);
      co_await asio::async_write(f, asio::buffer(std::string("hello ")), asio::use_awaitable);
      co_await asio::async_write(f, asio::buffer(std::string("world")), asio::use_awaitable);
      // Positional operations do not move the position.
      co_await asio::async_write_at(f, 0, asio::buffer(std::string("H")), asio::use_awaitable);
      co_await asio::async_write(f, asio::buffer(std::string("!")), asio::use_awaitable);
    }
    auto f = co_await disk.async_open("/log", open_options::read, asio::use_awaitable);
    std::string head(5, '\0');
    co_await asio::async_read(f, asio::buffer(head), asio::use_awaitable);
    EXPECT_EQ(head, "Hello");
    std::string rest;
    auto [ec, n] = co_await asio::async_read(f, asio::dynamic_buffer(rest), awaitable_tuple);
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(rest, " world!");
    EXPECT_EQ(n, 7U);
    // Each file object has its own position.
    auto other = co_await disk.async_open("/log", open_options::read, asio::use_awaitable);
    char first = 0;
    co_await asio::async_read(other, asio::buffer(&first, 1), asio::use_awaitable);
    EXPECT_EQ(first, 'H');
  });
}

TYPED_TEST(StorageConformance, AppendMovesStreamWritesToTheEnd) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    co_await put(disk, "/wal", "0123456789");
    auto f = co_await disk.async_open("/wal", open_options::append, asio::use_awaitable);
    co_await asio::async_write(f, asio::buffer(std::string("ab")), asio::use_awaitable);
    // Another writer grows the file; the next append still lands at the end.
    auto other = co_await disk.async_open("/wal", open_options::write, asio::use_awaitable);
    co_await asio::async_write_at(other, 12, asio::buffer(std::string("XY")), asio::use_awaitable);
    co_await asio::async_write(f, asio::buffer(std::string("cd")), asio::use_awaitable);
    // A positional write keeps its offset (not Linux's O_APPEND pwrite).
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("#")), asio::use_awaitable);
    EXPECT_EQ(co_await slurp(disk, "/wal"), "#123456789abXYcd");
  });
}

TYPED_TEST(StorageConformance, TruncateSizeAndResize) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    co_await put(disk, "/t", "some bytes");
    auto f = co_await disk.async_open("/t", open_options::read_write | open_options::truncate,
                                      asio::use_awaitable);
    EXPECT_EQ(f.size(), 0U);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("abcdef")), asio::use_awaitable);
    EXPECT_EQ(f.size(), 6U);
    f.resize(3);
    EXPECT_EQ(f.size(), 3U);
    // Growth reads as zeros, seen by every file object at once.
    f.resize(5);
    auto reader = co_await disk.async_open("/t", open_options::read, asio::use_awaitable);
    EXPECT_EQ(reader.size(), 5U);
    EXPECT_EQ(co_await slurp(disk, "/t"), std::string("abc\0\0", 5));
  });
}

TYPED_TEST(StorageConformance, RenameReplacesAndRemoveForgets) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    co_await put(disk, "/d/a", "A");
    co_await put(disk, "/d/b", "B");
    co_await disk.async_rename("/d/a", "/d/b", asio::use_awaitable);  // replaces b
    EXPECT_FALSE(disk.exists("/d/a"));
    EXPECT_EQ(co_await slurp(disk, "/d/b"), "A");
    // Into a directory that holds nothing yet.
    co_await disk.async_rename("/d/b", "/e/moved", asio::use_awaitable);
    EXPECT_EQ(co_await slurp(disk, "/e/moved"), "A");
    auto [rename_missing] = co_await disk.async_rename("/d/zz", "/d/y", awaitable_tuple);
    EXPECT_EQ(rename_missing, std::errc::no_such_file_or_directory);
    EXPECT_FALSE(disk.exists("/d/y"));
    co_await disk.async_remove("/e/moved", asio::use_awaitable);
    EXPECT_FALSE(disk.exists("/e/moved"));
    auto [remove_missing] = co_await disk.async_remove("/e/moved", awaitable_tuple);
    EXPECT_EQ(remove_missing, std::errc::no_such_file_or_directory);
    auto [remove_bad] = co_await disk.async_remove("", awaitable_tuple);
    EXPECT_EQ(remove_bad, std::errc::invalid_argument);
  });
}

TYPED_TEST(StorageConformance, AnOpenFileOutlivesItsRemovedName) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto f = co_await disk.async_open("/tmp", create_rw, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("kept")), asio::use_awaitable);
    co_await disk.async_remove("/tmp", asio::use_awaitable);
    EXPECT_FALSE(disk.exists("/tmp"));
    std::string back(4, '\0');
    co_await asio::async_read_at(f, 0, asio::buffer(back), asio::use_awaitable);
    EXPECT_EQ(back, "kept");
  });
}

TYPED_TEST(StorageConformance, ListShowsTheFilesDirectlyInADirectorySorted) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    for (const char* path : {"/d/b", "/d/a", "/d/sub/c", "/e"}) {
      co_await disk.async_open(path, create_rw, asio::use_awaitable);
    }
    EXPECT_EQ(disk.list("/d"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(disk.list("/d/sub"), (std::vector<std::string>{"c"}));
    EXPECT_EQ(disk.list("/"), (std::vector<std::string>{"e"}));
    EXPECT_TRUE(disk.list("/nowhere").empty());
    // A directory is not a file.
    EXPECT_FALSE(disk.exists("/d"));
    EXPECT_TRUE(disk.exists("/d/sub/c"));
  });
}

TYPED_TEST(StorageConformance, SyncsSucceed) {
  // What a sync makes durable is the simulated model's to show
  // (tests/sim/storage/durability.cpp): a real disk cannot be made to lose
  // power in a test. Here: every kind of sync completes without error.
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto f = co_await disk.async_open("/data/wal", create_rw, asio::use_awaitable);
    co_await asio::async_write_at(f, 0, asio::buffer(std::string("record")), asio::use_awaitable);
    co_await f.async_sync(sync_kind::data, asio::use_awaitable);
    co_await f.async_sync(sync_kind::data_and_metadata, asio::use_awaitable);
    co_await disk.async_rename("/data/wal", "/data/wal.1", asio::use_awaitable);
    co_await disk.async_sync_directory("/data", asio::use_awaitable);
    co_await disk.async_sync_directory("/", asio::use_awaitable);
    EXPECT_EQ(co_await slurp(disk, "/data/wal.1"), "record");
  });
}

TYPED_TEST(StorageConformance, DeferredOperationsStartWhenLaunched) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    auto open =
        disk.async_open("/later", open_options::write | open_options::create_new, asio::deferred);
    EXPECT_FALSE(disk.exists("/later"));
    auto f = co_await std::move(open)(asio::use_awaitable);
    EXPECT_TRUE(f.is_open());
    EXPECT_TRUE(disk.exists("/later"));
  });
}

TYPED_TEST(StorageConformance, CallbacksCompleteOutsideTheInitiatingCall) {
  using file_type = typename TestFixture::file_type;
  auto disk = this->backend.storage();
  std::optional<file_type> f;
  bool inside = true;
  disk.async_open("/cb", create_rw, [&](error_code ec, file_type opened) {
    EXPECT_FALSE(inside);
    EXPECT_FALSE(ec);
    f.emplace(std::move(opened));
  });
  inside = false;
  this->backend.drain();
  ASSERT_TRUE(f && f->is_open());
  std::size_t written = 0;
  inside = true;
  // Buffers stay valid until the handler runs, as Asio requires.
  const std::string x = "x";
  f->async_write_some_at(0, asio::buffer(x), [&](error_code ec, std::size_t n) {
    EXPECT_FALSE(inside);
    EXPECT_FALSE(ec);
    written = n;
  });
  inside = false;
  this->backend.drain();
  EXPECT_EQ(written, 1U);
}

TYPED_TEST(StorageConformance, OneStreamOperationAtATime) {
  using file_type = typename TestFixture::file_type;
  auto disk = this->backend.storage();
  std::optional<file_type> f;
  disk.async_open("/s", create_rw,
                  [&](error_code, file_type opened) { f.emplace(std::move(opened)); });
  this->backend.drain();
  ASSERT_TRUE(f && f->is_open());
  error_code first = asio::error::would_block;
  error_code second;
  const std::string a = "a";
  const std::string b = "b";
  f->async_write_some(asio::buffer(a), [&](error_code ec, std::size_t) { first = ec; });
  f->async_write_some(asio::buffer(b), [&](error_code ec, std::size_t) { second = ec; });
  this->backend.drain();
  EXPECT_FALSE(first);
  EXPECT_EQ(second, asio::error::in_progress);
  EXPECT_EQ(f->size(), 1U);
}

TYPED_TEST(StorageConformance, CancellationAndCloseAbortWithoutEffect) {
  using file_type = typename TestFixture::file_type;
  auto disk = this->backend.storage();
  std::optional<file_type> f;
  disk.async_open("/c", create_rw,
                  [&](error_code, file_type opened) { f.emplace(std::move(opened)); });
  this->backend.drain();
  ASSERT_TRUE(f && f->is_open());
  // Per operation: a cancellation before the write ran aborts it.
  const std::string bytes = "lost";
  asio::cancellation_signal signal;
  error_code cancelled;
  f->async_write_some_at(0, asio::buffer(bytes),
                         asio::bind_cancellation_slot(
                             signal.slot(), [&](error_code ec, std::size_t) { cancelled = ec; }));
  signal.emit(asio::cancellation_type::terminal);
  // The whole file: cancel() aborts what is pending.
  error_code by_cancel;
  f->async_write_some_at(0, asio::buffer(bytes),
                         [&](error_code ec, std::size_t) { by_cancel = ec; });
  f->cancel();
  this->backend.drain();
  EXPECT_EQ(cancelled, asio::error::operation_aborted);
  EXPECT_EQ(by_cancel, asio::error::operation_aborted);
  EXPECT_EQ(f->size(), 0U);
  // Closing aborts too.
  error_code by_close;
  f->async_write_some_at(0, asio::buffer(bytes),
                         [&](error_code ec, std::size_t) { by_close = ec; });
  f->close();
  this->backend.drain();
  EXPECT_EQ(by_close, asio::error::operation_aborted);
  bool checked = false;
  disk.async_open("/c", open_options::read, [&](error_code ec, file_type reopened) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(reopened.size(), 0U);
    checked = true;
  });
  this->backend.drain();
  EXPECT_TRUE(checked);
}

TYPED_TEST(StorageConformance, AStoreWrittenOnceRunsOnBoth) {
  this->backend.run([&]() -> asio::awaitable<void> {
    auto disk = this->backend.storage();
    co_await replace(disk, "/kv/snapshot", "first");
    co_await replace(disk, "/kv/snapshot", "second");
    EXPECT_EQ(co_await slurp(disk, "/kv/snapshot"), "second");
    EXPECT_EQ(disk.list("/kv"), (std::vector<std::string>{"snapshot"}));
  });
}
