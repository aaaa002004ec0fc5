#include "pipe_records.hpp"

#include <sys/wait.h>

#include <cstring>
#include <stdexcept>

namespace moonpool::sim::detail {
namespace {

int report_fd = -1;  // the pipe's write end, in a child that reports

void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out += static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

void put_text(std::string& out, std::string_view text) {
  put_u64(out, text.size());
  out.append(text);
}

class reader {
 public:
  explicit reader(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] bool more() const { return at_ < bytes_.size(); }
  std::uint64_t u64() {
    need(8);
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[at_ + i])} << (8 * i);
    }
    at_ += 8;
    return value;
  }
  std::string_view text() {
    const std::uint64_t size = u64();
    need(size);
    const std::string_view out = bytes_.substr(at_, size);
    at_ += size;
    return out;
  }
  char tag() {
    need(1);
    return bytes_[at_++];
  }

 private:
  void need(std::uint64_t n) const {
    if (bytes_.size() - at_ < n) {
      throw std::runtime_error("truncated");
    }
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};
}  // namespace

std::string encode(const seed_result& r) {
  std::string body;
  put_u64(body, r.seed);
  put_u64(body, r.ok ? 1 : 0);
  put_u64(body, r.events);
  put_u64(body, static_cast<std::uint64_t>(r.sim_time.count()));
  put_u64(body, static_cast<std::uint64_t>(r.wall.count()));
  put_text(body, r.trace_hash);
  put_text(body, r.error);
  return body;
}

seed_result decode(std::string_view body) {
  reader in(body);
  seed_result r;
  r.seed = in.u64();
  r.ok = in.u64() != 0;
  r.events = in.u64();
  r.sim_time = std::chrono::nanoseconds(static_cast<std::int64_t>(in.u64()));
  r.wall = std::chrono::nanoseconds(static_cast<std::int64_t>(in.u64()));
  r.trace_hash = std::string(in.text());
  r.error = std::string(in.text());
  return r;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  return "ended with wait status " + std::to_string(status);
}

void append_record(std::string& out, char tag, std::string_view body) {
  out += tag;
  put_text(out, body);
}

std::vector<std::pair<char, std::string_view>> read_records(std::string_view bytes) {
  std::vector<std::pair<char, std::string_view>> records;
  try {
    reader in(bytes);
    while (in.more()) {
      const char tag = in.tag();
      records.emplace_back(tag, in.text());
    }
  } catch (const std::runtime_error&) {
    // A child that died mid-write: keep what was whole.
  }
  return records;
}

void set_report_pipe(int fd) noexcept {
  report_fd = fd;
}

int report_pipe() noexcept {
  return report_fd;
}

}  // namespace moonpool::sim::detail
