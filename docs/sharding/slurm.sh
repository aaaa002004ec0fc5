#!/bin/bash
# One moonpool run on a Slurm cluster: a job array, one task per shard.
# Each task runs shard $SLURM_ARRAY_TASK_ID of the run and writes its
# report; a job that depends on the array merges them into the report of
# the whole run (docs/sharding.md):
#
#   array=$(sbatch --parsable docs/sharding/slurm.sh)
#   sbatch --dependency=afterany:"$array" --wrap \
#     'moonpool-report merge reports/shard-*.json -o reports/merged.json'
#
# afterany, not afterok: a task whose seeds failed exits 1 (so Slurm shows
# it FAILED) after writing its report, and the merge must still read it.
#
# The array's range is the shard count: --array=0-7 runs 8 shards. Every
# node must see the same simulation binary and the reports directory (a
# shared file system).
#
#SBATCH --job-name=moonpool-shards
#SBATCH --array=0-7
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --time=02:00:00
#SBATCH --output=moonpool-shard-%a.log
set -euo pipefail

# What to run, where reports go; each may be set in the environment
# (sbatch passes it on).
simulation=${MOONPOOL_SIMULATION:-./build/bin/sim-kv}
read -r -a flags <<<"${MOONPOOL_FLAGS:---iterations 100000}"
reports=${MOONPOOL_REPORTS:-reports}

task=${SLURM_ARRAY_TASK_ID:?run this script as a job array (sbatch docs/sharding/slurm.sh)}
count=${SLURM_ARRAY_TASK_COUNT:?run this script as a job array (sbatch docs/sharding/slurm.sh)}
first=${SLURM_ARRAY_TASK_MIN:-0}
# Shard numbers start at 0 whatever the array's first index is.
shard=$((task - first))

mkdir -p "$reports"
exec "$simulation" "${flags[@]}" --shard "$shard/$count" --quiet \
  --report-json "$reports/shard-$shard.json"
