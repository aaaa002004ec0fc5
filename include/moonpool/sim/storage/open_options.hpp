#pragma once
// How a simulated file is opened, and how much a sync makes durable.
//
//   using moonpool::sim::open_options;
//   storage.async_open("/data/log", open_options::write | open_options::create |
//                                       open_options::append, token);
//
// The flags mean what O_RDONLY/O_WRONLY/O_CREAT/O_EXCL/O_TRUNC/O_APPEND mean
// to open(2). create_new implies create; append implies write. A file opened
// without read (write) refuses reads (writes) with bad_descriptor.

#include <cstdint>

namespace moonpool::sim {

enum class open_options : std::uint8_t {
  none = 0,
  read = 1U << 0,
  write = 1U << 1,
  create = 1U << 2,      // create the file if it does not exist
  create_new = 1U << 3,  // create it; file_exists if it does
  truncate = 1U << 4,    // empty it (needs write)
  append = 1U << 5,      // stream writes go to the end of the file
  read_write = read | write,
};

[[nodiscard]] constexpr open_options operator|(open_options a, open_options b) noexcept {
  return static_cast<open_options>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
[[nodiscard]] constexpr open_options operator&(open_options a, open_options b) noexcept {
  return static_cast<open_options>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
[[nodiscard]] constexpr bool has(open_options set, open_options flag) noexcept {
  return (set & flag) == flag && flag != open_options::none;
}

// What async_sync makes durable.
enum class sync_kind : std::uint8_t {
  // The file's bytes and size (fdatasync).
  data,
  // Also the file's directory entry: its parent directory is synced too, so
  // a create or rename that named this file survives a crash (fsync of the
  // file plus fsync of its directory).
  data_and_metadata,
};

}  // namespace moonpool::sim
