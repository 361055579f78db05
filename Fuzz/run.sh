#!/usr/bin/env bash
# Fuzz the readers and the whole diagnosis with libFuzzer + AddressSanitizer: bash Fuzz/run.sh [seconds]  (default 60)
# Crashers are written to Fuzz/crashes/; turn each into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
core=Sources/OIDCDoctorCore
out=.build-fuzz
mkdir -p "$out" Fuzz/crashes Fuzz/corpus
cp -n ../shared/samples/*/policy.json Fuzz/corpus/ 2>/dev/null || true
for f in ../shared/samples/*/policy.json; do cp "$f" "Fuzz/corpus/$(basename "$(dirname "$f")").json"; done 2>/dev/null || true
# Terraform seeds: the oracle fixtures' configurations.
for f in Tests/OIDCDoctorCoreTests/Terraform/fixtures/*/main.tf; do cp "$f" "Fuzz/corpus/tf-$(basename "$(dirname "$f")").tf"; done 2>/dev/null || true
# The whole engine but the two files that need packages (Fuzz/Stubs.swift stands in for them).
sources=$(find $core -name '*.swift' ! -name SignatureCheck.swift ! -name CloudFormationYAML.swift | sort)
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name OIDCDoctorFuzz -o "$out/fuzz-readers" \
  $sources Fuzz/Stubs.swift Fuzz/FuzzReaders.swift
"$out/fuzz-readers" -max_total_time="$secs" -max_len=4096 -artifact_prefix=Fuzz/crashes/ Fuzz/corpus 2>&1 | tail -5
