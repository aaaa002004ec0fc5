#pragma once
// Records a child process sends its parent over a pipe: a tag byte, a
// 64-bit length, then the bytes. Isolated seeds (isolation.cpp) and
// explored root seeds (root_workers.cpp) use them.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moonpool/sim/runner/simulation_builder.hpp"

namespace moonpool::sim::detail {

inline constexpr char tag_result = 'R';   // an encoded seed_result
inline constexpr char tag_trace = 'T';    // one trace line
inline constexpr char tag_abort = 'A';    // why the child is dying
inline constexpr char tag_summary = 'S';  // a root seed's exploration summary

void append_record(std::string& out, char tag, std::string_view body);
[[nodiscard]] std::string encode(const seed_result& r);
[[nodiscard]] seed_result decode(std::string_view body);
// Every whole record in `bytes`, in order; a record cut short by a child
// that died mid-write is dropped.
[[nodiscard]] std::vector<std::pair<char, std::string_view>> read_records(std::string_view bytes);

// The pipe an isolated or worker child reports on (its abort hook writes
// tag_abort there); -1 in any other process.
void set_report_pipe(int fd) noexcept;
[[nodiscard]] int report_pipe() noexcept;
// How a child ended, from its wait status.
[[nodiscard]] std::string describe_status(int status);

}  // namespace moonpool::sim::detail
