#!/usr/bin/env python3
"""Epoch-by-epoch comparison of vecopt's curves (fashion-vecopt.json, written by the convergence run) with
PyTorch's (fashion-torch.json): per optimizer the final and the last-5-epoch mean test accuracy of each
side, the mean epoch-to-epoch change of each side's test accuracy, and the per-epoch difference in pp.

    python3 bench/tools/fashion_compare.py docs/convergence/fashion-vecopt.json \
        bench/src/main/resources/vecopt/bench/convergence/fashion-torch.json
"""
import json, sys, statistics as st
v = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
for exp in ("logistic", "mlp"):
    print("##", exp)
    for lab, c in v["experiments"][exp].items():
        tc = t["experiments"][exp][lab]
        va, ta = c["test_accuracy"], tc["test_accuracy"]
        d = [100*(a-b) for a, b in zip(va, ta)]
        last = min(5, len(va))
        jv = [100*abs(va[i]-va[i-1]) for i in range(len(va)-last+1, len(va))] if len(va) > 1 else [0]
        jt = [100*abs(ta[i]-ta[i-1]) for i in range(len(ta)-last+1, len(ta))] if len(ta) > 1 else [0]
        mv = 100*st.mean(va[-last:]); mt = 100*st.mean(ta[-last:])
        print("%-13s lr v %-7g t %-7g final v %.2f t %.2f diff %+.2f | mean last %d: v %.2f t %.2f diff %+.2f | mean |step| v %.2f t %.2f | cost diff last %+.4f | per-epoch diff %s" % (
            lab, c["lr"], tc["lr"], 100*va[-1], 100*ta[-1], d[-1], last, mv, mt, mv-mt, st.mean(jv), st.mean(jt),
            c["train_cost"][-1]-tc["train_cost"][-1], " ".join("%+.2f" % x for x in d)))
