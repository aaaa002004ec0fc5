#pragma once
// The simulated disk of one host: its files, what of them is durable, the
// device queue, and the fault rolls. Files and storage handles are thin;
// everything they do lands here.
//
// Where a written byte goes: file::async_write_some_at copies the caller's
// bytes, parks the op and calls disk::submit_write, which schedules the
// completion after the sampled latency plus the device's queue. At that
// event the bytes land in the inode's `data` (what reads see) and join its
// `unsynced` list; a sync that completes moves them into `durable`. A crash
// rebuilds every file from `durable` plus the unsynced changes that the
// seed lets survive (docs/storage.md).

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/detail/world_state.hpp"
#include "moonpool/sim/storage/detail/episodes.hpp"
#include "moonpool/sim/storage/open_options.hpp"
#include "moonpool/sim/storage/storage_config.hpp"
#include "moonpool/sim/storage/storage_faults.hpp"

namespace moonpool::sim::detail::fs {

using boost::system::error_code;
using std::chrono::nanoseconds;

class disk;

// --- operations, as the disk sees them -----------------------------------------
struct read_op_base : pending_op<error_code, std::size_t> {
  [[nodiscard]] virtual std::size_t capacity() const = 0;
  // Copies `bytes` (at most capacity()) into the op's buffers.
  virtual void fill(std::string_view bytes) = 0;
};
using io_op_base = pending_op<error_code, std::size_t>;
using plain_op_base = pending_op<error_code>;
struct open_op_base : parked_op {
  // Completes with a file attached to handle `handle` of `owner` (or a
  // closed one on error).
  virtual void complete(error_code ec, disk* owner, std::uint64_t handle) = 0;
};

// --- state ------------------------------------------------------------------------
// A write or resize not yet made durable.
struct change {
  std::uint64_t sequence = 0;
  bool is_resize = false;
  std::uint64_t offset = 0;  // write: where; resize: the new size
  std::string bytes;         // write: what
};

struct inode {
  std::string data;     // what reads see
  std::string durable;  // what a crash starts from
  std::vector<change> unsynced;
  std::uint64_t links = 0;          // names in the live namespace
  std::uint64_t durable_links = 0;  // names in the durable namespace
  std::uint64_t open_handles = 0;
};

struct handle_state {
  std::uint64_t inode = 0;
  open_options options = open_options::none;
  std::uint64_t position = 0;  // stream operations
  bool stream_busy = false;    // one stream operation at a time
  std::string path;            // the name it was opened by, for reports
};

enum class op_kind : std::uint8_t { io, plain, open };

struct in_flight {
  op_kind kind = op_kind::plain;
  std::uint64_t handle = 0;            // 0: not a file operation
  std::optional<std::uint64_t> event;  // none: the op hangs (fault)
  std::string hung;                    // a hung op: what it is, for a deadlock report
};

class disk {
 public:
  disk(world_state& state, host_record& host, const storage_config* config);

  [[nodiscard]] world_state& state() const noexcept { return state_; }
  [[nodiscard]] host_record& host() const noexcept { return host_; }
  [[nodiscard]] const storage_fault_counts& faults() const noexcept { return faults_; }
  void set_config(const storage_config* config) noexcept { config_ = config; }

  // --- namespace -------------------------------------------------------------------
  [[nodiscard]] bool exists(std::string_view path) const;
  // The names (not paths) of the files directly in `directory`, sorted.
  [[nodiscard]] std::vector<std::string> list(std::string_view directory) const;
  void submit_open(std::string path, open_options options, std::uint64_t op_id);
  void submit_remove(std::string path, std::uint64_t op_id);
  void submit_rename(std::string from, std::string to, std::uint64_t op_id);
  void submit_sync_directory(std::string directory, std::uint64_t op_id);

  // --- files -----------------------------------------------------------------------
  // `offset` none: a stream operation at the handle's position.
  void submit_read(std::uint64_t handle, std::optional<std::uint64_t> offset, std::uint64_t op_id);
  void submit_write(std::uint64_t handle, std::optional<std::uint64_t> offset, std::string bytes,
                    std::uint64_t op_id);
  void submit_sync(std::uint64_t handle, sync_kind kind, std::uint64_t op_id);
  [[nodiscard]] std::uint64_t size(std::uint64_t handle, error_code& ec) const;
  void resize(std::uint64_t handle, std::uint64_t size, error_code& ec);
  // Cancels the handle's operations (operation_aborted) and forgets it.
  void close_handle(std::uint64_t handle);
  // Cancels the handle's operations (operation_aborted).
  void cancel_handle(std::uint64_t handle);
  // Per-operation cancellation; a no-op once the op completed.
  void cancel_op(std::uint64_t op_id);

  // --- the host's fate -------------------------------------------------------------
  // A clean shutdown: operations in flight are dropped (never completed),
  // everything completed becomes durable, open files are closed.
  void shutdown();
  // Power loss: operations in flight are dropped, the files become what the
  // durability model lets survive, open files are closed.
  void crash();
  // The disk is replaced: every file is gone.
  void wipe();

  // --- inspection (tests) -------------------------------------------------------------
  [[nodiscard]] std::size_t inode_count() const noexcept { return inodes_.size(); }
  [[nodiscard]] std::size_t in_flight_count() const noexcept { return in_flight_.size(); }
  // What a hung op is waiting for, for a deadlock report; empty if `op_id`
  // is not an op this disk hangs.
  [[nodiscard]] std::string describe_hung(std::uint64_t op_id) const;

 private:
  const storage_config& config() const noexcept { return *config_; }
  random_stream& random() const noexcept { return state_.streams().simulation; }

  // Scheduling.
  void start(std::uint64_t op_id, op_kind kind, std::uint64_t handle, nanoseconds at,
             callback completion);
  // Rolls the hang fault; a hung op is recorded with what it is ("a file
  // write to /wal") so that the deadlock it causes names it.
  bool roll_hang(std::uint64_t op_id, op_kind kind, std::uint64_t handle, std::string_view what,
                 std::string_view path);
  // The handle of a read or write, if it is open with one of `needs_any`
  // and (for a stream operation) not busy, claimed; else the op is failed
  // (bad_descriptor, in_progress) and this is null.
  handle_state* admit_io(std::uint64_t handle, std::optional<std::uint64_t> offset,
                         open_options needs_any, std::uint64_t op_id);
  // When a transfer of `bytes` queued now leaves the device: after those
  // before it, after any stall, slower inside a throttle.
  nanoseconds transfer_done(std::uint64_t bytes, std::uint64_t op_id);
  // `t`, or the end of the stall (or stalls back to back) holding it.
  nanoseconds after_stalls(nanoseconds t, std::uint64_t op_id);
  bool take_in_flight(std::uint64_t op_id);
  void fail_now(std::uint64_t op_id, op_kind kind, error_code ec);
  void complete(std::uint64_t op_id, op_kind kind, error_code ec, std::size_t bytes = 0);
  // Forgets every operation in flight and destroys their parked handlers.
  void drop_in_flight();

  // Completions.
  void finish_open(const std::string& path, open_options options, std::uint64_t op_id);
  void finish_remove(const std::string& path, std::uint64_t op_id);
  void finish_rename(const std::string& from, const std::string& to, std::uint64_t op_id);
  void finish_read(std::uint64_t handle, std::optional<std::uint64_t> offset, std::uint64_t op_id);
  void finish_write(std::uint64_t handle, std::optional<std::uint64_t> offset, std::string bytes,
                    std::uint64_t op_id);
  void finish_sync(std::uint64_t handle, sync_kind kind, std::uint64_t up_to, std::uint64_t op_id);
  // The bytes a write may store at `offset` before the disk is full.
  std::uint64_t room_for(const inode& file, std::uint64_t offset, std::uint64_t length) const;
  void record_write(inode& file, std::uint64_t offset, std::string bytes);
  void record_resize(inode& file, std::uint64_t size);

  // Durability.
  void sync_directory(std::string_view directory);
  void make_durable(inode& file, std::uint64_t up_to);
  std::string crash_image(std::uint64_t id, inode& file);
  void rebuild_live_namespace();
  void collect(std::uint64_t id);

  // Lookups; null when gone.
  handle_state* find_handle(std::uint64_t handle);
  const handle_state* find_handle(std::uint64_t handle) const;
  inode& inode_of(const handle_state& h) { return inodes_.at(h.inode); }
  std::uint64_t used_bytes() const;
  std::uint64_t misdirected_offset(std::uint64_t intended, std::uint64_t length,
                                   std::uint64_t size);
  void trace(trace_kind kind, std::array<std::uint64_t, 4> fields, std::string_view label = {});

  world_state& state_;
  host_record& host_;
  const storage_config* config_;
  storage_fault_counts faults_;
  // Ordered containers only: the disk iterates them to decide things.
  std::map<std::uint64_t, inode> inodes_;
  std::map<std::string, std::uint64_t, std::less<>> names_;
  std::map<std::string, std::uint64_t, std::less<>> durable_names_;
  std::set<std::string, std::less<>> dirty_directories_;
  std::map<std::uint64_t, handle_state> handles_;
  std::map<std::uint64_t, in_flight> in_flight_;
  std::uint64_t next_inode_ = 1;
  std::uint64_t next_handle_ = 1;
  std::uint64_t next_change_ = 1;
  nanoseconds device_free_at_{0};
  episode_schedule stalls_;
  episode_schedule throttles_;
  std::uint64_t stalls_counted_ = 0;  // stalls numbered below it are counted
  std::uint64_t throttles_counted_ = 0;
};

// The disks of a world, created on first use, with the storage
// configuration (a default and per-host overrides). Lives as an Asio service
// of the world's io_context so that the runtime layer need not know about it.
class storage_system {
 public:
  explicit storage_system(world_state& state);
  disk& disk_of(host_record& host);
  // The host's disk, or null while nothing has used it (so that hosts
  // without storage add nothing to the trace).
  disk* find_disk(const host_record& host);
  [[nodiscard]] const storage_config& config() const noexcept { return config_; }
  void set_config(const storage_config& config);
  void set_config(host_record& host, const storage_config& config);
  [[nodiscard]] storage_fault_counts fault_counts() const;

 private:
  const storage_config& config_for(const host_record& host) const;

  world_state& state_;
  storage_config config_;
  std::map<std::uint64_t, storage_config> overrides_;     // by host id
  std::map<std::uint64_t, std::unique_ptr<disk>> disks_;  // by host id
};

storage_system& storage_of(world_state& state);

// "/a/b" -> "/a", "/a" -> "/", "a" -> "".
[[nodiscard]] std::string_view parent_directory(std::string_view path) noexcept;

// Trace kinds of storage (trace.hpp reserves 200-299). Every record is
// labelled "storage.<what>" (fault records name the fault), followed by the
// path where there is one.
namespace kinds {
inline constexpr auto open = static_cast<trace_kind>(200);            // host, handle, error
inline constexpr auto read = static_cast<trace_kind>(201);            // host, handle, offset, bytes
inline constexpr auto write = static_cast<trace_kind>(202);           // host, handle, offset, bytes
inline constexpr auto sync = static_cast<trace_kind>(203);            // host, handle, kind
inline constexpr auto remove = static_cast<trace_kind>(204);          // host, error
inline constexpr auto rename = static_cast<trace_kind>(205);          // host, error
inline constexpr auto resize = static_cast<trace_kind>(206);          // host, handle, size
inline constexpr auto directory_sync = static_cast<trace_kind>(207);  // host
inline constexpr auto crash = static_cast<trace_kind>(208);           // host, kept, lost, files
inline constexpr auto wipe = static_cast<trace_kind>(209);            // host, files
inline constexpr auto shutdown = static_cast<trace_kind>(210);        // host, files
inline constexpr auto fault = static_cast<trace_kind>(220);           // host, a, b, c; label: fault

// Names for readers of a trace (detail/trace_kinds.hpp), registered by
// disk.cpp. The first field, the host whose disk it is, is the record's
// "host" and not written again (disk.complete, made outside the disk,
// names it as "disk"); a label's "storage.<what>" is left out (the event
// names it) and the rest, a path, is written as "path". Faults are told
// apart by their label.
inline constexpr value_name sync_kinds[] = {{0, "data"}, {1, "data_and_metadata"}};
inline constexpr value_name op_kinds[] = {{0, "io"}, {1, "plain"}, {2, "open"}};
// The host whose disk it is: written as the record's "host".
inline constexpr trace_field disk_host{};
inline constexpr trace_kind_info descriptions[] = {
    trace_kind_info{open, "disk.open", {disk_host, "handle", "error"}, "path"}.omitting_label(
        "storage.open"),
    {read, "disk.read", {disk_host, "handle", "offset", "bytes"}, ""},
    {write, "disk.write", {disk_host, "handle", "offset", "bytes"}, ""},
    {sync, "disk.sync", {disk_host, "handle", named_field("sync", sync_kinds)}, ""},
    trace_kind_info{remove, "disk.remove", {disk_host, "error"}, "path"}.omitting_label(
        "storage.remove"),
    trace_kind_info{rename, "disk.rename", {disk_host, "error"}, "path"}.omitting_label(
        "storage.rename"),
    {resize, "disk.resize", {disk_host, "handle", "size"}, ""},
    trace_kind_info{directory_sync, "disk.directory_sync", {disk_host}, "path"}.omitting_label(
        "storage.directory_sync"),
    {crash, "disk.crash", {disk_host, "kept", "lost", "files"}, ""},
    {wipe, "disk.wipe", {disk_host, "files"}, ""},
    {shutdown, "disk.shutdown", {disk_host, "files"}, ""},
    {fault, "disk.fault", {disk_host, "a", "b", "c"}, "fault"},
    {fault,
     "disk.stall",
     {disk_host, "op", "start_ns", "end_ns"},
     "path",
     when_label("storage.stall")},
    {fault,
     "disk.throttle",
     {disk_host, "op", "start_ns", "end_ns"},
     "path",
     when_label("storage.throttle")},
    {fault,
     "disk.hang",
     {disk_host, "op", named_field("op_kind", op_kinds), "handle"},
     "path",
     when_label("storage.hang")},
    // A file's sync (handle, sync kind) or a directory's (its path).
    {fault,
     "disk.sync_failure",
     {disk_host, "handle", named_field("sync", sync_kinds)},
     "path",
     when_label("storage.sync_failure")},
    {fault,
     "disk.misdirected_read",
     {disk_host, "handle", "offset", "source_offset"},
     "path",
     when_label("storage.misdirected_read")},
    {fault,
     "disk.read_corruption",
     {disk_host, "handle", "offset", "bit"},
     "path",
     when_label("storage.read_corruption")},
    {fault,
     "disk.no_space",
     {disk_host, "handle", "offset", "bytes"},
     "path",
     when_label("storage.no_space")},
    {fault,
     "disk.phantom_write",
     {disk_host, "handle", "offset", "bytes"},
     "path",
     when_label("storage.phantom_write")},
    {fault,
     "disk.misdirected_write",
     {disk_host, "handle", "offset", "target_offset"},
     "path",
     when_label("storage.misdirected_write")},
    {fault,
     "disk.write_corruption",
     {disk_host, "handle", "offset", "bit"},
     "path",
     when_label("storage.write_corruption")},
    {fault,
     "disk.torn_write",
     {disk_host, "file", "kept", "pieces"},
     "path",
     when_label("storage.torn_write")},
    // A disk operation's completion, scheduled for when the device is done.
    {trace_kind::event,
     "disk.complete",
     {"seq", host_field("disk"), "op"},
     "label",
     when_field(3, 7)},
};
}  // namespace kinds

}  // namespace moonpool::sim::detail::fs
