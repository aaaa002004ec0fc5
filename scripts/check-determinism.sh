#!/usr/bin/env bash
# Same seed, same trace hash, whatever the build: runs the same seeds with
# the default build (g++ 12, Release) and with a clang++ 14 Debug build made
# only for this, and compares every seed's trace hash. Run after the default
# build (build/); builds build-determinism/ itself.
set -euo pipefail
cd "$(dirname "$0")/.."

other=build-determinism
targets=(moonpool-trace-probe sim-maze sim-leader-bug sim-http)
cmake -S . -B "$other" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DMOONPOOL_BUILD_BENCHMARKS=OFF -DMOONPOOL_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$other" -j2 --target "${targets[@]}"

# "seed trace" pairs, one per line, from a run's --verbose output.
hashes() {
  "$@" --verbose 2>&1 | awk '$1 == "seed" && $4 == "trace" { print $2, $5 }' || true
}

status=0
compare() {
  local name=$1
  shift
  local ours theirs
  ours=$(hashes "build/bin/$name" "$@")
  theirs=$(hashes "$other/bin/$name" "$@")
  if [ -z "$ours" ]; then
    echo "check-determinism: $name $* printed no seeds" >&2
    status=1
  elif [ "$ours" != "$theirs" ]; then
    echo "check-determinism: $name $*: g++ Release and clang++ Debug disagree:" >&2
    diff <(echo "$ours") <(echo "$theirs") | head -5 >&2
    status=1
  else
    echo "check-determinism: $name $*: $(echo "$ours" | wc -l) seeds, same hashes"
  fi
}

compare sim-maze --iterations 50
compare sim-leader-bug --iterations 50
compare sim-http --iterations 20
for seed in 1 2 3; do
  a=$(build/tests/moonpool-trace-probe "$seed")
  b=$("$other"/tests/moonpool-trace-probe "$seed")
  if [ "$a" != "$b" ]; then
    echo "check-determinism: trace probe seed $seed: $a (g++ Release) vs $b (clang++ Debug)" >&2
    status=1
  fi
done
exit $status
