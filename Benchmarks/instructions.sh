#!/usr/bin/env bash
# Instructions per in-process diagnosis of the 20-statement policy, counted by callgrind: unlike
# wall-clock time on a shared VM, the count is the same from run to run.
# Usage: bash Benchmarks/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
swift build -c release --product oidc-doctor-bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read Swift's DWARF 5: profile a copy without debug info.
cp "$(swift build -c release --show-bin-path)/oidc-doctor-bench" "$work/bench"
objcopy --strip-debug "$work/bench"
runs=200  # the `profile` workload: 200 diagnoses
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/bench" profile >/dev/null 2>&1
total=$(callgrind_annotate --inclusive=yes "$work/cg.out" 2>/dev/null |
  awk '/OIDCDoctorCore9DiagnoserO8diagnose/ { gsub(",", "", $1); if ($1 > max) max = $1 } END { print max }')
[[ -n $total ]] || { echo "no Diagnoser.diagnose in the profile"; exit 1; }
echo "20-statement policy: $(awk "BEGIN{printf \"%.2f\", $total/$runs/1e6}") M instructions per diagnosis ($runs diagnoses under callgrind)"
