#!/usr/bin/env bash
# The CPU's single-core FMA ceiling (GFLOP/s with 8-lane AVX2 and 16-lane AVX-512 vectors), to put the detection
# benchmarks in proportion: `rollcall bench detect` reports each model's multiply-accumulates per frame, and
# 2 × MACs / time is the rate any implementation must reach for a given time.
# Needs a CPU with AVX-512 (the binary is built for znver4); prints one JSON line. Pinned to one core.
# Usage: benchmarks/fma_peak.sh
set -euo pipefail
cd "$(dirname "$0")"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
grep -qw avx512f /proc/cpuinfo || { echo "this CPU has no AVX-512" >&2; exit 1; }
swiftc -O -target-cpu znver4 fma_peak.swift -o "$OUT/fma_peak"
taskset -c "${CORE:-0}" "$OUT/fma_peak"
