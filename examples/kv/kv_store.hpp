#pragma once
// The storage half of sim-kv: a key-value map kept in a write-ahead log on
// the host's simulated disk.
//
// Log: fixed 32-byte records {checksum, lsn, key, value} (u64, host order),
// appended at positional offsets. The checksum hashes the record's offset
// too, so a misdirected read (the bytes of another record) fails it.
//
// Put: write the record, sync it, read it back (a phantom, corrupted or
// misdirected write shows up here), then acknowledge. Any storage failure
// fails the request and marks the store broken: before the next request it
// recovers from disk, exactly as after a reboot.
//
// Recovery: replay records while each one checks (re-reading a bad one a
// few times: read corruption is per read), stop at the first torn or
// corrupt record, cut the file there and sync it, so that no stale record
// from an earlier life can reappear behind new ones.
//
// Compaction: write every live key to /kv/log.new, sync and verify it,
// rename it over /kv/log, sync the directory, and append there from then on.
//
// Not defended: misdirected writes. They overwrite records already synced
// and verified, and a log kept in one copy cannot survive that (it takes a
// second copy, or replication); sim-kv leaves that fault kind out.

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write_at.hpp>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "kv_main.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace kv {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline constexpr const char* log_directory = "/kv";
inline constexpr const char* log_path = "/kv/log";
inline constexpr const char* compacted_path = "/kv/log.new";
inline constexpr std::uint64_t record_bytes = 32;
// Compact once the log holds this many records more than there are keys.
inline constexpr std::uint64_t compaction_slack_records = 48;
// A storage operation that takes longer has hung (hang_probability).
inline constexpr auto storage_operation_limit = 500ms;
// Reads of one record before it counts as bad (read faults are per read).
inline constexpr int read_attempts_max = 4;

struct record {
  std::uint64_t lsn = 0;
  std::uint64_t key = 0;
  std::uint64_t value = 0;
};

using record_bytes_array = std::array<char, record_bytes>;

inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline std::uint64_t checksum(std::uint64_t offset, const record& r) {
  return mix(mix(mix(mix(0x6b76'6c6f'6700ULL ^ offset) ^ r.lsn) ^ r.key) ^ r.value);
}

inline record_bytes_array encode(std::uint64_t offset, const record& r) {
  const std::array<std::uint64_t, 4> words{checksum(offset, r), r.lsn, r.key, r.value};
  record_bytes_array bytes{};
  std::memcpy(bytes.data(), words.data(), record_bytes);
  return bytes;
}

// The record stored at `offset`, or nothing when the bytes do not check.
inline std::optional<record> decode(std::uint64_t offset, const record_bytes_array& bytes) {
  std::array<std::uint64_t, 4> words{};
  std::memcpy(words.data(), bytes.data(), record_bytes);
  const record r{words[1], words[2], words[3]};
  if (r.lsn == 0 || words[0] != checksum(offset, r)) {
    return std::nullopt;
  }
  return r;
}

template <class T>
asio::awaitable<T> bounded(asio::awaitable<T> op) {
  return moonpool::sim::timeout(storage_operation_limit, std::move(op));
}

inline void throw_if(const boost::system::error_code& ec, const char* what) {
  if (ec) {
    throw boost::system::system_error(ec, what);
  }
}

// Opens a file within the time limit (an optional: the timeout needs a
// result it can default-construct, which a file is not).
inline asio::awaitable<std::optional<moonpool::sim::file>> open_within_limit(
    moonpool::sim::storage disk, std::string path, moonpool::sim::open_options options) {
  auto open =
      [](moonpool::sim::storage d, std::string p,
         moonpool::sim::open_options o) -> asio::awaitable<std::optional<moonpool::sim::file>> {
    auto [ec, f] = co_await d.async_open(std::move(p), o, asio::as_tuple(asio::use_awaitable));
    throw_if(ec, "open");
    co_return std::optional<moonpool::sim::file>(std::move(f));
  };
  co_return co_await bounded(open(disk, std::move(path), options));
}

class store {
 public:
  store(moonpool::sim::Context& ctx, bugs b) : ctx_(ctx), bugs_(b), log_(ctx.get_executor()) {}

  [[nodiscard]] bool ready() const noexcept { return ready_; }
  void mark_broken() noexcept { ready_ = false; }
  [[nodiscard]] const bugs& shortcuts() const noexcept { return bugs_; }

  [[nodiscard]] std::optional<std::uint64_t> get(std::uint64_t key) const {
    auto it = map_.find(key);
    return it == map_.end() ? std::nullopt : std::optional(it->second);
  }

  // Recovers, retrying while the disk fails; a disk that fails this often
  // for this long is a bug in the simulation, not a fault to ride out.
  asio::awaitable<void> ensure_ready() {
    constexpr int attempts_max = 1000;
    for (int attempt = 0; !ready_; ++attempt) {
      if (attempt == attempts_max) {
        throw std::runtime_error("the log could not be recovered in 1000 attempts");
      }
      bool failed = false;
      try {
        co_await recover();
      } catch (const boost::system::system_error& e) {
        if (e.code() == asio::error::operation_aborted) {
          throw;
        }
        failed = true;
      }
      if (failed) {
        co_await moonpool::sim::sleep(20ms);
      }
    }
  }

  // Writes the record of a put (not yet durable, not yet applied).
  asio::awaitable<void> write(std::uint64_t key, std::uint64_t value) {
    pending_ = record{next_lsn_, key, value};
    pending_bytes_ = encode(end_, *pending_);
    auto [ec, n] = co_await bounded(asio::async_write_at(log_, end_, asio::buffer(pending_bytes_),
                                                         asio::as_tuple(asio::use_awaitable)));
    throw_if(ec, "write");
  }

  // Makes the written record durable, checks it, and applies it.
  asio::awaitable<void> commit() {
    auto [ec] = co_await bounded(
        log_.async_sync(moonpool::sim::sync_kind::data, asio::as_tuple(asio::use_awaitable)));
    throw_if(ec, "sync");
    if (!co_await reads_back(log_, end_, pending_bytes_)) {
      MP_REACHABLE("kv: a written record did not read back");
      throw boost::system::system_error(asio::error::fault, "the record did not read back");
    }
    map_[pending_->key] = pending_->value;
    end_ += record_bytes;
    ++next_lsn_;
    ++records_in_log_;
    pending_.reset();
  }

  [[nodiscard]] bool wants_compaction() const noexcept {
    return ready_ && records_in_log_ >= map_.size() + compaction_slack_records;
  }

  asio::awaitable<void> compact();

 private:
  asio::awaitable<void> recover();
  asio::awaitable<std::optional<record>> read_record(moonpool::sim::file& f, std::uint64_t offset,
                                                     std::optional<std::uint64_t> lsn);
  asio::awaitable<bool> reads_back(moonpool::sim::file& f, std::uint64_t offset,
                                   const std::string_view expected);
  asio::awaitable<bool> reads_back(moonpool::sim::file& f, std::uint64_t offset,
                                   const record_bytes_array& expected) {
    return reads_back(f, offset, std::string_view(expected.data(), expected.size()));
  }

  moonpool::sim::Context& ctx_;
  bugs bugs_;
  moonpool::sim::file log_;
  std::map<std::uint64_t, std::uint64_t> map_;
  std::uint64_t end_ = 0;       // where the next record goes
  std::uint64_t next_lsn_ = 1;  // its lsn
  std::uint64_t records_in_log_ = 0;
  std::optional<record> pending_;
  record_bytes_array pending_bytes_{};
  bool ready_ = false;
};

inline asio::awaitable<bool> store::reads_back(moonpool::sim::file& f, std::uint64_t offset,
                                               const std::string_view expected) {
  std::string seen(expected.size(), '\0');
  for (int attempt = 0; attempt < read_attempts_max; ++attempt) {
    auto [ec, n] = co_await bounded(
        asio::async_read_at(f, offset, asio::buffer(seen), asio::as_tuple(asio::use_awaitable)));
    if (ec == asio::error::operation_aborted) {
      throw boost::system::system_error(ec, "read back");
    }
    if (!ec && n == expected.size() && seen == expected) {
      co_return true;
    }
  }
  co_return false;
}

inline asio::awaitable<std::optional<record>> store::read_record(moonpool::sim::file& f,
                                                                 std::uint64_t offset,
                                                                 std::optional<std::uint64_t> lsn) {
  if (offset + record_bytes > f.size()) {
    co_return std::nullopt;  // the end of the log
  }
  for (int attempt = 0; attempt < read_attempts_max; ++attempt) {
    record_bytes_array bytes{};
    auto [ec, n] = co_await bounded(
        asio::async_read_at(f, offset, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable)));
    throw_if(ec, "read");
    const std::optional<record> r = decode(offset, bytes);
    if (r && (!lsn || r->lsn == *lsn)) {
      co_return r;
    }
  }
  MP_REACHABLE("kv: recovery stopped at a torn or corrupt record");
  co_return std::nullopt;
}

inline asio::awaitable<void> store::recover() {
  ready_ = false;
  log_.close();
  map_.clear();
  pending_.reset();
  using moonpool::sim::open_options;
  std::optional<moonpool::sim::file> opened = co_await open_within_limit(
      ctx_.storage(), log_path, open_options::read_write | open_options::create);
  moonpool::sim::file& f = *opened;
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
  std::optional<std::uint64_t> lsn;
  while (const std::optional<record> r = co_await read_record(f, offset, lsn)) {
    map_[r->key] = r->value;
    lsn = r->lsn + 1;
    offset += record_bytes;
    ++count;
  }
  if (f.size() > offset) {
    // What follows the first bad record is from an earlier life: cut it
    // off (durably, with the sync below) before appending behind it.
    f.resize(offset);
  }
  // data_and_metadata also makes the name /kv/log durable, and with it a
  // compaction's rename.
  auto [sync_ec] = co_await bounded(f.async_sync(moonpool::sim::sync_kind::data_and_metadata,
                                                 asio::as_tuple(asio::use_awaitable)));
  throw_if(sync_ec, "sync after recovery");
  MP_SOMETIMES(count > 0, "kv: recovery replayed records");
  log_ = std::move(f);
  end_ = offset;
  next_lsn_ = lsn.value_or(1);
  records_in_log_ = count;
  ready_ = true;
}

inline asio::awaitable<void> store::compact() {
  using moonpool::sim::open_options;
  auto disk = ctx_.storage();
  std::optional<moonpool::sim::file> opened = co_await open_within_limit(
      disk, compacted_path,
      open_options::read_write | open_options::create | open_options::truncate);
  moonpool::sim::file& fresh = *opened;
  std::string image;
  std::uint64_t lsn = next_lsn_;
  for (const auto& [key, value] : map_) {
    const record_bytes_array bytes = encode(image.size(), record{lsn++, key, value});
    image.append(bytes.data(), bytes.size());
  }
  auto [write_ec, n] = co_await bounded(
      asio::async_write_at(fresh, 0, asio::buffer(image), asio::as_tuple(asio::use_awaitable)));
  throw_if(write_ec, "write the compacted log");
  auto [sync_ec] = co_await bounded(
      fresh.async_sync(moonpool::sim::sync_kind::data, asio::as_tuple(asio::use_awaitable)));
  throw_if(sync_ec, "sync the compacted log");
  if (!co_await reads_back(fresh, 0, image)) {
    // The old log is untouched: give up this compaction, keep going.
    MP_REACHABLE("kv: a compacted log did not read back");
    co_return;
  }
  // From here on the old log may be gone: a failure breaks the store.
  ready_ = false;
  auto [rename_ec] = co_await bounded(
      disk.async_rename(compacted_path, log_path, asio::as_tuple(asio::use_awaitable)));
  throw_if(rename_ec, "rename the compacted log");
  if (!bugs_.rename_without_directory_sync) {
    auto [dir_ec] = co_await bounded(
        disk.async_sync_directory(log_directory, asio::as_tuple(asio::use_awaitable)));
    throw_if(dir_ec, "sync the log directory");
  }
  log_ = std::move(fresh);
  end_ = image.size();
  next_lsn_ = lsn;
  records_in_log_ = map_.size();
  ready_ = true;
  MP_REACHABLE("kv: the log was compacted");
}

}  // namespace kv
