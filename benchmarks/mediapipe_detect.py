"""Times MediaPipe 0.10.14's own Python face detector (legacy solutions API, CPU) on one image resized to
640x480, the frame `rollcall bench detect` uses. Prints one JSON line with median_ms and p90_ms per frame
(the whole process() call, as MediaPipe's users see it).

Usage: python mediapipe_detect.py --image FILE [--model short|full] [--frames N] [--warmup N]"""
import argparse
import json
import time

import cv2
import numpy as np
from mediapipe.python.solutions import face_detection

parser = argparse.ArgumentParser()
parser.add_argument("--image", required=True)
parser.add_argument("--model", choices=["short", "full"], default="short")
parser.add_argument("--frames", type=int, default=1000)
parser.add_argument("--warmup", type=int, default=50)
args = parser.parse_args()

bgr = cv2.imread(args.image, cv2.IMREAD_COLOR)
if bgr is None:
    raise SystemExit(f"cannot read {args.image}")
frame = np.ascontiguousarray(cv2.cvtColor(cv2.resize(bgr, (640, 480), interpolation=cv2.INTER_LINEAR), cv2.COLOR_BGR2RGB))
detector = face_detection.FaceDetection(model_selection=0 if args.model == "short" else 1, min_detection_confidence=0.5)
faces = len(detector.process(frame).detections or [])
for _ in range(args.warmup):
    detector.process(frame)
times = []
for _ in range(args.frames):
    t0 = time.perf_counter()
    detector.process(frame)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
median = times[len(times) // 2]
p90 = times[min(len(times) - 1, int(0.9 * len(times) + 0.5) - 1)]
print(json.dumps({"bench": "mediapipe-detect", "model": args.model, "frames": args.frames, "width": 640, "height": 480,
                  "faces": faces, "median_ms": round(median, 3), "p90_ms": round(p90, 3),
                  "mean_ms": round(sum(times) / len(times), 3)}))
