#!/usr/bin/env bash
# Times dlib's own face descriptor (pip dlib 20.0.1: shape predictor + compute_face_descriptor on the
# demo-obama photo) and `rollcall bench embed --backbone dlib` on the same photo, alternating ROUNDS rounds
# (default 3) in the same run, and prints the medians of the round medians and the ratios (Rollcall / dlib)
# for Rollcall's default (mirror-averaged: two forward passes, run at once on two threads when THREADS ≥ 2),
# for --no-concurrent-mirror (the two passes one after the other) and for --no-mirror (one pass, as
# compute_face_descriptor does); then without the landmarks (ratio_descriptor: chip + one pass, what
# compute_face_descriptor(image, shape) does) and for one pass of the network alone on an aligned chip
# (ratio_forward: compute_face_descriptor(chip) against bench embed's forward_median_ms; target ≤ 0.5).
#
# The dlib wheel is built from source (~16 min on 2 cores) into a cached venv outside the repository:
# $ROLLCALL_BENCH_VENV (default ~/.cache/rollcall/bench-venv). Needs python3-venv and a C++ compiler; cmake
# comes from PyPI into the venv.
# Usage: ROUNDS=3 benchmarks/dlib_descriptor.sh [iterations]   (run from anywhere; builds the release CLI if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS="${1:-50}"
ROUNDS="${ROUNDS:-3}"
VENV="${ROLLCALL_BENCH_VENV:-$HOME/.cache/rollcall/bench-venv}"
MODELS="${ROLLCALL_MODELS:-$HOME/.cache/rollcall/models}"
THREADS="${THREADS:-$(nproc)}"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import dlib' 2>/dev/null; then
    echo "building dlib 20.0.1 into $VENV (about 16 minutes on 2 cores)…" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet cmake
    PATH="$VENV/bin:$PATH" "$VENV/bin/pip" install --quiet "dlib==20.0.1" "numpy<3"
fi
[ -x .build/release/rollcall ] || swift build -c release --product rollcall >&2

IMAGE="$MODELS/demo/obama.jpg"
dlib_round() {
    OMP_NUM_THREADS="$THREADS" "$VENV/bin/python" - "$MODELS" "$IMAGE" "$ITERATIONS" <<'PY'
import json, statistics, sys, time
import dlib
models, image, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
img = dlib.load_rgb_image(image)
det = dlib.get_frontal_face_detector()
sp = dlib.shape_predictor(models + "/shape_predictor_5_face_landmarks.dat")
net = dlib.face_recognition_model_v1(models + "/dlib_face_recognition_resnet_model_v1.dat")
box = max(det(img, 1), key=lambda r: r.area())
total, landmarks, forward = [], [], []
for i in range(n + 5):
    t0 = time.perf_counter(); shape = sp(img, box); t1 = time.perf_counter()
    net.compute_face_descriptor(img, shape); t2 = time.perf_counter()
    if i >= 5: total.append((t2 - t0) * 1e3); landmarks.append((t1 - t0) * 1e3)
# One pass of the network alone, on the aligned 150×150 chip (dlib's own alignment).
chip = dlib.get_face_chip(img, sp(img, box), size=150, padding=0.25)
for i in range(n + 5):
    t0 = time.perf_counter(); net.compute_face_descriptor(chip); t1 = time.perf_counter()
    if i >= 5: forward.append((t1 - t0) * 1e3)
print(json.dumps({"median_ms": statistics.median(total), "landmarks_median_ms": statistics.median(landmarks),
                  "forward_median_ms": statistics.median(forward)}))
PY
}
rounds=()
for round in $(seq "$ROUNDS"); do
    d=$(dlib_round)
    m=$(.build/release/rollcall bench embed --backbone dlib --image "$IMAGE" --iterations "$ITERATIONS" --threads "$THREADS")
    n=$(.build/release/rollcall bench embed --backbone dlib --image "$IMAGE" --iterations "$ITERATIONS" --threads "$THREADS" --no-mirror)
    q=$(.build/release/rollcall bench embed --backbone dlib --image "$IMAGE" --iterations "$ITERATIONS" --threads "$THREADS" --no-concurrent-mirror)
    echo "round $round dlib: $d" >&2
    echo "round $round rollcall: $m" >&2
    echo "round $round rollcall --no-mirror: $n" >&2
    echo "round $round rollcall --no-concurrent-mirror: $q" >&2
    rounds+=("$d" "$m" "$n" "$q")
done
python3 - "${rounds[@]}" <<'PY'
import json, statistics, sys
rows = [json.loads(x) for x in sys.argv[1:]]
dlib, mirror, single, sequential = rows[0::4], rows[1::4], rows[2::4], rows[3::4]
med = lambda xs, k="median_ms": statistics.median(x[k] for x in xs)
d, m, s, q = med(dlib), med(mirror), med(single), med(sequential)
print(json.dumps({"rounds": len(dlib), "dlib_median_ms": round(d, 2), "rollcall_median_ms": round(m, 2),
                  "ratio": round(m / d, 3), "rollcall_no_mirror_median_ms": round(s, 2),
                  "ratio_no_mirror": round(s / d, 3), "rollcall_sequential_mirror_median_ms": round(q, 2),
                  "ratio_sequential_mirror": round(q / d, 3),
                  "dlib_landmarks_ms": round(med(dlib, "landmarks_median_ms"), 2),
                  "rollcall_landmarks_ms": round(med(single, "landmarks_median_ms"), 2),
                  # The descriptor without the landmarks (chip + one pass): compute_face_descriptor(image, shape).
                  "dlib_descriptor_ms": round(med(dlib) - med(dlib, "landmarks_median_ms"), 2),
                  "rollcall_descriptor_ms": round(s - med(single, "landmarks_median_ms"), 2),
                  "ratio_descriptor": round((s - med(single, "landmarks_median_ms"))
                                            / (d - med(dlib, "landmarks_median_ms")), 3),
                  # One pass of the network on an aligned chip: compute_face_descriptor(chip).
                  "dlib_forward_ms": round(med(dlib, "forward_median_ms"), 2),
                  "rollcall_forward_ms": round(med(single, "forward_median_ms"), 2),
                  "ratio_forward": round(med(single, "forward_median_ms") / med(dlib, "forward_median_ms"), 3)}))
PY
