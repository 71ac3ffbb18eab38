#!/usr/bin/env bash
# VGG16 forward, 224×224 batch 1, 2 threads: Rollcall (`rollcall bench vgg16`) beside ONNX Runtime (graph built
# with onnx.helper, random weights) in the same run, alternating, and the ratio of the medians.
# Needs the release CLI (swift build -c release --product rollcall) and python3-venv; the venv (pip onnxruntime,
# onnx, numpy) is made once under ${ROLLCALL_BENCH_VENV:-.build/bench-venv-ort} and reused.
# ROLLCALL_BASE_BIN (optional): a second build (e.g. of main) timed in the same rounds (base_median_ms, base_ratio).
# Usage: benchmarks/onnxruntime_vgg16.sh [rounds=3] [runs per round=5]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
RUNS=${2:-5}
VENV=${ROLLCALL_BENCH_VENV:-.build/bench-venv-ort}
BIN=${ROLLCALL_BIN:-.build/release/rollcall}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check onnxruntime onnx numpy
fi
ours=(); theirs=(); base=()
for round in $(seq "$ROUNDS"); do
    o=$("$BIN" bench vgg16 --threads 2 --runs "$RUNS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
    t=$("$VENV/bin/python" benchmarks/onnxruntime_vgg16.py 2 "$RUNS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
    echo "round $round: rollcall ${o} ms, onnxruntime ${t} ms" >&2
    ours+=("$o"); theirs+=("$t")
    if [ -n "${ROLLCALL_BASE_BIN:-}" ]; then
        b=$("$ROLLCALL_BASE_BIN" bench vgg16 --threads 2 --runs "$RUNS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
        echo "round $round: base ${b} ms" >&2
        base+=("$b")
    fi
done
python3 - "${ours[*]}" "${theirs[*]}" "${base[*]:-}" <<'PY'
import json, statistics, sys
ours = [float(v) for v in sys.argv[1].split()]; theirs = [float(v) for v in sys.argv[2].split()]
base = [float(v) for v in sys.argv[3].split()]
o, t = statistics.median(ours), statistics.median(theirs)
result = {"rollcall_median_ms": o, "onnxruntime_median_ms": t, "ratio": o / t, "threads": 2,
          "rollcall_rounds": ours, "onnxruntime_rounds": theirs}
if base:
    result.update({"base_median_ms": statistics.median(base), "base_ratio": statistics.median(base) / t, "base_rounds": base})
print(json.dumps(result))
PY
