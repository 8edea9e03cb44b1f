#!/usr/bin/env bash
# Fuzzes the runbook loader, planner and output formats with libFuzzer + ASan + UBSan.
# Not part of the default test run:  ./scripts/fuzz.sh [SECONDS]   (default 300)
# Seeds: examples, templates, invalid runbooks and the YAML test suite. Crashes land in
# build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
./scripts/install-deps.sh
missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cmake -S . -B build-fuzz -G Ninja -DCUTOVER_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build build-fuzz --target loader_fuzz
mkdir -p build-fuzz/corpus build-fuzz/crashes
# Seeds named after their paths: examples/*/runbook.yaml must not overwrite one another.
find examples runbooks tests/schema-invalid tests/yaml-test-suite/cases -name '*.yaml' |
  while read -r seed; do cp "$seed" "build-fuzz/corpus/${seed//\//_}"; done
./build-fuzz/loader_fuzz build-fuzz/corpus -max_total_time="$seconds" -timeout=5 \
  -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1
