#!/usr/bin/env bash
# Issue 18's "whatever OpenBLAS picks" check: `rollcall bench embed` and `rollcall bench cloud` of this build with
# OPENBLAS_CORETYPE=Prescott (how a CPU that OpenBLAS 0.3.21 does not know is simulated) against a build of
# main (ROLLCALL_BASE_BIN) with OpenBLAS's best cores forced (SkylakeX, Haswell) and with Prescott, alternating
# in the same run, ROUNDS rounds; prints each variant's median. OPENBLAS_* are set for these commands only.
# Usage: ROLLCALL_BASE_BIN=/path/to/main/rollcall benchmarks/openblas_cores.sh   (ROUNDS=3, EMBED_RUNS=60, SKIP_CLOUD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROLLCALL_BIN:-.build/release/rollcall}
BASE=${ROLLCALL_BASE_BIN:?set ROLLCALL_BASE_BIN to a release build of main}
ROUNDS=${ROUNDS:-3}
RUNS=${EMBED_RUNS:-60}
variants=("new Prescott" "base SkylakeX" "base Haswell" "base Prescott")
run() {  # variant-binary core bench...
    local bin=$1 core=$2; shift 2
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$core" "$bin" bench "$@"
}
declare -A embed cloud
for round in $(seq "$ROUNDS"); do
    for v in "${variants[@]}"; do
        set -- $v
        bin=$([ "$1" = new ] && echo "$BIN" || echo "$BASE")
        e=$(run "$bin" "$2" embed --backbone dlib --iterations "$RUNS" --threads 2)
        echo "round $round $v embed: $e" >&2
        embed[$v]+="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_ms"])' "$e") "
        if [ "${SKIP_CLOUD:-0}" != 1 ]; then
            c=$(run "$bin" "$2" cloud)
            echo "round $round $v cloud: $c" >&2
            cloud[$v]+="$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["crops_per_s"], d["cpu_ms_per_crop"])' "$c" | tr ' ' ',') "
        fi
    done
done
for v in "${variants[@]}"; do
    python3 - "$v" "${embed[$v]}" "${cloud[$v]:-}" <<'PY'
import json, statistics, sys
name, embed, cloud = sys.argv[1], [float(x) for x in sys.argv[2].split()], [x.split(",") for x in sys.argv[3].split()]
row = {"variant": name, "embed_median_ms": statistics.median(embed), "embed_rounds": embed}
if cloud:
    row["cloud_crops_per_s"] = statistics.median(float(c[0]) for c in cloud)
    row["cloud_cpu_ms_per_crop"] = statistics.median(float(c[1]) for c in cloud)
    row["cloud_rounds"] = [[float(v) for v in c] for c in cloud]
print(json.dumps(row))
PY
done
