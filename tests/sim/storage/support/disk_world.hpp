#pragma once
// A world with one host and its disk, for storage tests.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>

#include "moonpool/sim.hpp"

namespace moonpool::test {

struct disk_world {
  sim::world world;
  sim::host host;

  explicit disk_world(std::uint64_t seed,
                      const sim::storage_config& config = sim::storage_config::fast_local())
      : world(seed), host(world.add_host("10.0.1.1")) {
    world.set_storage_config(config);
  }

  [[nodiscard]] sim::storage storage() const { return sim::storage(host.get_executor()); }

  // Runs `body` (a callable returning awaitable<void>) on the host until the
  // world is quiet, and rethrows what it threw.
  template <class Body>
  void run(Body body) {
    auto task = sim::spawn(host.get_executor(), "test", std::move(body));
    world.run();
    task.get();
  }

  // The host loses power: its work dies, its disk keeps what survives.
  void crash() {
    world.state().destroy_host_work(host.record());
    world.crash_storage(host);
  }
};

// The whole content of `path`, or "<missing>".
inline boost::asio::awaitable<std::string> slurp(sim::storage disk, std::string path) {
  if (!disk.exists(path)) {
    co_return "<missing>";
  }
  sim::file f = co_await disk.async_open(path, sim::open_options::read, boost::asio::use_awaitable);
  std::string content(f.size(), '\0');
  std::size_t done = 0;
  while (done < content.size()) {
    done += co_await f.async_read_some_at(
        done, boost::asio::buffer(content.data() + done, content.size() - done),
        boost::asio::use_awaitable);
  }
  co_return content;
}

// Creates (or replaces) `path` with `content`, synced with its directory.
inline boost::asio::awaitable<void> put_durable(sim::storage disk, std::string path,
                                                std::string content) {
  using sim::open_options;
  sim::file f = co_await disk.async_open(
      path, open_options::write | open_options::create | open_options::truncate,
      boost::asio::use_awaitable);
  std::size_t done = 0;
  while (done < content.size()) {
    done += co_await f.async_write_some_at(
        done, boost::asio::buffer(content.data() + done, content.size() - done),
        boost::asio::use_awaitable);
  }
  co_await f.async_sync(sim::sync_kind::data_and_metadata, boost::asio::use_awaitable);
}

}  // namespace moonpool::test
