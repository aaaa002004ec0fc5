#pragma once
// The service's items, kept in a write-ahead log on the bundle's storage.
// One template over the provider bundle: moonpool::real::providers ships it
// on real files, moonpool::sim::providers tests it on a simulated disk.
//
// Log: records appended at /web/log. A record is a 32-byte header
// {checksum, lsn, id, kind, payload_bytes} (host order) and a payload (the
// item's JSON for a put, nothing for a delete). The checksum covers the
// record's offset, its header and its payload, so a misdirected read (the
// bytes of another place) fails it too.
//
// A write (create, replace, remove) takes the store's lock, writes its
// record, syncs it, reads it back (a phantom or corrupted write shows
// there), and only then changes the map and returns: the caller answers the
// client after that, so an acknowledged write is on disk. Any storage
// failure fails the request and breaks the store; the next request recovers
// from disk first, as after a reboot.
//
// Recovery: replay records while each checks and its lsn follows the last
// one (a bad record is re-read a few times: read faults are per read), stop
// at the first torn or corrupt one, cut the file there and sync it (with its
// name, data_and_metadata), so that no stale record of an earlier life can
// reappear behind new ones.
//
// Ids: the next id is one past the largest id any record names, creates and
// deletes alike, and records are never dropped (there is no compaction), so
// an id acknowledged once is never issued again, across restarts and
// crashes. Only losing the disk itself (the simulation's crash_and_wipe)
// starts ids again at 1. The log's growth is bounded by log_bytes_max;
// past it writes fail with log_full (HTTP 507).
//
// Not defended: misdirected writes. They overwrite records already synced
// and verified, and a log kept in one copy cannot survive that (it takes a
// second copy, or replication); sim-web leaves that fault kind out.

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write_at.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "checksum.hpp"
#include "item.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/core/providers.hpp"
#include "moonpool/sim/storage/open_options.hpp"
#include "timeout.hpp"

namespace web {

namespace asio = boost::asio;
using namespace std::chrono_literals;
// Both bundles' storage takes these very types (docs/storage.md).
using open_options = moonpool::sim::open_options;
using sync_kind = moonpool::sim::sync_kind;

// A storage operation failed or hung: the write's outcome is unknown.
struct storage_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The log reached log_bytes_max: nothing was written.
struct log_full : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct store_options {
  // A storage operation that takes longer has hung (a stalled disk).
  std::chrono::nanoseconds storage_operation_limit = 2s;
  std::uint64_t log_bytes_max = 64ULL << 20;
  // The deliberate bug of sim-web-bug: answer before async_sync.
  bool ack_before_sync = false;
};

inline constexpr const char* log_path = "/web/log";
inline constexpr std::uint64_t header_bytes = 32;
inline constexpr std::uint64_t payload_bytes_max = 4096;
// Reads of one record before it counts as bad (read faults are per read).
inline constexpr int read_attempts_max = 4;
// Recoveries at boot before the service gives up on its disk.
inline constexpr int boot_recovery_attempts_max = 1000;

enum class record_kind : std::uint32_t { put = 1, remove = 2 };

struct record {
  std::uint64_t lsn = 0;
  std::uint64_t id = 0;
  record_kind kind = record_kind::put;
  std::string payload;
};

namespace detail {

inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline std::uint64_t record_checksum(std::uint64_t offset, const record& r) {
  const std::uint64_t shape =
      (static_cast<std::uint64_t>(r.kind) << 32) | static_cast<std::uint64_t>(r.payload.size());
  return mix(mix(mix(mix(mix(0x7765'626c'6f67ULL ^ offset) ^ r.lsn) ^ r.id) ^ shape) ^
             fnv1a{}.add(r.payload).value());
}

struct header {
  std::uint64_t checksum = 0;
  std::uint64_t lsn = 0;
  std::uint64_t id = 0;
  std::uint32_t kind = 0;
  std::uint32_t payload_bytes = 0;
};
static_assert(sizeof(header) == header_bytes);

inline std::string encode(std::uint64_t offset, const record& r) {
  const header h{record_checksum(offset, r), r.lsn, r.id, static_cast<std::uint32_t>(r.kind),
                 static_cast<std::uint32_t>(r.payload.size())};
  std::string bytes(header_bytes, '\0');
  std::memcpy(bytes.data(), &h, header_bytes);
  return bytes + r.payload;
}

inline void throw_if(const boost::system::error_code& ec, const char* what) {
  if (ec) {
    throw boost::system::system_error(ec, what);
  }
}

}  // namespace detail

template <moonpool::providers P>
class store {
 public:
  using storage_type = typename P::storage_type;
  using file_type = typename P::file_type;
  using timer_type = typename P::steady_timer;

  store(P providers, store_options options)
      : providers_(std::move(providers)), options_(options), lock_(providers_.get_executor(), 1) {}

  [[nodiscard]] bool ready() const noexcept { return ready_; }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }

  // Recovers before the service accepts connections, retrying while the
  // disk fails.
  asio::awaitable<void> start() {
    for (int attempt = 1; !ready_; ++attempt) {
      try {
        co_await recover();
      } catch (const boost::system::system_error& e) {
        if (e.code() == asio::error::operation_aborted || attempt == boot_recovery_attempts_max) {
          throw;
        }
      }
      if (!ready_) {
        co_await pause<timer_type>(20ms);
      }
    }
  }

  asio::awaitable<std::optional<item>> get(std::uint64_t id) {
    if (!ready_) {
      held h = co_await acquire();
      co_await ensure_ready();
    }
    const auto it = items_.find(id);
    co_return it == items_.end() ? std::nullopt : std::optional<item>(it->second);
  }

  // The new item's id.
  asio::awaitable<std::uint64_t> create(item i) {
    held h = co_await acquire();
    co_await ensure_ready();
    const std::uint64_t id = next_id_;
    // Named, not a braced temporary in the co_await: g++ 12 destroys such
    // a temporary twice.
    record r{next_lsn_, id, record_kind::put, serialize_item(i)};
    co_await append_or_fail(std::move(r));
    next_id_ = id + 1;
    items_[id] = std::move(i);
    co_return id;
  }

  // False when there is no such item (a replace never creates one).
  asio::awaitable<bool> replace(std::uint64_t id, item i) {
    held h = co_await acquire();
    co_await ensure_ready();
    if (!items_.contains(id)) {
      co_return false;
    }
    record r{next_lsn_, id, record_kind::put, serialize_item(i)};
    co_await append_or_fail(std::move(r));
    items_[id] = std::move(i);
    co_return true;
  }

  // False when there is no such item.
  asio::awaitable<bool> remove(std::uint64_t id) {
    held h = co_await acquire();
    co_await ensure_ready();
    if (!items_.contains(id)) {
      co_return false;
    }
    record r{next_lsn_, id, record_kind::remove, {}};
    co_await append_or_fail(std::move(r));
    items_.erase(id);
    co_return true;
  }

 private:
  using lock_channel = asio::experimental::channel<void(boost::system::error_code)>;

  // The store's lock, held by one writer (or recovery) at a time: records
  // go to the log one after another, each synced before the next starts.
  class held {
   public:
    explicit held(lock_channel* lock) : lock_(lock) {}
    held(held&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
    held& operator=(held&&) = delete;
    ~held() {
      if (lock_ != nullptr) {
        lock_->try_receive([](boost::system::error_code) {});
      }
    }

   private:
    lock_channel* lock_;
  };

  asio::awaitable<held> acquire() {
    co_await lock_.async_send(boost::system::error_code{}, asio::use_awaitable);
    co_return held(&lock_);
  }

  template <class T>
  asio::awaitable<T> bounded(asio::awaitable<T> op) {
    return with_timeout<timer_type>(options_.storage_operation_limit, std::move(op));
  }

  [[noreturn]] void fail(const boost::system::system_error& e) {
    ready_ = false;
    if (e.code() == asio::error::operation_aborted) {
      throw e;  // shutting down
    }
    MP_REACHABLE("web: a storage failure failed a request");
    throw storage_failure(e.what());
  }

  // With the lock held: recovers if a failure broke the store.
  asio::awaitable<void> ensure_ready() {
    if (ready_) {
      co_return;
    }
    try {
      co_await recover();
    } catch (const boost::system::system_error& e) {
      fail(e);
    }
  }

  asio::awaitable<void> append_or_fail(record r) {
    const std::uint64_t bytes = header_bytes + r.payload.size();
    if (end_ + bytes > options_.log_bytes_max) {
      throw log_full("the log is full");
    }
    try {
      co_await append(std::move(r));
    } catch (const boost::system::system_error& e) {
      fail(e);
    }
  }

  asio::awaitable<void> append(record r);
  asio::awaitable<void> recover();
  asio::awaitable<std::optional<record>> read_record(file_type& f, std::uint64_t offset,
                                                     std::uint64_t lsn);
  asio::awaitable<std::optional<record>> read_record_once(file_type& f, std::uint64_t offset,
                                                          std::uint64_t lsn);
  asio::awaitable<bool> reads_back(file_type& f, std::uint64_t offset, const std::string& expected);
  asio::awaitable<std::optional<file_type>> open_log();
  bool apply(const record& r);

  P providers_;
  store_options options_;
  lock_channel lock_;
  std::optional<file_type> log_;
  std::map<std::uint64_t, item> items_;
  std::uint64_t end_ = 0;       // where the next record goes
  std::uint64_t next_lsn_ = 1;  // its lsn
  std::uint64_t next_id_ = 1;
  bool ready_ = false;
};

}  // namespace web

#include "store_impl.hpp"
