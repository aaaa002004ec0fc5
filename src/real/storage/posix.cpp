#include "moonpool/real/storage/detail/posix.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace moonpool::real::detail {
namespace {

using sim::has;
using sim::open_options;

error_code last_error() {
  return {errno, boost::system::system_category()};
}
error_code make(std::errc e) {
  return {static_cast<int>(e), boost::system::generic_category()};
}

// Appends the components of `path` to `out`; false for a "." or "..".
bool append_components(std::string_view path, std::filesystem::path& out) {
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (part == "." || part == "..") {
      return false;
    }
    if (!part.empty()) {
      out /= std::string(part);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return true;
}

// mkdir -p for `directory` (under `root`, which exists), syncing the
// parent of each directory it makes: the simulated model's directories
// are implicit, so a synced file must not be lost with its directory.
error_code make_parents(const std::filesystem::path& root, const std::filesystem::path& directory) {
  std::error_code ignored;
  if (directory == root || std::filesystem::is_directory(directory, ignored)) {
    return {};
  }
  if (const error_code ec = make_parents(root, directory.parent_path())) {
    return ec;
  }
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
    return last_error();
  }
  return sync_directory(directory.parent_path());
}

int open_flags(open_options options) {
  const bool reads = has(options, open_options::read);
  const bool writes = has(options, open_options::write) || has(options, open_options::append);
  int flags = O_CLOEXEC;
  flags |= reads && writes ? O_RDWR : (writes ? O_WRONLY : O_RDONLY);
  if (has(options, open_options::create_new)) {
    flags |= O_CREAT | O_EXCL;
  } else if (has(options, open_options::create)) {
    flags |= O_CREAT;
  }
  if (has(options, open_options::truncate)) {
    flags |= O_TRUNC;
  }
  return flags;
}

bool is_regular(const std::filesystem::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

error_code resolve(const std::filesystem::path& root, std::string_view path,
                   std::filesystem::path& out) {
  if (path.empty() || path.back() == '/' || path.find('\0') != std::string_view::npos) {
    return make(std::errc::invalid_argument);
  }
  return resolve_directory(root, path, out);
}

error_code resolve_directory(const std::filesystem::path& root, std::string_view directory,
                             std::filesystem::path& out) {
  out = root;
  if (directory.find('\0') != std::string_view::npos || !append_components(directory, out)) {
    return make(std::errc::invalid_argument);
  }
  return {};
}

void make_root(const std::filesystem::path& root) {
  std::filesystem::create_directories(root);
}

open_result open_file(const std::filesystem::path& root, std::string_view path,
                      open_options options) {
  std::filesystem::path target;
  if (const error_code ec = resolve(root, path, target)) {
    return {-1, ec};
  }
  const bool writes = has(options, open_options::write) || has(options, open_options::append);
  if ((!has(options, open_options::read) && !writes) ||
      (has(options, open_options::truncate) && !writes)) {
    return {-1, make(std::errc::invalid_argument)};  // as the simulated disk refuses them
  }
  if (has(options, open_options::create) || has(options, open_options::create_new)) {
    if (const error_code ec = make_parents(root, target.parent_path())) {
      return {-1, ec};
    }
  }
  int fd = -1;
  do {
    fd = ::open(target.c_str(), open_flags(options), 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return {-1, last_error()};
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    // A directory opened read-only: not a file of the storage model.
    const error_code ec = S_ISDIR(info.st_mode) ? make(std::errc::is_a_directory) : last_error();
    close_file(fd);
    return {-1, ec};
  }
  return {fd, {}};
}

error_code remove_file(const std::filesystem::path& root, std::string_view path) {
  std::filesystem::path target;
  if (const error_code ec = resolve(root, path, target)) {
    return ec;
  }
  return ::unlink(target.c_str()) == 0 ? error_code() : last_error();
}

error_code rename_file(const std::filesystem::path& root, std::string_view from,
                       std::string_view to) {
  std::filesystem::path source;
  std::filesystem::path target;
  if (error_code ec = resolve(root, from, source); ec || (ec = resolve(root, to, target))) {
    return ec;
  }
  struct stat info {};
  if (::lstat(source.c_str(), &info) != 0) {
    return last_error();  // before making the target's directories
  }
  if (const error_code ec = make_parents(root, target.parent_path())) {
    return ec;
  }
  return ::rename(source.c_str(), target.c_str()) == 0 ? error_code() : last_error();
}

error_code sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno == ENOENT ? error_code() : last_error();
  }
  const error_code ec = ::fsync(fd) == 0 ? error_code() : last_error();
  close_file(fd);
  return ec;
}

error_code sync_directory(const std::filesystem::path& root, std::string_view directory) {
  std::filesystem::path target;
  if (const error_code ec = resolve_directory(root, directory, target)) {
    return ec;
  }
  return sync_directory(target);
}

bool file_exists(const std::filesystem::path& root, std::string_view path) {
  std::filesystem::path target;
  return !resolve(root, path, target) && is_regular(target);
}

std::vector<std::string> list_directory(const std::filesystem::path& root,
                                        std::string_view directory) {
  std::filesystem::path target;
  std::vector<std::string> names;
  if (resolve_directory(root, directory, target)) {
    return names;
  }
  DIR* dir = ::opendir(target.c_str());
  if (dir == nullptr) {
    return names;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != ".." && is_regular(target / name)) {
      names.push_back(name);
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

io_result pread_some(int fd, std::uint64_t offset,
                     std::span<const boost::asio::mutable_buffer> buffers) {
  std::array<iovec, io_buffers_max> vectors{};
  const std::size_t count = std::min(buffers.size(), io_buffers_max);
  for (std::size_t i = 0; i < count; ++i) {
    vectors[i] = {buffers[i].data(), buffers[i].size()};
  }
  ssize_t n = 0;
  do {
    n = ::preadv(fd, vectors.data(), static_cast<int>(count), static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  return n < 0 ? io_result{last_error(), 0} : io_result{{}, static_cast<std::size_t>(n)};
}

io_result pwrite_some(int fd, std::uint64_t offset,
                      std::span<const boost::asio::const_buffer> buffers) {
  std::array<iovec, io_buffers_max> vectors{};
  const std::size_t count = std::min(buffers.size(), io_buffers_max);
  for (std::size_t i = 0; i < count; ++i) {
    // iovec is shared by reads and writes; pwritev does not write through it.
    vectors[i] = {const_cast<void*>(buffers[i].data()), buffers[i].size()};
  }
  ssize_t n = 0;
  do {
    n = ::pwritev(fd, vectors.data(), static_cast<int>(count), static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  return n < 0 ? io_result{last_error(), 0} : io_result{{}, static_cast<std::size_t>(n)};
}

error_code sync_file(int fd, bool metadata) {
  const int result = metadata ? ::fsync(fd) : ::fdatasync(fd);
  return result == 0 ? error_code() : last_error();
}

std::uint64_t file_size(int fd, error_code& ec) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ec = last_error();
    return 0;
  }
  ec = {};
  return static_cast<std::uint64_t>(info.st_size);
}

error_code truncate_file(int fd, std::uint64_t size) {
  int result = 0;
  do {
    result = ::ftruncate(fd, static_cast<off_t>(size));
  } while (result != 0 && errno == EINTR);
  return result == 0 ? error_code() : last_error();
}

void close_file(int fd) noexcept {
  if (fd >= 0) {
    ::close(fd);  // the descriptor is gone whatever close reports (Linux)
  }
}

}  // namespace moonpool::real::detail
