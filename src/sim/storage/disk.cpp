#include "moonpool/sim/storage/detail/disk.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <stdexcept>

namespace moonpool::sim::detail::fs {
namespace asio_error = boost::asio::error;
using std::errc;

namespace {

error_code make(errc e) {
  return std::make_error_code(e);
}

error_code check_path(std::string_view path) {
  if (path.empty() || path.back() == '/' || path.find('\0') != std::string_view::npos) {
    return make(errc::invalid_argument);
  }
  return {};
}

void write_into(std::string& image, std::uint64_t offset, std::string_view bytes) {
  if (image.size() < offset + bytes.size()) {
    image.resize(offset + bytes.size(), '\0');
  }
  image.replace(offset, bytes.size(), bytes);
}

void apply_change(std::string& image, const change& c) {
  if (c.is_resize) {
    image.resize(c.offset, '\0');
  } else {
    write_into(image, c.offset, c.bytes);
  }
}

const trace_kinds_registrar storage_kinds_registered{kinds::descriptions};

}  // namespace

std::string_view parent_directory(std::string_view path) noexcept {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    return {};
  }
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

disk::disk(world_state& state, host_record& host, const storage_config* config)
    : state_(state),
      host_(host),
      config_(config),
      // Both schedules start when the disk is first used (it is made then).
      stalls_(mix64(state.seed() ^ 0x7374616C6C730000ULL ^ host.id), state.now()),  // "stalls"
      throttles_(mix64(state.seed() ^ 0x7468726F74746C65ULL ^ host.id), state.now()) {}

void disk::trace(trace_kind kind, std::array<std::uint64_t, 4> fields, std::string_view label) {
  fields[0] = host_.id;
  state_.trace(kind, fields, label, &host_);
}

// --- scheduling ------------------------------------------------------------------

nanoseconds disk::after_stalls(nanoseconds t, std::uint64_t op_id) {
  while (const episode_schedule::episode* stall =
             stalls_.at(t, state_.now(), config().stall_gap, config().stall_length)) {
    if (stall->number >= stalls_counted_) {
      stalls_counted_ = stall->number + 1;
      ++faults_.stalls;
      trace(kinds::fault,
            {0, op_id, static_cast<std::uint64_t>(stall->start.count()),
             static_cast<std::uint64_t>(stall->end.count())},
            "storage.stall");
    }
    t = stall->end;
  }
  return t;
}

nanoseconds disk::transfer_done(std::uint64_t bytes, std::uint64_t op_id) {
  // The reference's per-operation cost (1 s / IOPS + bytes / bandwidth),
  // spent on the device one transfer at a time: concurrent operations queue.
  const std::uint64_t iops = std::max<std::uint64_t>(config().iops_max, 1);
  const std::uint64_t bandwidth =
      std::max<std::uint64_t>(config().bandwidth_bytes_per_second_max, 1);
  constexpr std::uint64_t second_ns = 1'000'000'000;
  // Split so that bytes * 1e9 cannot overflow.
  const std::uint64_t bandwidth_ns =
      bytes / bandwidth * second_ns + bytes % bandwidth * second_ns / bandwidth;
  nanoseconds transfer(static_cast<std::int64_t>(second_ns / iops + bandwidth_ns));
  const nanoseconds start = after_stalls(std::max(state_.now(), device_free_at_), op_id);
  if (const episode_schedule::episode* throttle =
          throttles_.at(start, state_.now(), config().throttle_gap, config().throttle_length)) {
    transfer *= static_cast<std::int64_t>(config().throttle_factor);
    if (throttle->number >= throttles_counted_) {
      throttles_counted_ = throttle->number + 1;
      ++faults_.throttles;
      trace(kinds::fault,
            {0, op_id, static_cast<std::uint64_t>(throttle->start.count()),
             static_cast<std::uint64_t>(throttle->end.count())},
            "storage.throttle");
    }
  }
  device_free_at_ = start + transfer;
  return device_free_at_;
}

bool disk::roll_hang(std::uint64_t op_id, op_kind kind, std::uint64_t handle, std::string_view what,
                     std::string_view path) {
  if (!random().chance(config().hang_probability)) {
    return false;
  }
  ++faults_.hangs;
  trace(kinds::fault, {0, op_id, static_cast<std::uint64_t>(kind), handle}, "storage.hang");
  std::string hung(what);
  if (!path.empty()) {
    hung.append(" ").append(path);
  }
  in_flight_[op_id] = in_flight{kind, handle, std::nullopt, std::move(hung)};
  return true;
}

std::string disk::describe_hung(std::uint64_t op_id) const {
  const auto it = in_flight_.find(op_id);
  if (it == in_flight_.end() || it->second.event) {
    return {};
  }
  // The task's line names the host already.
  return it->second.hung +
         " that the storage hang fault stopped (storage_config::hang_probability; bound the "
         "operation with a timeout)";
}

void disk::start(std::uint64_t op_id, op_kind kind, std::uint64_t handle, nanoseconds at,
                 callback completion) {
  at = after_stalls(at, op_id);
  const std::uint64_t event =
      state_.schedule_at(at, trace_kind::event, {host_.id, op_id, 7}, std::move(completion));
  in_flight_[op_id] = in_flight{kind, handle, event, {}};
}

bool disk::take_in_flight(std::uint64_t op_id) {
  return in_flight_.erase(op_id) == 1;
}

void disk::complete(std::uint64_t op_id, op_kind kind, error_code ec, std::size_t bytes) {
  switch (kind) {
    case op_kind::io:
      complete_parked<error_code, std::size_t>(state_, op_id, ec, bytes);
      return;
    case op_kind::plain:
      complete_parked<error_code>(state_, op_id, ec);
      return;
    case op_kind::open: {
      std::unique_ptr<parked_op> op = state_.unpark(op_id);
      if (op) {
        static_cast<open_op_base&>(*op).complete(ec, this, 0);
      }
      return;
    }
  }
}

void disk::fail_now(std::uint64_t op_id, op_kind kind, error_code ec) {
  // Posted like every completion: never inside the initiating function.
  complete(op_id, kind, ec);
}

void disk::cancel_op(std::uint64_t op_id) {
  auto it = in_flight_.find(op_id);
  if (it == in_flight_.end()) {
    return;
  }
  const in_flight op = it->second;
  in_flight_.erase(it);
  if (op.event) {
    state_.cancel_event(*op.event);
  }
  if (handle_state* h = find_handle(op.handle); h != nullptr) {
    h->stream_busy = false;
  }
  complete(op_id, op.kind, asio_error::operation_aborted);
}

void disk::cancel_handle(std::uint64_t handle) {
  std::vector<std::uint64_t> ops;
  for (const auto& [op_id, op] : in_flight_) {
    if (op.handle == handle) {
      ops.push_back(op_id);
    }
  }
  for (std::uint64_t op_id : ops) {
    cancel_op(op_id);
  }
}

void disk::close_handle(std::uint64_t handle) {
  cancel_handle(handle);
  auto it = handles_.find(handle);
  if (it == handles_.end()) {
    return;
  }
  const std::uint64_t id = it->second.inode;
  handles_.erase(it);
  --inodes_.at(id).open_handles;
  collect(id);
}

void disk::drop_in_flight() {
  std::map<std::uint64_t, in_flight> dropped;
  dropped.swap(in_flight_);
  for (const auto& [op_id, op] : dropped) {
    if (op.event) {
      state_.cancel_event(*op.event);
    }
  }
  // Destroying a handler can destroy a coroutine frame whose files close
  // their handles here: the maps are already consistent by now.
  for (const auto& [op_id, op] : dropped) {
    state_.unpark(op_id).reset();
  }
}

// --- lookups -------------------------------------------------------------------------

handle_state* disk::find_handle(std::uint64_t handle) {
  auto it = handles_.find(handle);
  return it == handles_.end() ? nullptr : &it->second;
}

const handle_state* disk::find_handle(std::uint64_t handle) const {
  auto it = handles_.find(handle);
  return it == handles_.end() ? nullptr : &it->second;
}

std::uint64_t disk::used_bytes() const {
  std::uint64_t used = 0;
  for (const auto& [id, file] : inodes_) {
    if (file.links > 0 || file.open_handles > 0) {
      used += file.data.size();
    }
  }
  return used;
}

bool disk::exists(std::string_view path) const {
  return names_.find(path) != names_.end();
}

std::vector<std::string> disk::list(std::string_view directory) const {
  std::vector<std::string> names;
  for (const auto& [path, id] : names_) {
    if (parent_directory(path) == directory) {
      const std::size_t slash = path.rfind('/');
      names.push_back(slash == std::string::npos ? path : path.substr(slash + 1));
    }
  }
  return names;
}

// --- namespace operations ---------------------------------------------------------------

void disk::submit_open(std::string path, open_options options, std::uint64_t op_id) {
  const bool writes = has(options, open_options::write) || has(options, open_options::append);
  if (const error_code ec = check_path(path)) {
    fail_now(op_id, op_kind::open, ec);
    return;
  }
  if ((!has(options, open_options::read) && !writes) ||
      (has(options, open_options::truncate) && !writes)) {
    // open(2) with neither access mode, or O_TRUNC without writing.
    fail_now(op_id, op_kind::open, make(errc::invalid_argument));
    return;
  }
  if (roll_hang(op_id, op_kind::open, 0, "a file open of", path)) {
    return;
  }
  const nanoseconds at = state_.now() + config().metadata_latency.sample(random());
  start(op_id, op_kind::open, 0, at,
        [this, path = std::move(path), options, op_id] { finish_open(path, options, op_id); });
}

void disk::finish_open(const std::string& path, open_options options, std::uint64_t op_id) {
  if (!take_in_flight(op_id)) {
    return;
  }
  auto it = names_.find(path);
  const bool create = has(options, open_options::create) || has(options, open_options::create_new);
  error_code ec;
  if (it != names_.end() && has(options, open_options::create_new)) {
    ec = make(errc::file_exists);
  } else if (it == names_.end() && !create) {
    ec = make(errc::no_such_file_or_directory);
  }
  std::uint64_t handle = 0;
  if (!ec) {
    if (it == names_.end()) {
      const std::uint64_t id = next_inode_++;
      inodes_[id] = inode{};
      ++inodes_[id].links;
      it = names_.emplace(path, id).first;
      dirty_directories_.emplace(parent_directory(path));
    }
    inode& file = inodes_.at(it->second);
    if (has(options, open_options::truncate) && !file.data.empty()) {
      record_resize(file, 0);
    }
    handle = next_handle_++;
    handles_[handle] = handle_state{it->second, options, 0, false, path};
    ++file.open_handles;
  }
  trace(kinds::open, {0, handle, static_cast<std::uint64_t>(ec.value()), 0},
        "storage.open " + path);
  std::unique_ptr<parked_op> op = state_.unpark(op_id);
  if (op) {
    static_cast<open_op_base&>(*op).complete(ec, this, handle);
  } else if (handle != 0) {
    close_handle(handle);  // nobody is left to own it
  }
}

void disk::submit_remove(std::string path, std::uint64_t op_id) {
  if (const error_code ec = check_path(path)) {
    fail_now(op_id, op_kind::plain, ec);
    return;
  }
  if (roll_hang(op_id, op_kind::plain, 0, "a file remove of", path)) {
    return;
  }
  const nanoseconds at = state_.now() + config().metadata_latency.sample(random());
  start(op_id, op_kind::plain, 0, at,
        [this, path = std::move(path), op_id] { finish_remove(path, op_id); });
}

void disk::finish_remove(const std::string& path, std::uint64_t op_id) {
  if (!take_in_flight(op_id)) {
    return;
  }
  auto it = names_.find(path);
  error_code ec;
  if (it == names_.end()) {
    ec = make(errc::no_such_file_or_directory);
  } else {
    const std::uint64_t id = it->second;
    names_.erase(it);
    --inodes_.at(id).links;
    dirty_directories_.emplace(parent_directory(path));
    collect(id);
  }
  trace(kinds::remove, {0, static_cast<std::uint64_t>(ec.value()), 0, 0}, "storage.remove " + path);
  complete(op_id, op_kind::plain, ec);
}

void disk::submit_rename(std::string from, std::string to, std::uint64_t op_id) {
  error_code ec = check_path(from);
  if (!ec) {
    ec = check_path(to);
  }
  if (ec) {
    fail_now(op_id, op_kind::plain, ec);
    return;
  }
  if (roll_hang(op_id, op_kind::plain, 0, "a file rename of", from + " -> " + to)) {
    return;
  }
  const nanoseconds at = state_.now() + config().metadata_latency.sample(random());
  start(op_id, op_kind::plain, 0, at, [this, from = std::move(from), to = std::move(to), op_id] {
    finish_rename(from, to, op_id);
  });
}

void disk::finish_rename(const std::string& from, const std::string& to, std::uint64_t op_id) {
  if (!take_in_flight(op_id)) {
    return;
  }
  auto source = names_.find(from);
  error_code ec;
  if (source == names_.end()) {
    ec = make(errc::no_such_file_or_directory);
  } else if (from != to) {
    const std::uint64_t id = source->second;
    names_.erase(source);
    if (auto target = names_.find(to); target != names_.end()) {
      // rename(2) replaces the target atomically.
      const std::uint64_t replaced = target->second;
      names_.erase(target);
      --inodes_.at(replaced).links;
      collect(replaced);
    }
    names_.emplace(to, id);
    dirty_directories_.emplace(parent_directory(from));
    dirty_directories_.emplace(parent_directory(to));
  }
  trace(kinds::rename, {0, static_cast<std::uint64_t>(ec.value()), 0, 0},
        "storage.rename " + from + " -> " + to);
  complete(op_id, op_kind::plain, ec);
}

void disk::submit_sync_directory(std::string directory, std::uint64_t op_id) {
  if (roll_hang(op_id, op_kind::plain, 0, "a directory sync of", directory)) {
    return;
  }
  const nanoseconds at = state_.now() + config().sync_latency.sample(random());
  start(op_id, op_kind::plain, 0, at, [this, directory = std::move(directory), op_id] {
    if (!take_in_flight(op_id)) {
      return;
    }
    error_code ec;
    if (random().chance(config().sync_failure_probability)) {
      ++faults_.sync_failures;
      trace(kinds::fault, {0, 0, 0, 0}, "storage.sync_failure " + directory);
      ec = make(errc::io_error);
    } else {
      sync_directory(directory);
      trace(kinds::directory_sync, {0, 0, 0, 0}, "storage.directory_sync " + directory);
    }
    complete(op_id, op_kind::plain, ec);
  });
}

// --- file operations ------------------------------------------------------------------------

std::uint64_t disk::size(std::uint64_t handle, error_code& ec) const {
  const handle_state* h = find_handle(handle);
  if (h == nullptr) {
    ec = asio_error::bad_descriptor;
    return 0;
  }
  ec = {};
  return inodes_.at(h->inode).data.size();
}

void disk::resize(std::uint64_t handle, std::uint64_t size, error_code& ec) {
  handle_state* h = find_handle(handle);
  if (h == nullptr ||
      !(has(h->options, open_options::write) || has(h->options, open_options::append))) {
    ec = asio_error::bad_descriptor;
    return;
  }
  inode& file = inode_of(*h);
  if (size > file.data.size() &&
      room_for(file, file.data.size(), size - file.data.size()) < size - file.data.size()) {
    ec = make(errc::no_space_on_device);
    return;
  }
  ec = {};
  record_resize(file, size);
  trace(kinds::resize, {0, handle, size, 0}, "storage.resize");
}

handle_state* disk::admit_io(std::uint64_t handle, std::optional<std::uint64_t> offset,
                             open_options needs_any, std::uint64_t op_id) {
  handle_state* h = find_handle(handle);
  if (h == nullptr || (h->options & needs_any) == open_options::none) {
    fail_now(op_id, op_kind::io, asio_error::bad_descriptor);
    return nullptr;
  }
  if (!offset) {
    if (h->stream_busy) {
      // One stream operation at a time: the position is shared.
      fail_now(op_id, op_kind::io, asio_error::in_progress);
      return nullptr;
    }
    h->stream_busy = true;
  }
  return h;
}

void disk::submit_read(std::uint64_t handle, std::optional<std::uint64_t> offset,
                       std::uint64_t op_id) {
  handle_state* h = admit_io(handle, offset, open_options::read, op_id);
  if (h == nullptr || roll_hang(op_id, op_kind::io, handle, "a file read of", h->path)) {
    return;
  }
  const auto* op = static_cast<const read_op_base*>(state_.find_parked(op_id));
  const nanoseconds latency = config().read_latency.sample(random());
  const std::uint64_t size = inode_of(*h).data.size();
  const std::uint64_t from = offset.value_or(h->position);
  const std::uint64_t bytes =
      from >= size ? 0 : std::min<std::uint64_t>(op->capacity(), size - from);
  const nanoseconds at = transfer_done(bytes, op_id) + latency;
  start(op_id, op_kind::io, handle, at,
        [this, handle, offset, op_id] { finish_read(handle, offset, op_id); });
}

std::uint64_t disk::misdirected_offset(std::uint64_t intended, std::uint64_t length,
                                       std::uint64_t size) {
  // Another sector-aligned place of the file that holds `length` bytes;
  // `intended` when there is none.
  const std::uint64_t sector = std::max<std::uint64_t>(config().sector_bytes, 1);
  if (size < length) {
    return intended;
  }
  const std::uint64_t candidates = (size - length) / sector + 1;
  std::uint64_t pick = random().below(candidates) * sector;
  if (pick == intended) {
    pick = (pick / sector + 1) % candidates * sector;
  }
  return pick;
}

void disk::finish_read(std::uint64_t handle, std::optional<std::uint64_t> offset,
                       std::uint64_t op_id) {
  if (!take_in_flight(op_id)) {
    return;
  }
  handle_state& h = handles_.at(handle);
  const inode& file = inode_of(h);
  const std::uint64_t from = offset.value_or(h.position);
  h.stream_busy = offset.has_value() && h.stream_busy;
  std::unique_ptr<parked_op> parked = state_.unpark(op_id);
  auto& op = static_cast<read_op_base&>(*parked);
  const std::uint64_t size = file.data.size();
  if (from >= size) {
    trace(kinds::read, {0, handle, from, 0}, "storage.read");
    op.complete(asio_error::eof, 0);
    return;
  }
  const std::uint64_t count = std::min<std::uint64_t>(op.capacity(), size - from);
  std::uint64_t source = from;
  if (random().chance(config().misdirected_read_probability)) {
    source = misdirected_offset(from, count, size);
    if (source != from) {
      ++faults_.misdirected_reads;
      trace(kinds::fault, {0, handle, from, source}, "storage.misdirected_read");
    }
  }
  std::string bytes = file.data.substr(source, count);
  if (random().chance(config().read_corruption_probability)) {
    const std::uint64_t bit = random().below(count * 8);
    bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1U << (bit % 8)));
    ++faults_.read_corruptions;
    trace(kinds::fault, {0, handle, from, bit}, "storage.read_corruption");
  }
  op.fill(bytes);
  if (!offset) {
    h.position = from + count;
  }
  trace(kinds::read, {0, handle, from, count}, "storage.read");
  op.complete({}, count);
}

void disk::submit_write(std::uint64_t handle, std::optional<std::uint64_t> offset,
                        std::string bytes, std::uint64_t op_id) {
  handle_state* h = admit_io(handle, offset, open_options::write | open_options::append, op_id);
  if (h == nullptr || roll_hang(op_id, op_kind::io, handle, "a file write to", h->path)) {
    return;
  }
  const nanoseconds latency = config().write_latency.sample(random());
  const nanoseconds at = transfer_done(bytes.size(), op_id) + latency;
  start(op_id, op_kind::io, handle, at,
        [this, handle, offset, bytes = std::move(bytes), op_id]() mutable {
          finish_write(handle, offset, std::move(bytes), op_id);
        });
}

std::uint64_t disk::room_for(const inode& file, std::uint64_t offset, std::uint64_t length) const {
  const std::uint64_t size = file.data.size();
  if (offset + length <= size) {
    return length;  // overwrites take no space
  }
  const std::uint64_t used = used_bytes();
  const std::uint64_t capacity = config().capacity_bytes;
  const std::uint64_t free = capacity > used ? capacity - used : 0;
  const std::uint64_t end_max = size + std::min(free, ~std::uint64_t{0} - size);
  if (offset >= end_max) {
    return 0;
  }
  return std::min(length, end_max - offset);
}

void disk::finish_write(std::uint64_t handle, std::optional<std::uint64_t> offset,
                        std::string bytes, std::uint64_t op_id) {
  if (!take_in_flight(op_id)) {
    return;
  }
  handle_state& h = handles_.at(handle);
  inode& file = inode_of(h);
  const bool stream = !offset;
  if (stream) {
    h.stream_busy = false;
  }
  const std::uint64_t at = stream && has(h.options, open_options::append)
                               ? file.data.size()
                               : offset.value_or(h.position);
  const std::uint64_t room = room_for(file, at, bytes.size());
  const bool injected = random().chance(config().no_space_probability);
  if (injected || room == 0) {
    ++faults_.no_space;
    trace(kinds::fault, {0, handle, at, bytes.size()}, "storage.no_space");
    complete(op_id, op_kind::io, make(errc::no_space_on_device));
    return;
  }
  bytes.resize(room);  // a short write when the disk fills up
  if (stream) {
    h.position = at + room;
  }
  if (random().chance(config().phantom_write_probability)) {
    ++faults_.phantom_writes;
    trace(kinds::fault, {0, handle, at, room}, "storage.phantom_write");
    complete(op_id, op_kind::io, {}, room);
    return;
  }
  std::uint64_t target = at;
  if (random().chance(config().misdirected_write_probability)) {
    const std::uint64_t size = std::max<std::uint64_t>(file.data.size(), at + room);
    target = misdirected_offset(at, room, size);
    if (target != at) {
      ++faults_.misdirected_writes;
      trace(kinds::fault, {0, handle, at, target}, "storage.misdirected_write");
      if (size > file.data.size()) {
        record_resize(file, size);  // the file still grows as asked
      }
    }
  }
  if (random().chance(config().write_corruption_probability)) {
    const std::uint64_t bit = random().below(room * 8);
    bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1U << (bit % 8)));
    ++faults_.write_corruptions;
    trace(kinds::fault, {0, handle, target, bit}, "storage.write_corruption");
  }
  trace(kinds::write, {0, handle, target, room}, "storage.write");
  record_write(file, target, std::move(bytes));
  complete(op_id, op_kind::io, {}, room);
}

void disk::record_write(inode& file, std::uint64_t offset, std::string bytes) {
  write_into(file.data, offset, bytes);
  file.unsynced.push_back(change{next_change_++, false, offset, std::move(bytes)});
}

void disk::record_resize(inode& file, std::uint64_t size) {
  file.data.resize(size, '\0');
  file.unsynced.push_back(change{next_change_++, true, size, {}});
}

void disk::submit_sync(std::uint64_t handle, sync_kind kind, std::uint64_t op_id) {
  handle_state* h = find_handle(handle);
  if (h == nullptr) {
    fail_now(op_id, op_kind::plain, asio_error::bad_descriptor);
    return;
  }
  if (roll_hang(op_id, op_kind::plain, handle, "a file sync of", h->path)) {
    return;
  }
  // A sync covers what completed before it was asked for.
  const std::uint64_t up_to = next_change_ - 1;
  const nanoseconds latency = config().sync_latency.sample(random());
  const nanoseconds at = std::max(state_.now(), device_free_at_) + latency;
  start(op_id, op_kind::plain, handle, at,
        [this, handle, kind, up_to, op_id] { finish_sync(handle, kind, up_to, op_id); });
}

void disk::finish_sync(std::uint64_t handle, sync_kind kind, std::uint64_t up_to,
                       std::uint64_t op_id) {
  if (!take_in_flight(op_id)) {
    return;
  }
  const std::uint64_t id = handles_.at(handle).inode;
  if (random().chance(config().sync_failure_probability)) {
    ++faults_.sync_failures;
    trace(kinds::fault, {0, handle, static_cast<std::uint64_t>(kind), 0}, "storage.sync_failure");
    complete(op_id, op_kind::plain, make(errc::io_error));
    return;
  }
  make_durable(inodes_.at(id), up_to);
  if (kind == sync_kind::data_and_metadata) {
    std::vector<std::string> directories;
    for (const auto& [path, named] : names_) {
      if (named == id) {
        directories.emplace_back(parent_directory(path));
      }
    }
    for (const std::string& directory : directories) {
      sync_directory(directory);
    }
  }
  trace(kinds::sync, {0, handle, static_cast<std::uint64_t>(kind), 0}, "storage.sync");
  complete(op_id, op_kind::plain, {});
}

// --- durability ------------------------------------------------------------------------------

void disk::make_durable(inode& file, std::uint64_t up_to) {
  auto first_later = std::find_if(file.unsynced.begin(), file.unsynced.end(),
                                  [up_to](const change& c) { return c.sequence > up_to; });
  for (auto it = file.unsynced.begin(); it != first_later; ++it) {
    apply_change(file.durable, *it);
  }
  file.unsynced.erase(file.unsynced.begin(), first_later);
}

void disk::sync_directory(std::string_view directory) {
  for (auto it = durable_names_.begin(); it != durable_names_.end();) {
    if (parent_directory(it->first) == directory) {
      const std::uint64_t id = it->second;
      it = durable_names_.erase(it);
      --inodes_.at(id).durable_links;
    } else {
      ++it;
    }
  }
  for (const auto& [path, id] : names_) {
    if (parent_directory(path) == directory) {
      durable_names_.emplace(path, id);
      ++inodes_.at(id).durable_links;
    }
  }
  dirty_directories_.erase(std::string(directory));
  std::vector<std::uint64_t> ids;
  for (const auto& [id, file] : inodes_) {
    ids.push_back(id);
  }
  for (std::uint64_t id : ids) {
    collect(id);
  }
}

void disk::collect(std::uint64_t id) {
  auto it = inodes_.find(id);
  if (it != inodes_.end() && it->second.links == 0 && it->second.durable_links == 0 &&
      it->second.open_handles == 0) {
    inodes_.erase(it);
  }
}

std::string disk::crash_image(std::uint64_t id, inode& file) {
  // Each unsynced change survives whole or is lost whole; a torn write
  // keeps each of its sectors on its own. Draws go in change order.
  std::string image = file.durable;
  const double survival = config().crash_unsynced_survival_probability;
  const std::uint64_t sector = std::max<std::uint64_t>(config().sector_bytes, 1);
  for (const change& c : file.unsynced) {
    if (!c.is_resize && c.bytes.size() > 0 && random().chance(config().torn_write_probability)) {
      std::uint64_t kept = 0;
      std::uint64_t pieces = 0;
      for (std::uint64_t at = c.offset; at < c.offset + c.bytes.size(); ++pieces) {
        const std::uint64_t end =
            std::min<std::uint64_t>((at / sector + 1) * sector, c.offset + c.bytes.size());
        if (random().chance(0.5)) {
          write_into(image, at, std::string_view(c.bytes).substr(at - c.offset, end - at));
          ++kept;
        }
        at = end;
      }
      ++faults_.torn_writes;
      trace(kinds::fault, {0, id, kept, pieces}, "storage.torn_write");
      continue;
    }
    if (random().chance(survival)) {
      apply_change(image, c);
      ++faults_.crash_kept_writes;
    } else {
      ++faults_.crash_lost_writes;
    }
  }
  return image;
}

void disk::rebuild_live_namespace() {
  names_ = durable_names_;
  dirty_directories_.clear();
  for (auto& [id, file] : inodes_) {
    file.links = file.durable_links;
    file.open_handles = 0;
  }
  handles_.clear();
  for (auto it = inodes_.begin(); it != inodes_.end();) {
    it = it->second.links == 0 ? inodes_.erase(it) : std::next(it);
  }
}

void disk::crash() {
  drop_in_flight();
  const storage_fault_counts before = faults_;
  // Directory changes first (each directory's unsynced changes survive
  // together), then the contents of the files that still have a name.
  const std::vector<std::string> dirty(dirty_directories_.begin(), dirty_directories_.end());
  for (const std::string& directory : dirty) {
    if (random().chance(config().crash_unsynced_survival_probability)) {
      sync_directory(directory);
    }
  }
  rebuild_live_namespace();
  for (auto& [id, file] : inodes_) {
    if (!file.unsynced.empty()) {
      file.durable = crash_image(id, file);
      file.unsynced.clear();
    }
    file.data = file.durable;
  }
  device_free_at_ = state_.now();
  trace(kinds::crash,
        {0, faults_.crash_kept_writes - before.crash_kept_writes,
         faults_.crash_lost_writes - before.crash_lost_writes, inodes_.size()},
        "storage.crash");
}

void disk::shutdown() {
  drop_in_flight();
  for (auto& [id, file] : inodes_) {
    make_durable(file, ~std::uint64_t{0});
  }
  const std::vector<std::string> dirty(dirty_directories_.begin(), dirty_directories_.end());
  for (const std::string& directory : dirty) {
    sync_directory(directory);
  }
  rebuild_live_namespace();
  trace(kinds::shutdown, {0, inodes_.size(), 0, 0}, "storage.shutdown");
}

void disk::wipe() {
  drop_in_flight();
  const std::uint64_t files = names_.size();
  names_.clear();
  durable_names_.clear();
  dirty_directories_.clear();
  handles_.clear();
  inodes_.clear();
  device_free_at_ = state_.now();
  trace(kinds::wipe, {0, files, 0, 0}, "storage.wipe");
}

}  // namespace moonpool::sim::detail::fs
