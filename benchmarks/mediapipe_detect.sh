#!/usr/bin/env bash
# Rollcall's BlazeFace against MediaPipe's own Python face detector, side by side on the same 640×480 frame.
#
# Makes a throwaway venv with mediapipe==0.10.14 (numpy<2, protobuf 4.25.x) unless MEDIAPIPE_VENV names one to
# (re)use, then alternates ROUNDS rounds of `rollcall bench detect` (1 thread, decode excluded) and
# benchmarks/mediapipe_detect.py, and prints each side's median of per-round medians and their ratio.
#
# Usage: benchmarks/mediapipe_detect.sh [IMAGE]   (default: the pinned demo photo demo-obama)
# Environment: MODEL=short|full (default short), FRAMES (default 1000), ROUNDS (default 3),
#              ROLLCALL_BIN (default .build/release/rollcall), MEDIAPIPE_VENV (keep the venv there),
#              ROLLCALL_BASE_BIN (optional: a second build, e.g. of main, timed in the same rounds and reported as
#              base_median_ms / base_ratio).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${MODEL:-short}
FRAMES=${FRAMES:-1000}
ROUNDS=${ROUNDS:-3}
BIN=${ROLLCALL_BIN:-.build/release/rollcall}
[ -x "$BIN" ] || { echo "build first: swift build -c release --product rollcall" >&2; exit 1; }
IMAGE=${1:-$("$BIN" models path demo-obama)}

if [ -n "${MEDIAPIPE_VENV:-}" ]; then
    VENV=$MEDIAPIPE_VENV
else
    SCRATCH=$(mktemp -d)
    trap 'rm -rf "$SCRATCH"' EXIT
    VENV=$SCRATCH/venv
fi
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" -q install "mediapipe==0.10.14" "numpy<2" "protobuf>=4.25,<5"
fi

ours=()
theirs=()
base=()
median_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_ms"])' "$1"; }
for round in $(seq "$ROUNDS"); do
    o=$("$BIN" bench detect --model "$MODEL" --threads 1 --image "$IMAGE" --frames "$FRAMES" --decode-frames 0)
    t=$("$VENV/bin/python" benchmarks/mediapipe_detect.py --image "$IMAGE" --model "$MODEL" --frames "$FRAMES")
    echo "round $round rollcall:  $o"
    echo "round $round mediapipe: $t"
    ours+=("$(median_of "$o")")
    theirs+=("$(median_of "$t")")
    if [ -n "${ROLLCALL_BASE_BIN:-}" ]; then
        b=$("$ROLLCALL_BASE_BIN" bench detect --model "$MODEL" --threads 1 --image "$IMAGE" --frames "$FRAMES" --decode-frames 0)
        echo "round $round base:      $b"
        base+=("$(median_of "$b")")
    fi
done
python3 - "$MODEL" "${ours[*]}" "${theirs[*]}" "${base[*]:-}" <<'PY'
import json, statistics, sys
model, ours, theirs = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
base = [float(x) for x in sys.argv[4].split()]
o, t = statistics.median(ours), statistics.median(theirs)
result = {"model": model, "rollcall_median_ms": o, "mediapipe_median_ms": t, "ratio": round(o / t, 3),
          "rounds": len(ours), "rollcall_round_medians": ours, "mediapipe_round_medians": theirs}
if base:
    b = statistics.median(base)
    result.update({"base_median_ms": b, "base_ratio": round(b / t, 3), "base_round_medians": base})
print(json.dumps(result))
PY
