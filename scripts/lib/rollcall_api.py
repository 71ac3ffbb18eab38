#!/usr/bin/env python3
"""Small client of the Rollcall cloud's HTTP API for scripts/demo (standard library only).

  rollcall_api.py wait-health URL SECONDS    exit 0 once GET /healthz answers 200
  rollcall_api.py public-key URL             print the gallery verification key (base64)
  rollcall_api.py worker-id URL NAME         print the id of the worker called NAME (nothing if none)
  rollcall_api.py watch URL T0 [FIRST_FILE]  print detections as they are stored, until interrupted; the first
                                             recognition's delay since T0 (epoch seconds) is printed and written
                                             to FIRST_FILE

The API token comes from the ROLLCALL_TOKEN environment variable (never the command line, where `ps` shows it).
"""
import os
import json
import sys
import time
import urllib.error
import urllib.request


def get(url, token=None, timeout=5):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_health(base, seconds):
    deadline = time.time() + float(seconds)
    last = "no answer"
    while time.time() < deadline:
        try:
            get(base + "/healthz", timeout=2)
            return 0
        except (urllib.error.URLError, OSError, ValueError) as error:
            last = str(error)
        time.sleep(0.2)
    print("cloud did not answer /healthz within %ss (%s)" % (seconds, last), file=sys.stderr)
    return 1


def public_key(base, token):
    print(get(base + "/api/v1/gallery/public-key", token)["publicKey"])
    return 0


def worker_id(base, token, name):
    for worker in get(base + "/api/v1/workers", token):
        if worker.get("name") == name:
            print(worker["id"])
            break
    return 0


def describe(detection, names):
    worker = detection.get("workerID")
    who = names.get(worker, "worker %s" % worker) if worker is not None else "unknown"
    parts = ["%-14s" % who]
    if detection.get("distance") is not None:
        parts.append("distance %.3f" % detection["distance"])
    if detection.get("emotion"):
        score = detection.get("emotionScore")
        parts.append("emotion %s%s" % (detection["emotion"], " (%.2f)" % score if score is not None else ""))
    parts.append("camera %s/%s/%s track %s" % (detection.get("siteID"), detection.get("agentID"),
                                               detection.get("camera"), detection.get("trackID")))
    return "  ".join(parts)


def watch(base, token, t0, first_file=None):
    t0 = float(t0)
    last_id = 0
    names = {}
    first_done = False
    errors = 0
    # Start after what earlier runs stored.
    try:
        page = get(base + "/api/v1/detections?limit=1", token)
        if page["items"]:
            last_id = page["items"][0]["id"]
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        pass
    while True:
        try:
            page = get(base + "/api/v1/detections?limit=100", token)
            fresh = sorted((d for d in page["items"] if d["id"] > last_id), key=lambda d: d["id"])
            if any(d.get("workerID") is not None and d["workerID"] not in names for d in fresh):
                names = {w["id"]: w["name"] for w in get(base + "/api/v1/workers", token)}
            for detection in fresh:
                last_id = detection["id"]
                stamp = time.strftime("%H:%M:%S")
                print("%s  %s" % (stamp, describe(detection, names)), flush=True)
                if not first_done and detection.get("workerID") is not None:
                    first_done = True
                    delay = time.time() - t0
                    print("           first recognition %.1f s after the demo started" % delay, flush=True)
                    if first_file:
                        with open(first_file, "w") as handle:
                            handle.write("%.1f\n" % delay)
            errors = 0
        except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
            errors += 1
            if errors in (3, 30):
                print("  (cloud API not answering: %s)" % error, file=sys.stderr, flush=True)
        time.sleep(0.5)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[1], argv[2:]
    token = os.environ.get("ROLLCALL_TOKEN", "")
    try:
        if command == "wait-health" and len(args) == 2:
            return wait_health(*args)
        if command == "public-key" and len(args) == 1:
            return public_key(args[0], token)
        if command == "worker-id" and len(args) == 2:
            return worker_id(args[0], token, args[1])
        if command == "watch" and len(args) in (2, 3):
            return watch(args[0], token, *args[1:])
    except KeyboardInterrupt:
        return 0
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        print("rollcall_api %s: %s" % (command, error), file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
