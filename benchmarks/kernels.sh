#!/usr/bin/env bash
# Neural's own kernels per instruction set: `rollcall bench kernels` times each kernel (GEMM, Winograd 3×3,
# depthwise 3×3, GEMV) on the shapes the models run, in every instruction set this CPU supports, on one thread
# pinned to one core, beside OpenBLAS's SGEMM on the same shapes, and prints GFLOP/s and the fraction of the
# same instruction set's multiply-add ceiling (measured in the same process: twelve independent FMA chains).
# Winograd's GFLOP/s count the direct convolution's arithmetic (the work it replaces), so they can exceed 1.0.
# Prints a table and, with JSON=1, the raw JSON lines.
# Usage: benchmarks/kernels.sh   (ROUNDS=7, CORE=0, ROLLCALL_BIN=.build/release/rollcall)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROLLCALL_BIN:-.build/release/rollcall}
[ -x "$BIN" ] || { echo "build first: swift build -c release --product rollcall" >&2; exit 1; }
OUT=$(taskset -c "${CORE:-0}" "$BIN" bench kernels --rounds "${ROUNDS:-7}")
[ "${JSON:-0}" = 1 ] && echo "$OUT"
python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(line) for line in sys.argv[1].splitlines() if line.strip()]
print(f"CPU kernels (isa chosen: {rows[0].get('isa')}, OpenBLAS core: {rows[0].get('blas_core')})")
print(f"{'kernel':<14} {'shape':<40} {'variant':<18} {'GFLOP/s':>8} {'ms':>9} {'of ceiling':>10}")
for r in rows:
    print(f"{r['kernel']:<14} {r.get('shape', ''):<40} {r['variant']:<18} {r['gflops']:>8.1f} "
          f"{r.get('ms', float('nan')):>9.3f} {r.get('of_ceiling', float('nan')):>10.3f}")
PY
