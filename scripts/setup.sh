#!/usr/bin/env bash
# Installs every Debian package moonpool needs to build, test and benchmark.
# Idempotent: when everything is already installed it only checks, and
# returns in well under a second.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang clang-format
  # clang's runtimes (libFuzzer, ASan, UBSan) for the fuzz preset; clang only recommends it.
  libclang-rt-14-dev
  libboost1.81-dev libboost1.81-doc libssl-dev patch
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  # web-server's end-to-end test drives it with curl (examples/web).
  curl
  # The HTML report's test opens pages in headless Chromium
  # (examples/check_report_html.cmake).
  chromium
  # The sharding docs' test parses their Kubernetes and GitHub Actions YAML
  # (tools/moonpool-report/check_sharding_docs.py).
  python3 python3-yaml
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run this script as root (sudo $0)" >&2
  exit 2
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
