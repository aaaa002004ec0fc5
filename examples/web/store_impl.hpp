#pragma once
// The bodies of store<P>'s log operations (store.hpp has the contract).

#include "store.hpp"

namespace web {

template <moonpool::providers P>
asio::awaitable<void> store<P>::append(record r) {
  const std::string bytes = detail::encode(end_, r);
  file_type& f = *log_;
  auto [write_ec, n] = co_await bounded(
      asio::async_write_at(f, end_, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable)));
  detail::throw_if(write_ec, "write a record");
  if (!options_.ack_before_sync) {
    auto [sync_ec] =
        co_await bounded(f.async_sync(sync_kind::data, asio::as_tuple(asio::use_awaitable)));
    detail::throw_if(sync_ec, "sync a record");
  }
  if (!co_await reads_back(f, end_, bytes)) {
    MP_REACHABLE("web: a written record did not read back");
    throw boost::system::system_error(asio::error::fault, "a record did not read back");
  }
  end_ += bytes.size();
  ++next_lsn_;
}

template <moonpool::providers P>
asio::awaitable<bool> store<P>::reads_back(file_type& f, std::uint64_t offset,
                                           const std::string& expected) {
  std::string seen(expected.size(), '\0');
  for (int attempt = 0; attempt < read_attempts_max; ++attempt) {
    auto [ec, n] = co_await bounded(
        asio::async_read_at(f, offset, asio::buffer(seen), asio::as_tuple(asio::use_awaitable)));
    if (ec == asio::error::operation_aborted) {
      throw boost::system::system_error(ec, "read a record back");
    }
    if (!ec && n == expected.size() && seen == expected) {
      co_return true;
    }
  }
  co_return false;
}

template <moonpool::providers P>
asio::awaitable<std::optional<record>> store<P>::read_record_once(file_type& f,
                                                                  std::uint64_t offset,
                                                                  std::uint64_t lsn) {
  detail::header h;
  auto [header_ec, header_n] = co_await bounded(asio::async_read_at(
      f, offset, asio::buffer(&h, header_bytes), asio::as_tuple(asio::use_awaitable)));
  detail::throw_if(header_ec, "read a record header");
  if (h.lsn != lsn || h.payload_bytes > payload_bytes_max ||
      offset + header_bytes + h.payload_bytes > f.size()) {
    co_return std::nullopt;
  }
  record r{h.lsn, h.id, static_cast<record_kind>(h.kind), std::string(h.payload_bytes, '\0')};
  if (h.payload_bytes > 0) {
    auto [payload_ec, payload_n] = co_await bounded(asio::async_read_at(
        f, offset + header_bytes, asio::buffer(r.payload), asio::as_tuple(asio::use_awaitable)));
    detail::throw_if(payload_ec, "read a record payload");
  }
  if (h.checksum != detail::record_checksum(offset, r)) {
    co_return std::nullopt;
  }
  co_return r;
}

template <moonpool::providers P>
asio::awaitable<std::optional<record>> store<P>::read_record(file_type& f, std::uint64_t offset,
                                                             std::uint64_t lsn) {
  if (offset + header_bytes > f.size()) {
    co_return std::nullopt;  // the end of the log
  }
  for (int attempt = 0; attempt < read_attempts_max; ++attempt) {
    if (std::optional<record> r = co_await read_record_once(f, offset, lsn)) {
      co_return r;
    }
  }
  MP_REACHABLE("web: recovery stopped at a torn or corrupt record");
  co_return std::nullopt;
}

// Applies a replayed record; false when it cannot be one this store wrote.
template <moonpool::providers P>
bool store<P>::apply(const record& r) {
  if (r.id == 0 || (r.kind != record_kind::put && r.kind != record_kind::remove)) {
    return false;
  }
  if (r.kind == record_kind::put) {
    auto parsed = parse_item(r.payload);
    if (!std::holds_alternative<item>(parsed)) {
      return false;
    }
    items_[r.id] = std::get<item>(std::move(parsed));
  } else {
    items_.erase(r.id);
  }
  next_id_ = std::max(next_id_, r.id + 1);
  return true;
}

template <moonpool::providers P>
asio::awaitable<std::optional<typename P::file_type>> store<P>::open_log() {
  auto open = [](storage_type disk) -> asio::awaitable<std::optional<file_type>> {
    auto [ec, f] =
        co_await disk.async_open(log_path, open_options::read_write | open_options::create,
                                 asio::as_tuple(asio::use_awaitable));
    detail::throw_if(ec, "open the log");
    co_return std::optional<file_type>(std::move(f));
  };
  co_return co_await bounded(open(providers_.storage()));
}

template <moonpool::providers P>
asio::awaitable<void> store<P>::recover() {
  ready_ = false;
  log_.reset();
  items_.clear();
  next_id_ = 1;
  std::optional<file_type> opened = co_await open_log();
  file_type& f = *opened;
  std::uint64_t offset = 0;
  std::uint64_t lsn = 1;
  while (const std::optional<record> r = co_await read_record(f, offset, lsn)) {
    if (!apply(*r)) {
      break;
    }
    offset += header_bytes + r->payload.size();
    ++lsn;
  }
  if (f.size() > offset) {
    // What follows the first bad record is from an earlier life: cut it
    // off (durably, with the sync below) before appending behind it.
    f.resize(offset);
  }
  // data_and_metadata also makes the name /web/log durable.
  auto [sync_ec] = co_await bounded(
      f.async_sync(sync_kind::data_and_metadata, asio::as_tuple(asio::use_awaitable)));
  detail::throw_if(sync_ec, "sync the log after recovery");
  MP_SOMETIMES(lsn > 1, "web: recovery replayed records");
  log_ = std::move(opened);
  end_ = offset;
  next_lsn_ = lsn;
  ready_ = true;
}

}  // namespace web
