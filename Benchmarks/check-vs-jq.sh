#!/usr/bin/env bash
# Whole-process cost of `oidc-doctor check` (release build) against `jq . policy.json` on the same files.
# Usage: bash Benchmarks/check-vs-jq.sh [runs]   (default 200 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
swift build -c release --product oidc-doctor >/dev/null
bin=$(swift build -c release --show-bin-path)/oidc-doctor
sample=../shared/samples/deny-ref-other-branch
[[ -d $sample ]] || { echo "needs ../shared/samples"; exit 1; }
command -v jq >/dev/null || { echo "needs jq (apt-get install jq)"; exit 1; }

time_ms() {  # total milliseconds for $runs runs of the command
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
"$bin" check --token $sample/token.jwt --policy $sample/policy.json --at 2026-11-27T11:10:00Z --format json >/dev/null || true
jq . $sample/policy.json >/dev/null
ours=$(time_ms "$bin" check --token $sample/token.jwt --policy $sample/policy.json --at 2026-11-27T11:10:00Z --format json)
theirs=$(time_ms jq . $sample/policy.json)
echo "oidc-doctor check: $(awk "BEGIN{printf \"%.2f\", $ours/$runs}") ms per run ($runs runs)"
echo "jq . policy.json:  $(awk "BEGIN{printf \"%.2f\", $theirs/$runs}") ms per run ($runs runs)"
echo "ratio check/jq:    $(awk "BEGIN{printf \"%.2f\", $ours/$theirs}")"
