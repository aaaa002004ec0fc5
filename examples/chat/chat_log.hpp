#pragma once
// The chat server's history: every message it accepted, in the order it
// accepted them, kept in a log on the host's simulated disk and in memory.
//
// Record: five u64 {checksum, position, sender, seq, body bytes} in host
// order, then the body. The checksum covers the record's offset too.
//
// Append: a batch of records in one positional write, then async_sync;
// only then are they part of the history (acknowledged, broadcast). A crash
// keeps each unsynced write whole or loses it whole (docs/storage.md), so
// a later batch can survive where an earlier one did not: recovery replays
// records while each one checks and carries the next position, cuts the
// file at the first one that does not, and syncs (data and metadata, which
// also makes the file's name durable on the first boot).
//
// Not defended, and left out of sim-chat's chaos: storage faults
// (corruption, misdirected or phantom writes, failed syncs) and
// crash_and_wipe. A log kept in one copy cannot survive either; that takes
// replication.

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
#include <vector>

#include "chat_wire.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace chat {

namespace asio = boost::asio;

inline constexpr const char* log_path = "/chat/log";
inline constexpr std::size_t record_header_bytes = 5 * sizeof(std::uint64_t);
// The log never grows past this: a seed sends far fewer messages.
inline constexpr std::uint64_t log_bytes_max = 4 * 1024 * 1024;

struct entry {
  std::uint64_t position = 0;
  std::uint64_t sender = 0;
  std::uint64_t seq = 0;
  std::string body;
};

inline std::uint64_t record_checksum(std::uint64_t offset, const entry& e) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char ch : e.body) {
    h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001B3ULL;
  }
  return mix(mix(mix(mix(0x63686174'6c6f67ULL ^ offset) ^ e.position) ^ e.sender) ^ e.seq) ^ h;
}

inline void append_record(std::string& image, std::uint64_t offset, const entry& e) {
  const std::array<std::uint64_t, 5> words{record_checksum(offset, e), e.position, e.sender, e.seq,
                                           e.body.size()};
  const std::size_t at = image.size();
  image.resize(at + record_header_bytes);
  std::memcpy(image.data() + at, words.data(), record_header_bytes);
  image += e.body;
}

// The record at `offset` of `image` if it checks and carries `position`.
inline std::optional<entry> parse_record(const std::string& image, std::uint64_t offset,
                                         std::uint64_t position) {
  if (offset + record_header_bytes > image.size()) {
    return std::nullopt;
  }
  std::array<std::uint64_t, 5> words{};
  std::memcpy(words.data(), image.data() + offset, record_header_bytes);
  const std::uint64_t body_bytes = words[4];
  if (body_bytes > body_bytes_max || offset + record_header_bytes + body_bytes > image.size()) {
    return std::nullopt;
  }
  entry e{words[1], words[2], words[3], image.substr(offset + record_header_bytes, body_bytes)};
  if (e.position != position || words[0] != record_checksum(offset, e)) {
    return std::nullopt;
  }
  return e;
}

inline void throw_if(const boost::system::error_code& ec, const char* what) {
  if (ec) {
    throw boost::system::system_error(ec, what);
  }
}

class chat_log {
 public:
  explicit chat_log(moonpool::sim::Context& ctx) : ctx_(ctx), file_(ctx.get_executor()) {}

  [[nodiscard]] const std::vector<entry>& entries() const noexcept { return entries_; }
  // The position of the last message in the history (0: none).
  [[nodiscard]] std::uint64_t end_position() const noexcept { return entries_.size(); }
  // The highest seq of `sender` in the history (0: none). A sender's
  // messages enter in seq order (chat_server.hpp says why), so every seq up
  // to this one is in.
  [[nodiscard]] std::uint64_t last_seq(std::uint64_t sender) const {
    auto it = last_seq_.find(sender);
    return it == last_seq_.end() ? 0 : it->second;
  }

  asio::awaitable<void> recover() {
    using moonpool::sim::open_options;
    auto [open_ec, f] = co_await ctx_.storage().async_open(
        log_path, open_options::read_write | open_options::create,
        asio::as_tuple(asio::use_awaitable));
    throw_if(open_ec, "open the log");
    if (f.size() > log_bytes_max) {
      throw std::runtime_error("the chat log grew past its bound of " +
                               std::to_string(log_bytes_max) + " bytes");
    }
    std::string image(f.size(), '\0');
    if (!image.empty()) {
      auto [read_ec, n] = co_await asio::async_read_at(f, 0, asio::buffer(image),
                                                       asio::as_tuple(asio::use_awaitable));
      throw_if(read_ec, "read the log");
    }
    std::uint64_t offset = 0;
    while (std::optional<entry> e = parse_record(image, offset, entries_.size() + 1)) {
      offset += record_header_bytes + e->body.size();
      accept(std::move(*e));
    }
    if (offset < image.size()) {
      // What follows is from a batch that was never synced: cut it off,
      // durably, before appending. Defensive: the committer syncs each
      // batch before writing the next, so a crash leaves at most one
      // unsynced batch, at the end, kept whole or lost whole.
      f.resize(offset);
    }
    auto [sync_ec] = co_await f.async_sync(moonpool::sim::sync_kind::data_and_metadata,
                                           asio::as_tuple(asio::use_awaitable));
    throw_if(sync_ec, "sync the log after recovery");
    MP_SOMETIMES(!entries_.empty(), "chat: a rebooted server recovered its history from the log");
    file_ = std::move(f);
    end_offset_ = offset;
  }

  // Writes a batch behind the history (not yet durable, not yet in it).
  asio::awaitable<void> write(const std::vector<entry>& batch) {
    image_.clear();
    for (const entry& e : batch) {
      append_record(image_, end_offset_ + image_.size(), e);
    }
    if (end_offset_ + image_.size() > log_bytes_max) {
      throw std::runtime_error("the chat log would grow past its bound of " +
                               std::to_string(log_bytes_max) + " bytes");
    }
    auto [ec, n] = co_await asio::async_write_at(file_, end_offset_, asio::buffer(image_),
                                                 asio::as_tuple(asio::use_awaitable));
    throw_if(ec, "write to the log");
  }

  // Makes the written batch durable, then adds it to the history.
  asio::awaitable<void> commit(std::vector<entry> batch) {
    auto [ec] = co_await file_.async_sync(moonpool::sim::sync_kind::data,
                                          asio::as_tuple(asio::use_awaitable));
    throw_if(ec, "sync the log");
    end_offset_ += image_.size();
    for (entry& e : batch) {
      accept(std::move(e));
    }
  }

 private:
  void accept(entry e) {
    last_seq_[e.sender] = e.seq;
    entries_.push_back(std::move(e));
  }

  moonpool::sim::Context& ctx_;
  moonpool::sim::file file_;
  std::vector<entry> entries_;
  std::map<std::uint64_t, std::uint64_t> last_seq_;
  std::uint64_t end_offset_ = 0;
  std::string image_;  // the batch written and not yet committed
};

}  // namespace chat
