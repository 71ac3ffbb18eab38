#!/usr/bin/env bash
# BlazeFace's layer shapes through CNeuralKernels, timed in thread CPU time from C (benchmarks/kernels_cpu.c;
# no Swift build). With BASE_REF (a git ref, e.g. main) the same program is also built against that ref's
# CNeuralKernels and the two alternate, so before/after ratios come from one run.
# Usage: [BASE_REF=main] [ISA=0|1|2] [ROUNDS=3] benchmarks/kernels_cpu.sh   (ISA: baseline, avx2, avx512; default: the CPU's best)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
build() {  # build SOURCE_DIR OUTPUT [extra flags]
    clang -O3 -std=c11 -w -I"$1/include" -I"$1" "${@:3}" benchmarks/kernels_cpu.c "$1"/*.c -o "$2" -lpthread
}
build Sources/CNeuralKernels "$WORK/this" -DRC_HAVE_CONV_DIRECT
if [ -n "${BASE_REF:-}" ]; then
    mkdir -p "$WORK/base"
    git archive "$BASE_REF" Sources/CNeuralKernels | tar -x -C "$WORK/base"
    build "$WORK/base/Sources/CNeuralKernels" "$WORK/base_bin"
fi
for round in $(seq "$ROUNDS"); do
    "$WORK/this" ${ISA:-} | sed "s/^{/{\"build\": \"this\", \"round\": $round, /"
    [ -n "${BASE_REF:-}" ] && "$WORK/base_bin" ${ISA:-} | sed "s/^{/{\"build\": \"$BASE_REF\", \"round\": $round, /"
done
