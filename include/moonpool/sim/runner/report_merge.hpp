#pragma once
// Merges the reports of a sharded run (--shard I/N on N machines) into the
// report of the unsharded run: the same seeds in the same order, the same
// failing seeds, the same assertion table (counts added, watermarks and
// frontiers at their best, SOMETIMES_EACH buckets united, so a
// sometimes-assertion that held in any shard holds) and the same
// exploration summary. Only wall-clock fields differ: the merged wall time
// is the sum of the shards'. `moonpool-report merge` (tools/moonpool-report)
// is its command line; docs/sharding.md shows it at work.

#include <string>
#include <vector>

#include "moonpool/sim/runner/report.hpp"

namespace moonpool::sim {

// One shard's report and where it came from (a file name), for messages.
struct shard_report {
  std::string source;
  SimulationReport report;
};

// The report of the unsharded run, marked shard 0/1. Throws
// std::invalid_argument with one line naming the sources when the reports
// do not make one run: reports of different simulations, programs or plans
// (the first flag that differs is named), a shard given twice or missing,
// a seed in the wrong shard, a shard holding fewer seeds than its plan
// gives it (a report cut short), or a --replay report.
[[nodiscard]] SimulationReport merge_shard_reports(const std::vector<shard_report>& shards);

}  // namespace moonpool::sim
