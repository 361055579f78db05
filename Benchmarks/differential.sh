#!/usr/bin/env bash
# The differential test at scale: engine vs the naive evaluator of Tests/…/DifferentialTests.swift,
# thousands of random policies and tokens per seed. Prints cases, agreement and labelled cases.
# Usage: bash Benchmarks/differential.sh [cases per seed] [seeds...]   (default 5000; seeds 1 2 3)
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-5000}
shift || true
seeds=("${@:-1 2 3}")
swift build --build-tests >/dev/null
for seed in ${seeds[@]}; do
  DIFFERENTIAL_CASES=$cases DIFFERENTIAL_SEED=$seed swift test --skip-build --filter DifferentialTests 2>&1 \
    | grep -E '^differential:|disagree|unlabelled' || true
done
