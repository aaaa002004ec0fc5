#include "pipe_records.hpp"

#include "../../common/byte_codec.hpp"

#include <sys/wait.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace moonpool::sim::detail {
namespace {

using moonpool::detail::byte_reader;
using moonpool::detail::put_text;
using moonpool::detail::put_u64;

int report_fd = -1;  // the pipe's write end, in a child that reports

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
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    put_u64(body, r.storage_faults.*field.member);
  }
  return body;
}

seed_result decode(std::string_view body) {
  byte_reader in(body);
  seed_result r;
  r.seed = in.u64();
  r.ok = in.u64() != 0;
  r.events = in.u64();
  r.sim_time = std::chrono::nanoseconds(static_cast<std::int64_t>(in.u64()));
  r.wall = std::chrono::nanoseconds(static_cast<std::int64_t>(in.u64()));
  r.trace_hash = std::string(in.text());
  r.error = std::string(in.text());
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    r.storage_faults.*field.member = in.u64();
  }
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
    byte_reader in(bytes);
    while (in.more()) {
      const char tag = in.byte();
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
