#pragma once
// How many storage faults a disk (or a whole world) has injected, by kind.
// Every one is also a trace record labelled "storage.<kind>".

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
  // Not faults, the durability model at work: unsynced writes (and resizes)
  // a crash lost, and those it kept.
  std::uint64_t crash_lost_writes = 0;
  std::uint64_t crash_kept_writes = 0;

  storage_fault_counts& operator+=(const storage_fault_counts& other) noexcept;
  [[nodiscard]] std::uint64_t total_faults() const noexcept {
    return read_corruptions + write_corruptions + torn_writes + misdirected_writes +
           misdirected_reads + phantom_writes + sync_failures + no_space + hangs;
  }
  friend bool operator==(const storage_fault_counts&, const storage_fault_counts&) = default;
};

}  // namespace moonpool::sim
