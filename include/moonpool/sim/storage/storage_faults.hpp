#pragma once
// How many storage faults a disk (or a whole world) has injected, by kind.
// Every one is also a trace record labelled "storage.<kind>".

#include <array>
#include <cstdint>

namespace moonpool::sim {

struct storage_fault_counts {
  std::uint64_t read_corruptions = 0;
  std::uint64_t write_corruptions = 0;
  std::uint64_t torn_writes = 0;
  std::uint64_t misdirected_writes = 0;
  std::uint64_t misdirected_reads = 0;
  std::uint64_t phantom_writes = 0;
  std::uint64_t sync_failures = 0;
  std::uint64_t no_space = 0;  // injected by no_space_probability, and capacity refusals
  std::uint64_t hangs = 0;
  // Episodes that delayed at least one operation (each counted once).
  std::uint64_t stalls = 0;
  std::uint64_t throttles = 0;
  // Not faults, the durability model at work: unsynced writes (and resizes)
  // a crash lost, and those it kept.
  std::uint64_t crash_lost_writes = 0;
  std::uint64_t crash_kept_writes = 0;

  storage_fault_counts& operator+=(const storage_fault_counts& other) noexcept;
  [[nodiscard]] std::uint64_t total_faults() const noexcept;
  friend bool operator==(const storage_fault_counts&, const storage_fault_counts&) = default;
};

// Every count with its report name, in declaration order: the one list the
// sum, the JSON report and the worker pipe's codec walk.
struct storage_fault_count_field {
  const char* name;
  std::uint64_t storage_fault_counts::*member;
  bool is_fault;  // false: the durability model's bookkeeping
};
inline constexpr std::array<storage_fault_count_field, 13> storage_fault_count_fields{{
    {"read_corruptions", &storage_fault_counts::read_corruptions, true},
    {"write_corruptions", &storage_fault_counts::write_corruptions, true},
    {"torn_writes", &storage_fault_counts::torn_writes, true},
    {"misdirected_writes", &storage_fault_counts::misdirected_writes, true},
    {"misdirected_reads", &storage_fault_counts::misdirected_reads, true},
    {"phantom_writes", &storage_fault_counts::phantom_writes, true},
    {"sync_failures", &storage_fault_counts::sync_failures, true},
    {"no_space", &storage_fault_counts::no_space, true},
    {"hangs", &storage_fault_counts::hangs, true},
    {"stalls", &storage_fault_counts::stalls, true},
    {"throttles", &storage_fault_counts::throttles, true},
    {"crash_lost_writes", &storage_fault_counts::crash_lost_writes, false},
    {"crash_kept_writes", &storage_fault_counts::crash_kept_writes, false},
}};

inline storage_fault_counts& storage_fault_counts::operator+=(
    const storage_fault_counts& other) noexcept {
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    this->*field.member += other.*field.member;
  }
  return *this;
}

inline std::uint64_t storage_fault_counts::total_faults() const noexcept {
  std::uint64_t total = 0;
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    total += field.is_fault ? this->*field.member : 0;
  }
  return total;
}

}  // namespace moonpool::sim
