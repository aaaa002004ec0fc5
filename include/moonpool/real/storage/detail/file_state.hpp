#pragma once
// What a real::file shares with its pending operations: the descriptor, the
// stream position, and a generation that cancel() and close() advance, so
// that an operation which has not run yet sees it was cancelled and
// completes with operation_aborted without touching the file.

#include <cstdint>
#include <filesystem>

#include "moonpool/real/storage/detail/posix.hpp"
#include "moonpool/sim/storage/open_options.hpp"

namespace moonpool::real::detail {

struct file_state {
  int fd = -1;  // -1: closed
  sim::open_options options = sim::open_options::none;
  // The directory of the name the file was opened by: what a
  // data_and_metadata sync syncs besides the file.
  std::filesystem::path directory;
  std::uint64_t position = 0;
  std::uint64_t generation = 0;
  // One stream operation at a time: the position is shared.
  bool stream_busy = false;

  file_state(int descriptor, sim::open_options opened, std::filesystem::path parent)
      : fd(descriptor), options(opened), directory(std::move(parent)) {}
  file_state(const file_state&) = delete;
  file_state& operator=(const file_state&) = delete;
  ~file_state() { close(); }

  [[nodiscard]] bool is_open() const noexcept { return fd >= 0; }
  [[nodiscard]] bool reads() const noexcept { return sim::has(options, sim::open_options::read); }
  [[nodiscard]] bool writes() const noexcept {
    return sim::has(options, sim::open_options::write) ||
           sim::has(options, sim::open_options::append);
  }
  void cancel() noexcept { ++generation; }
  void close() noexcept {
    ++generation;
    stream_busy = false;
    close_file(fd);
    fd = -1;
  }
};

}  // namespace moonpool::real::detail
