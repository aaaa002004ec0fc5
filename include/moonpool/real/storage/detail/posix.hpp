#pragma once
// The system calls behind moonpool::real::storage and file, one function per
// call, each returning an error_code (errno in the system category, so it
// compares equal to std::errc values) instead of throwing.
//
// Storage paths are the simulated ones ("/data/wal"): '/'-separated, mapped
// under a root directory (ROOT/data/wal). Directories are implicit in the
// simulated model, so opening with create and renaming create the missing
// parent directories (and sync the directory each one was made in, so that
// a file's directory chain is as durable as the simulated model assumes).

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/storage/open_options.hpp"

namespace moonpool::real::detail {

using boost::system::error_code;

// At most this many buffers of a sequence go to one preadv/pwritev, as in
// Asio's own files: a read or write "some" transfers fewer bytes otherwise.
inline constexpr std::size_t io_buffers_max = 64;

// The file-system path of a storage path. invalid_argument for an empty
// path, one ending in '/', one holding a NUL, or a "." or ".." component
// (which would leave the root).
[[nodiscard]] error_code resolve(const std::filesystem::path& root, std::string_view path,
                                 std::filesystem::path& out);
// The same for a directory: "/" (and "") is the root; a trailing '/' is fine.
[[nodiscard]] error_code resolve_directory(const std::filesystem::path& root,
                                           std::string_view directory, std::filesystem::path& out);

// Creates the root if it is missing; throws std::filesystem::filesystem_error.
void make_root(const std::filesystem::path& root);

struct open_result {
  int fd = -1;
  error_code ec;
};
// open(2) with the simulated flags. append is not O_APPEND: positional
// writes keep their offset (the caller moves stream writes to the end).
[[nodiscard]] open_result open_file(const std::filesystem::path& root, std::string_view path,
                                    sim::open_options options);
[[nodiscard]] error_code remove_file(const std::filesystem::path& root, std::string_view path);
[[nodiscard]] error_code rename_file(const std::filesystem::path& root, std::string_view from,
                                     std::string_view to);
// fsync of a directory; a missing directory holds nothing to make durable.
[[nodiscard]] error_code sync_directory(const std::filesystem::path& directory);
[[nodiscard]] error_code sync_directory(const std::filesystem::path& root,
                                        std::string_view directory);
// Whether a regular file has this path.
[[nodiscard]] bool file_exists(const std::filesystem::path& root, std::string_view path);
// The regular files directly in `directory`, sorted; empty when it is missing.
[[nodiscard]] std::vector<std::string> list_directory(const std::filesystem::path& root,
                                                      std::string_view directory);

struct io_result {
  error_code ec;
  std::size_t bytes = 0;
};
// preadv / pwritev, retried on EINTR. A read of 0 bytes at the end is not
// an error here (the caller reports eof).
[[nodiscard]] io_result pread_some(int fd, std::uint64_t offset,
                                   std::span<const boost::asio::mutable_buffer> buffers);
[[nodiscard]] io_result pwrite_some(int fd, std::uint64_t offset,
                                    std::span<const boost::asio::const_buffer> buffers);
// fdatasync (data) or fsync (data_and_metadata).
[[nodiscard]] error_code sync_file(int fd, bool metadata);
[[nodiscard]] std::uint64_t file_size(int fd, error_code& ec);
[[nodiscard]] error_code truncate_file(int fd, std::uint64_t size);
void close_file(int fd) noexcept;

}  // namespace moonpool::real::detail
