#!/usr/bin/env bash
# Would int8 BlazeFace keep detection parity with MediaPipe? Simulates it on the float kernels and runs the
# parity test (celeba-dev and ORL, short and full range) on that build.
#
# The simulation (int8_simulation.patch, on Neural/Plan/Plan+Steps.swift, active only with RC_FAKE_INT8 set)
# is the most favourable 8-bit scheme: weights of every convolution and depthwise layer rounded to 255 levels
# per output channel (symmetric), and each layer's input rounded to 256 levels between its own minimum and
# maximum in that very frame (asymmetric, dynamic: no calibration error). A real int8 model with calibrated,
# static ranges can only lose more.
#
# Applies the patch to this checkout, builds the release CLI, runs the test, then reverts the patch and
# rebuilds (a few minutes each on 2 cores). Needs ../shared/datasets and ../shared/refs.
# Usage: benchmarks/int8_parity.sh
set -euo pipefail
cd "$(dirname "$0")/.."
git diff --quiet -- Sources/Neural/Plan/Plan+Steps.swift || { echo "Plan+Steps.swift has local changes" >&2; exit 1; }
git apply benchmarks/int8_simulation.patch
restore() { git apply -R benchmarks/int8_simulation.patch; swift build -c release --product rollcall >&2; }
trap restore EXIT
swift build -c release --product rollcall >&2
swift build --build-tests >&2
RC_FAKE_INT8=1 ROLLCALL_BIN="$PWD/.build/release/rollcall" swift test --skip-build --filter BlazeFaceParityTests 2>&1 \
    | grep -E '^parity ' | cut -c1-160 || true
