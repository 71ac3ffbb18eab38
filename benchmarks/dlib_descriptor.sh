#!/usr/bin/env bash
# Times dlib's own face descriptor (pip dlib 20.0.1: shape predictor + compute_face_descriptor on the
# demo-obama photo) and `rollcall bench embed --backbone dlib` on the same photo, in the same run, and prints
# both medians and the ratio (Rollcall / dlib; ≤ 1.0 is the target).
#
# The dlib wheel is built from source (~16 min on 2 cores) into a cached venv outside the repository:
# $ROLLCALL_BENCH_VENV (default ~/.cache/rollcall/bench-venv). Needs python3-venv and a C++ compiler; cmake
# comes from PyPI into the venv.
# Usage: benchmarks/dlib_descriptor.sh [iterations]   (run from anywhere; builds the release CLI if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS="${1:-50}"
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
DLIB_JSON=$(OMP_NUM_THREADS="$THREADS" "$VENV/bin/python" - "$MODELS" "$IMAGE" "$ITERATIONS" <<'PY'
import json, statistics, sys, time
import dlib
models, image, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
img = dlib.load_rgb_image(image)
det = dlib.get_frontal_face_detector()
sp = dlib.shape_predictor(models + "/shape_predictor_5_face_landmarks.dat")
net = dlib.face_recognition_model_v1(models + "/dlib_face_recognition_resnet_model_v1.dat")
box = max(det(img, 1), key=lambda r: r.area())
total, landmarks = [], []
for i in range(n + 5):
    t0 = time.perf_counter(); shape = sp(img, box); t1 = time.perf_counter()
    net.compute_face_descriptor(img, shape); t2 = time.perf_counter()
    if i >= 5: total.append((t2 - t0) * 1e3); landmarks.append((t1 - t0) * 1e3)
print(json.dumps({"median_ms": statistics.median(total), "landmarks_median_ms": statistics.median(landmarks)}))
PY
)
OURS_JSON=$(.build/release/rollcall bench embed --backbone dlib --image "$IMAGE" --iterations "$ITERATIONS" --threads "$THREADS")
python3 - "$DLIB_JSON" "$OURS_JSON" <<'PY'
import json, sys
dlib, ours = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"dlib_median_ms": round(dlib["median_ms"], 2), "rollcall_median_ms": round(ours["median_ms"], 2),
                  "ratio": round(ours["median_ms"] / dlib["median_ms"], 3),
                  "dlib_landmarks_ms": round(dlib["landmarks_median_ms"], 2),
                  "rollcall_landmarks_ms": round(ours["landmarks_median_ms"], 2)}))
PY
