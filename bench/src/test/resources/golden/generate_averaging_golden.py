#!/usr/bin/env python3
"""Generate PyTorch golden data for vecopt's weight averaging: AveragedModel and SWALR.

Run from the repository root with the Debian interpreter (python3-torch):

    /usr/bin/python3 bench/src/test/resources/golden/generate_averaging_golden.py

Output: torch_averaging_golden.json.gz next to this script, a gzipped JSON object:

    {"torch": version,
     "averaged_model": [case, ...],
     "swalr": [case, ...]}

An averaged_model case trains a model of two float32 parameters (sizes "sizes") with torch.optim.SGD
("hyper") on the recorded gradients, and after step s calls swa_model.update_parameters(model) when
s >= start and (s - start) % every == 0 (steps counted from 1):

    {"name", "averaging": {"kind": "equal"} or {"kind": "ema", "decay", "warmup", "warmup_gamma",
                                               "warmup_power", "min_decay"},
     "hyper": SGD kwargs, "sizes": [a, b], "start", "every",
     "n_averaged_start": n_averaged set on the fresh AveragedModel (0 normally; when above 0 the
                         first update averages into the copy of "init" the constructor made),
     "init": [[floats] per parameter],
     "grads": [[[floats] per parameter] per step],
     "params": [[[floats] per parameter] per step]      # after each opt.step()
     "averaged": [[[floats] per parameter] or null per step],  # after the step's update, if any
     "n_averaged": [int per step]}

"equal" is AveragedModel's default avg_fn.  "ema" is a custom avg_fn, timm ModelEmaV2's update
decay * ema + (1 - decay) * p, whose decay, with "warmup", follows timm ModelEmaV3's power warm-up at
n = num_averaged (timm's step - update_after_step - 1):

    d_n = max(min_decay, min(decay, 1 - (1 + n / warmup_gamma) ** -warmup_power))

A swalr case: an SGD optimizer with one parameter per group at the rates "lrs", torch.optim.swa_utils.SWALR
with "swa_lr" (one number, or one per group), "anneal_epochs", "anneal_strategy", then "steps" calls of
scheduler.step(); "set_lr" maps a step (as a string) to rates written into the groups just before that
step() call, as another scheduler would.  "lr" holds every group's rate after the constructor and after
each step (Python floats, which JSON keeps exactly).

Everything is float32 on the CPU, one thread; floats are stored as in torch_golden.json.gz (the shortest
decimal that reads back as the float32, see generate_golden.py).  The output is byte-for-byte reproducible.
"""

import gzip
import json
import os
import sys
import warnings
import zlib

import torch

sys.dont_write_bytecode = True   # no __pycache__ among the test resources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_golden import DTYPE, make_grad, to_floats  # noqa: E402  (same float encoding and gradients)

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_averaging_golden.json.gz")


def seed_of(name):
    return zlib.crc32(("averaging/" + name).encode("utf-8")) & 0x7FFFFFFF


# --------------------------------------------------------------------------
# AveragedModel
# --------------------------------------------------------------------------

def ema_avg_fn(decay, warmup, warmup_gamma, warmup_power, min_decay):
    """timm's decay (ModelEmaV3.get_decay at step' = num_averaged) in ModelEmaV2's weighted sum."""
    def decay_at(n):
        if not warmup:
            return decay
        d = 1 - (1 + n / warmup_gamma) ** -warmup_power
        return max(min(d, decay), min_decay)

    def avg_fn(averaged, current, num_averaged):
        d = decay_at(int(num_averaged))
        return d * averaged + (1 - d) * current
    return avg_fn


class TwoParameters(torch.nn.Module):
    def __init__(self, init):
        super().__init__()
        self.w = torch.nn.Parameter(init[0].clone())
        self.b = torch.nn.Parameter(init[1].clone())


def run_averaged_model(name, averaging, hyper, sizes, steps, kind, start, every, n_averaged_start=0):
    gen = torch.Generator().manual_seed(seed_of(name))
    init = [torch.randn(n, generator=gen, dtype=DTYPE) for n in sizes]
    grads = [[make_grad(gen, kind, n) for n in sizes] for _ in range(steps)]
    model = TwoParameters(init)
    opt = torch.optim.SGD(model.parameters(), **hyper, foreach=False)
    if averaging["kind"] == "equal":
        swa_model = torch.optim.swa_utils.AveragedModel(model)
    else:
        swa_model = torch.optim.swa_utils.AveragedModel(model, avg_fn=ema_avg_fn(
            averaging["decay"], averaging["warmup"], averaging["warmup_gamma"], averaging["warmup_power"],
            averaging["min_decay"]))
    swa_model.n_averaged.fill_(n_averaged_start)

    params, averaged, counts = [], [], []
    for s in range(1, steps + 1):
        model.w.grad, model.b.grad = grads[s - 1][0].clone(), grads[s - 1][1].clone()
        opt.step()
        if s >= start and (s - start) % every == 0:
            swa_model.update_parameters(model)
        params.append([to_floats(p.detach()) for p in model.parameters()])
        averaged.append([to_floats(p.detach()) for p in swa_model.module.parameters()]
                        if int(swa_model.n_averaged) > 0 else None)
        counts.append(int(swa_model.n_averaged))
    return {
        "name": name, "averaging": averaging, "hyper": hyper, "sizes": sizes, "start": start, "every": every,
        "n_averaged_start": n_averaged_start,
        "init": [to_floats(t) for t in init],
        "grads": [[to_floats(g) for g in step] for step in grads],
        "params": params, "averaged": averaged, "n_averaged": counts,
    }


EQUAL = {"kind": "equal"}


def ema(decay, warmup=False, warmup_gamma=1.0, warmup_power=2 / 3, min_decay=0.0):
    return {"kind": "ema", "decay": decay, "warmup": warmup, "warmup_gamma": warmup_gamma,
            "warmup_power": warmup_power, "min_decay": min_decay}


MOMENTUM = {"lr": 0.05, "momentum": 0.9}


def averaged_model_cases():
    return [
        run_averaged_model("equal/every-step", EQUAL, MOMENTUM, [67, 13], 40, "normal", 1, 1),
        run_averaged_model("equal/from-11-every-3", EQUAL, {"lr": 0.01, "momentum": 0.9, "nesterov": True},
                           [101, 7], 40, "wide", 11, 3),
        # n_averaged + 1 crosses 2^24, where it is no longer exact in float32
        run_averaged_model("equal/n-averaged-near-2^24", EQUAL, MOMENTUM, [33, 5], 10, "normal", 1, 1,
                           n_averaged_start=(1 << 24) - 3),
        run_averaged_model("ema/decay-0.9", ema(0.9), MOMENTUM, [67, 13], 30, "normal", 1, 1),
        run_averaged_model("ema/decay-0.999-wide", ema(0.999), {"lr": 0.001}, [133, 3], 30, "wide", 5, 2),
        run_averaged_model("ema/warmup-timm-defaults", ema(0.9999, warmup=True), MOMENTUM, [67, 13], 50,
                           "normal", 1, 1),
        run_averaged_model("ema/warmup-power-0.75-gamma-2.5-min-0.5", ema(0.99, True, 2.5, 0.75, 0.5),
                           MOMENTUM, [37, 11], 60, "mixed", 1, 1),
        run_averaged_model("ema/warmup-power-1-is-n-over-n+1", ema(1.0, True, 1.0, 1.0), MOMENTUM, [29, 4], 20,
                           "normal", 1, 1),
        run_averaged_model("ema/decay-0-copies", ema(0.0), MOMENTUM, [17, 2], 10, "normal", 1, 1),
        run_averaged_model("ema/decay-1-keeps-the-first-copy", ema(1.0), MOMENTUM, [17, 2], 10, "normal", 3, 1),
    ]


# --------------------------------------------------------------------------
# SWALR
# --------------------------------------------------------------------------

def run_swalr(name, lrs, swa_lr, anneal_epochs, strategy, steps, set_lr=None):
    set_lr = set_lr or {}
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1, dtype=DTYPE))], "lr": lr} for lr in lrs]
    opt = torch.optim.SGD(groups, lr=lrs[0])
    scheduler = torch.optim.swa_utils.SWALR(opt, swa_lr=swa_lr, anneal_epochs=anneal_epochs,
                                            anneal_strategy=strategy)
    history = [[g["lr"] for g in opt.param_groups]]
    for s in range(1, steps + 1):
        if s in set_lr:
            for g, lr in zip(opt.param_groups, set_lr[s]):
                g["lr"] = lr
        opt.step()
        scheduler.step()
        history.append([g["lr"] for g in opt.param_groups])
    return {"name": name, "lrs": lrs, "swa_lr": swa_lr, "anneal_epochs": anneal_epochs,
            "anneal_strategy": strategy, "steps": steps, "set_lr": {str(k): v for k, v in set_lr.items()},
            "lr": history}


def swalr_cases():
    cases = []
    for strategy in ("cos", "linear"):
        cases += [
            run_swalr(strategy + "/anneal-10", [0.1, 0.05], 0.01, 10, strategy, 15),
            run_swalr(strategy + "/anneal-10-per-group", [0.1, 0.05], [0.02, 0.005], 10, strategy, 15),
            run_swalr(strategy + "/anneal-0", [0.1, 0.05], 0.01, 0, strategy, 5),
            run_swalr(strategy + "/anneal-1", [0.1, 0.05], 0.01, 1, strategy, 5),
            run_swalr(strategy + "/anneal-7-upwards", [0.001, 0.3], [0.05, 0.7], 7, strategy, 10),
            run_swalr(strategy + "/anneal-3-after-another-scheduler", [0.1, 0.05], 0.01, 3, strategy, 6,
                      {1: [0.0731, 0.0123]}),
            run_swalr(strategy + "/anneal-6-rate-changed-mid-annealing", [0.1, 0.05], 0.01, 6, strategy, 9,
                      {3: [0.0417, 0.0333]}),
            run_swalr(strategy + "/anneal-100", [0.3, 0.0123], [0.0017, 0.05], 100, strategy, 110),
        ]
    return cases


def main():
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")   # SWALR's scheduler-before-optimizer notice on a parameter without a gradient
    print("torch", torch.__version__)
    data = {"torch": torch.__version__, "averaged_model": averaged_model_cases(), "swalr": swalr_cases()}
    text = json.dumps(data, allow_nan=False, separators=(",", ":"))
    with gzip.GzipFile(OUT_PATH, "wb", mtime=0) as f:
        f.write(text.encode("utf-8"))
    print("wrote %d AveragedModel and %d SWALR cases to %s (%d bytes)" % (
        len(data["averaged_model"]), len(data["swalr"]), OUT_PATH, os.path.getsize(OUT_PATH)))


if __name__ == "__main__":
    main()
