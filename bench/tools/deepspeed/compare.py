#!/usr/bin/env python3
"""Tables from comparison windows (window.sh's output directories): ns per element of DeepSpeed's CPUAdam,
the plain C loop and vecopt's Adam side by side, and vecopt's time over DeepSpeed's.

    python3 bench/tools/deepspeed/compare.py OUT_DIR [OUT_DIR ...]

OpenMP rows are medians over ~1 ms batches of steps; vecopt rows are JMH's mean over its 1 s iterations.
"""
import csv
import json
import os
import sys

SIZE_NAMES = {4096: "4Ki", 65536: "64Ki", 1048576: "1Mi", 16777216: "16Mi"}


def openmp_rows(directory):
    rows = {}
    for name in ("openmp.tsv", "openmp-offset16.tsv"):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                key = (r["impl"], r["wait_policy"], int(r["offset"]), int(r["size"]), int(r["threads"]))
                rows[key] = float(r["median_ns_per_elem"])
    return rows


def jmh_rows(directory, width):
    path = os.path.join(directory, "jmh-%d.json" % width)
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for r in json.load(f):
            if r["benchmark"] != "vecopt.bench.speed.AdamBenchmark.panama":
                continue
            size, threads = int(r["params"]["size"]), int(r["params"]["threads"])
            metric = r["primaryMetric"]
            assert metric["scoreUnit"] == "ns/op", metric["scoreUnit"]
            rows[(size, threads)] = (metric["score"] / size, metric["scoreError"] / size)
    return rows


def fmt(x):
    return "–" if x is None else "%.3f" % x


def ratio(a, b):
    return "–" if a is None or b is None else "%.2f" % (a / b)


def window(directory):
    omp = openmp_rows(directory)
    v256, v512 = jmh_rows(directory, 256), jmh_rows(directory, 512)
    load = open(os.path.join(directory, "load.txt")).read().strip().splitlines()
    print("## %s\n" % directory)
    print("load average (1, 5, 15 min): " + "; ".join(load) + "\n")
    ds = lambda w, p, s, t, o=0: omp.get(("deepspeed-avx%d" % w, p, o, s, t))
    c = lambda w, p, s, t, o=0: omp.get(("c-loop-%d" % w, p, o, s, t))
    print("| size | threads | DeepSpeed 512 active | 512 default | 512 passive | 512 active +16 B | DeepSpeed 256 active "
          "| C loop 512 active | C loop 256 active | vecopt 256 | vecopt 512 "
          "| vecopt 256 ÷ DS 512 | vecopt 512 ÷ DS 512 | vecopt 512 ÷ DS 512 default |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes = sorted({k[3] for k in omp} | {k[0] for k in v512})
    for s in sizes:
        for t in (1, 2):
            a = ds(512, "active", s, t)
            d = ds(512, "default", s, t)
            w256 = v256.get((s, t), (None, None))[0]
            w512 = v512.get((s, t), (None, None))[0]
            print("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                SIZE_NAMES.get(s, s), t, fmt(a), fmt(d), fmt(ds(512, "passive", s, t)),
                fmt(ds(512, "active", s, t, 16)), fmt(ds(256, "active", s, t)),
                fmt(c(512, "active", s, t)), fmt(c(256, "active", s, t)), fmt(w256), fmt(w512),
                ratio(w256, a), ratio(w512, a), ratio(w512, d)))
    print()
    print("Issue 17's target, 2-thread vecopt ≤ 0.9× DeepSpeed's 2-thread time (DeepSpeed 512-bit, active / default policy):\n")
    for s in (65536, 1048576):
        for w, v in ((256, v256), (512, v512)):
            x = v.get((s, 2), (None, None))[0]
            for p in ("active", "default"):
                y = ds(512, p, s, 2)
                if x is not None and y is not None:
                    print("- %s, vecopt %d vs DeepSpeed %s: %.2f (%s)" % (
                        SIZE_NAMES[s], w, p, x / y, "met" if x / y <= 0.9 else "missed"))
    print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for d in sys.argv[1:]:
        window(d)
