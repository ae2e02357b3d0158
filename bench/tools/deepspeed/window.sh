#!/usr/bin/env bash
# One comparison window: DeepSpeed's CPUAdam and the C loop (run.sh), then vecopt's Adam through JMH at
# 256 and 512 bits, all in a row on the same machine, with the load average before, between and after.
# Run it under the project's CPU lock from the repository root, after `mvn -B -o -q -DskipTests package`:
#
#   bench/tools/deepspeed/window.sh DEEPSPEED_DIR OUT_DIR
#   python3 bench/tools/deepspeed/compare.py OUT_DIR [OUT_DIR ...]
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 DEEPSPEED_DIR OUT_DIR" >&2
    exit 2
fi
DS=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=${JAR:-bench/target/vecopt-bench.jar}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
SIZES=${SIZES:-4096,65536,1048576,16777216}
mkdir -p "$OUT"
load() { echo "$(date -u +%H:%M:%S) $1 $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt" >&2; }

{
    echo "vecopt $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    "$JAVA" -version 2>&1 | head -1
    grep -m1 'model name' /proc/cpuinfo
    grep -m1 'cpu family' /proc/cpuinfo
} >"$OUT/machine.txt"

load "start"
# OpenMP's wait policies: active (spin), passive (sleep at once) and libgomp's default (spin a while).
SIZES=$SIZES POLICIES="active passive default" OFFSETS=0 "$HERE/run.sh" "$DS" >"$OUT/openmp.tsv" 2>"$OUT/openmp.log"
# A JVM float[] body starts 16 bytes into a cache line; the same placement for DeepSpeed and the C loop.
SIZES=$SIZES POLICIES=active OFFSETS=16 WIDTHS=512 "$HERE/run.sh" "$DS" >"$OUT/openmp-offset16.tsv" 2>>"$OUT/openmp.log"
load "after OpenMP"
for W in 256 512; do
    "$JAVA" -cp "$JAR" org.openjdk.jmh.Main 'vecopt\.bench\.speed\.AdamBenchmark\.panama$' -p size=$SIZES -p threads=1,2 \
        -f 1 -wi 3 -i 5 -w 1 -r 1 -rf json -rff "$OUT/jmh-$W.json" \
        -jvmArgsAppend "--add-modules jdk.incubator.vector -Dvecopt.kernels=panama -Dvecopt.vectorBitSize=$W" \
        >"$OUT/jmh-$W.txt" 2>&1
    load "after vecopt $W"
done
