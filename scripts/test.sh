#!/usr/bin/env bash
# The whole test suite, as CI runs it (after scripts/setup.sh):
#   1. the default build (g++ 12, Release) and every test;
#   2. a clang++ 14 Debug build of a few simulations, only to check that
#      the same seed gives the same trace hash in both builds
#      (scripts/check-determinism.sh);
#   3. the asan preset (g++ ASan + UBSan): the engine, its unit tests and
#      the demos that drive every layer, simulations over fewer seeds
#      (docs/debugging.md, "Under the sanitizers").
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset default
cmake --build --preset default
ctest --preset default

bash scripts/check-determinism.sh

cmake --preset asan
cmake --build --preset asan
ctest --preset asan
