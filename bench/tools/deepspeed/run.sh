#!/usr/bin/env bash
# Builds DeepSpeed's CPU Adam from the caller's DeepSpeed checkout beside a plain C Adam loop, checks
# both against a float64 Adam, and times one step at each size, thread count and OpenMP wait policy.
#
#   bench/tools/deepspeed/run.sh DEEPSPEED_DIR
#
# DEEPSPEED_DIR is a DeepSpeed checkout (its csrc/ is read in place) or a bare git repository (csrc/ of
# its HEAD is extracted into the build directory). Prints a tab-separated table on stdout.
# Settings from the environment (defaults in brackets):
#   BUILD_DIR [/tmp/vecopt-deepspeed]  SIZES [4096,65536,1048576,16777216]  THREADS ["1 2"]
#   POLICIES ["active passive default"]  WIDTHS ["512 256"]  OFFSETS [0]  WARMUP [0.3]  MEASURE_SECONDS [1.0] (per row)
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DEEPSPEED_DIR (a DeepSpeed checkout or bare git repository)" >&2
    exit 2
fi
DS=$1
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${BUILD_DIR:-/tmp/vecopt-deepspeed}
SIZES=${SIZES:-4096,65536,1048576,16777216}
THREADS=${THREADS:-1 2}
POLICIES=${POLICIES:-active passive default}
WIDTHS=${WIDTHS:-512 256}
OFFSETS=${OFFSETS:-0}
WARMUP=${WARMUP:-0.3}
MEASURE_SECONDS=${MEASURE_SECONDS:-1.0}
mkdir -p "$BUILD_DIR"

if [ -f "$DS/csrc/adam/cpu_adam_impl.cpp" ]; then
    SRC=$DS
    REV=$(git -C "$DS" rev-parse HEAD 2>/dev/null || echo unknown)
elif git --git-dir="$DS" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    SRC=$BUILD_DIR/deepspeed-src
    rm -rf "$SRC" && mkdir -p "$SRC"
    # File by file: a partial snapshot may lack blobs elsewhere in the tree, which git archive trips on.
    git --git-dir="$DS" ls-tree -r --name-only HEAD csrc/adam csrc/includes | while read -r f; do
        mkdir -p "$SRC/$(dirname "$f")"
        git --git-dir="$DS" show "HEAD:$f" >"$SRC/$f"
    done
    REV=$(git --git-dir="$DS" rev-parse HEAD)
else
    echo "$DS is neither a DeepSpeed checkout (no csrc/adam/cpu_adam_impl.cpp) nor a git repository" >&2
    exit 2
fi
echo "# DeepSpeed $REV; $(g++ --version | head -1); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs" >&2

# DeepSpeed's own flags for its CPU ops (op_builder/builder.py: -O3 -std=c++17 -march=native -fopenmp
# and -D__AVX512__ or -D__AVX256__); the C loop gets the matching preferred vector width, and
# -fno-math-errno so that sqrtf vectorizes.
for W in $WIDTHS; do
    OUT=$BUILD_DIR/adam-$W
    g++ -O3 -std=c++17 -g -Wno-reorder -march=native -fopenmp -D__AVX${W}__ \
        -I "$HERE/shim" -I "$SRC/csrc" -I "$SRC/csrc/includes" -I "$HERE" \
        -c "$HERE/deepspeed_step.cpp" -o "$OUT-deepspeed.o"
    gcc -O3 -march=native -fopenmp -fno-math-errno -mprefer-vector-width=$W -DC_VECTOR_BITS=$W \
        -I "$HERE" -c "$HERE/c_adam.c" -o "$OUT-c.o"
    g++ -O3 -std=c++17 -march=native -fopenmp -I "$HERE" -c "$HERE/driver.cpp" -o "$OUT-driver.o"
    g++ -fopenmp "$OUT-driver.o" "$OUT-deepspeed.o" "$OUT-c.o" -o "$OUT"
    if [ "$(objdump -d "$OUT-c.o" | grep -c 'vsqrtps.*%[yz]mm')" = 0 ]; then
        echo "warning: the C loop at $W bits did not vectorize its square root" >&2
    fi
    "$OUT" --check >&2
done

echo -e "impl\tthreads\twait_policy\toffset\tsize\tmedian_ns_per_elem\tmean_ns_per_elem\tmin_ns_per_elem\tsteps\tbatches"
for W in $WIDTHS; do
    for P in $POLICIES; do
        for T in $THREADS; do
            for O in $OFFSETS; do
                # One process per thread count and policy: libgomp reads both at start-up, and idle
                # spinning workers of a 2-thread team would otherwise run beside the 1-thread rows.
                # "default" leaves OMP_WAIT_POLICY unset: libgomp spins for a while, then sleeps.
                if [ "$P" = default ]; then POLICY=(); else POLICY=(OMP_WAIT_POLICY=$P); fi
                env -u OMP_WAIT_POLICY OMP_NUM_THREADS=$T "${POLICY[@]}" "$BUILD_DIR/adam-$W" --sizes "$SIZES" --offset "$O" --warmup "$WARMUP" \
                    --seconds "$MEASURE_SECONDS" --no-header
            done
        done
    done
done
