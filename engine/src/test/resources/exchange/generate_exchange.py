#!/usr/bin/env python3
"""Records PyTorch runs resumed across vecopt for TorchExchangeTest, with engine/src/main/python/vecopt_torch.py.

Run from the repository root with Debian's python3-torch, in two rounds:
    /usr/bin/python3 engine/src/test/resources/exchange/generate_exchange.py
    mvn -B -o -pl engine -am test -Dtest=TorchExchangeTest -Dvecopt.exchange.write=$PWD/engine/src/test/resources/exchange
    /usr/bin/python3 engine/src/test/resources/exchange/generate_exchange.py
The first round writes torch_exchange.tsv and torch_<case>_step3.safetensors (torch's state after 3
steps, converted to vecopt's format); the Java test then writes vecopt_<case>_step3.safetensors (vecopt's
own state after the same 3 steps); the second round loads those into torch, continues 3 steps, and adds
the "from_vecopt" records.  Every round also checks that torch -> vecopt -> torch gives back the same
state dict.

Model: fc.weight [3, 4] in group 0 and fc.bias [3] in group 1 at half the learning rate.
torch_exchange.tsv, tab-separated, one record per line:
    <case> optimizer 0 <class> <name=value ...>
    <case> p0|p1 <t> <values>            torch's parameters before the first step (t 0) and after step t
    <case> g0|g1 <t> <values>            the gradient handed to step t
    <case> from_vecopt_p0|p1 <t> <values> torch's parameters after step t = 4..6, resumed from vecopt's state
                                          (and torch's own parameters) after step 3
Values are float32 numbers printed with repr(), so Java reads back the exact float.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "main", "python"))
import vecopt_torch  # noqa: E402

OUT = os.path.join(HERE, "torch_exchange.tsv")
NAMES = ["fc.weight", "fc.bias"]
SAVED_AT = 3
STEPS = 6
CASES = [
    ("adam", "Adam", {"lr": 0.01, "weight_decay": 0.01}),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}),
]


def fmt(t):
    return " ".join(repr(float(x)) for x in t.detach().reshape(-1).tolist())


def build(cls, kwargs, values):
    params = [torch.nn.Parameter(v.clone()) for v in values]
    opt = getattr(torch.optim, cls)([{"params": [params[0]]}, {"params": [params[1]], "lr": kwargs["lr"] / 2}],
                                    **kwargs)
    return params, opt


def same_state(a, b):
    if a["param_groups"] != b["param_groups"] or a["state"].keys() != b["state"].keys():
        return False
    for i in a["state"]:
        if a["state"][i].keys() != b["state"][i].keys():
            return False
        for k in a["state"][i]:
            if not torch.equal(a["state"][i][k], b["state"][i][k]):
                return False
    return True


def main():
    torch.manual_seed(20261126)
    lines = []
    for case, cls, kwargs in CASES:
        init = [torch.randn(3, 4), torch.randn(3)]
        grads = [[torch.randn(3, 4), torch.randn(3)] for _ in range(STEPS)]
        lines.append("%s\toptimizer\t0\t%s %s" % (case, cls, " ".join("%s=%r" % kv for kv in kwargs.items())))
        for k in range(2):
            lines.append("%s\tp%d\t0\t%s" % (case, k, fmt(init[k])))
        params, opt = build(cls, kwargs, init)
        at_saved = None
        for t in range(1, STEPS + 1):
            for k in range(2):
                params[k].grad = grads[t - 1][k].clone()
                lines.append("%s\tg%d\t%d\t%s" % (case, k, t, fmt(grads[t - 1][k])))
            opt.step()
            for k in range(2):
                lines.append("%s\tp%d\t%d\t%s" % (case, k, t, fmt(params[k])))
            if t == SAVED_AT:
                at_saved = [p.detach().clone() for p in params]
                path = os.path.join(HERE, "torch_%s_step%d.safetensors" % (case, SAVED_AT))
                vecopt_torch.save_torch_state(opt, NAMES, path, steps=SAVED_AT)
                _, check = build(cls, kwargs, init)
                vecopt_torch.load_vecopt_state(check, NAMES, path)
                assert same_state(check.state_dict(), opt.state_dict()), case + ": torch -> vecopt -> torch changed it"
        from_vecopt = os.path.join(HERE, "vecopt_%s_step%d.safetensors" % (case, SAVED_AT))
        if os.path.exists(from_vecopt):
            params, opt = build(cls, kwargs, at_saved)
            vecopt_torch.load_vecopt_state(opt, NAMES, from_vecopt)
            for t in range(SAVED_AT + 1, STEPS + 1):
                for k in range(2):
                    params[k].grad = grads[t - 1][k].clone()
                opt.step()
                for k in range(2):
                    lines.append("%s\tfrom_vecopt_p%d\t%d\t%s" % (case, k, t, fmt(params[k])))
        else:
            print("no", from_vecopt, "yet: run TorchExchangeTest with -Dvecopt.exchange.write, then this again")
    with open(OUT, "w") as f:
        f.write("# torch %s runs resumed across vecopt, from generate_exchange.py\n" % torch.__version__)
        f.write("\n".join(lines) + "\n")
    print("wrote", len(lines), "records to", OUT)


if __name__ == "__main__":
    main()
