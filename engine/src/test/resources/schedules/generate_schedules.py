#!/usr/bin/env python3
"""Records torch.optim.lr_scheduler values for vecopt's schedule tests.

Run from the repository root with Debian's python3-torch:
    /usr/bin/python3 engine/src/test/resources/schedules/generate_schedules.py

Writes torch_schedules.tsv beside this script: one line per series,
"<name>\t<v0> <v1> ...", v_t being the value after t scheduler steps
(v0: right after the scheduler was built).  Values are printed with repr(),
so Java's Double.parseDouble gives back the exact double.
"""
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_schedules.tsv")
S = torch.optim.lr_scheduler


def optimizer(lr=0.1, kind="sgd"):
    p = torch.nn.Parameter(torch.zeros(1))
    if kind == "adam":
        return torch.optim.Adam([p], lr=lr)
    return torch.optim.SGD([p], lr=lr, momentum=0.9)


def series(make, steps, key="lr", kind="sgd", lr=0.1):
    opt = optimizer(lr, kind)
    sched = make(opt)
    values = []
    for t in range(steps + 1):
        group = opt.param_groups[0]
        values.append(group["betas"][0] if key == "beta1" else group[key])
        if t < steps:
            opt.step()
            sched.step()
    return values


def plateau(metrics, **kw):
    opt = optimizer()
    sched = S.ReduceLROnPlateau(opt, **kw)
    values = [opt.param_groups[0]["lr"]]
    for m in metrics:
        opt.step()
        sched.step(m)
        values.append(opt.param_groups[0]["lr"])
    return values


def main():
    rows = {
        "step_7_0.5": series(lambda o: S.StepLR(o, step_size=7, gamma=0.5), 30),
        "multistep_5_12_12_20_0.3": series(lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3), 30),
        "exponential_0.9": series(lambda o: S.ExponentialLR(o, gamma=0.9), 30),
        "inverse_time_0.1": series(lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.1 * t)), 30),
        "polynomial_10_2": series(lambda o: S.PolynomialLR(o, total_iters=10, power=2.0), 15),
        "cosine_10_0.001": series(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 25),
        "warm_restarts_5_2_0.0001": series(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-4), 40),
        "linear_0.25_1_8": series(lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8), 15),
        "warmup_5_then_cosine_20": series(lambda o: S.SequentialLR(
            o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=20)], milestones=[5]), 30),
        "one_cycle_0.1_50_lr": series(lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=50), 49),
        "one_cycle_0.1_50_momentum": series(lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=50), 49, key="momentum"),
        "one_cycle_linear_0.01_40_adam_lr": series(lambda o: S.OneCycleLR(
            o, max_lr=0.01, total_steps=40, pct_start=0.25, anneal_strategy="linear"), 39, kind="adam", lr=0.001),
        "one_cycle_linear_0.01_40_adam_beta1": series(lambda o: S.OneCycleLR(
            o, max_lr=0.01, total_steps=40, pct_start=0.25, anneal_strategy="linear"), 39, key="beta1",
            kind="adam", lr=0.001),
        "plateau_min_0.5_2_0.01_cooldown1": plateau(
            [1.0, 0.9, 0.95, 0.899, 0.9, 0.91, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.4, 0.41, 0.42, 0.43, 0.44],
            mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1),
        "plateau_max_abs_0.1_1_0.05": plateau(
            [0.1, 0.2, 0.22, 0.24, 0.3, 0.3, 0.31, 0.5, 0.5, 0.5, 0.5],
            mode="max", factor=0.1, patience=1, threshold=0.05, threshold_mode="abs", min_lr=0.0005),
    }
    with open(OUT, "w") as f:
        f.write("# torch %s lr_scheduler values, from generate_schedules.py\n" % torch.__version__)
        for name, values in rows.items():
            f.write(name + "\t" + " ".join(repr(float(v)) for v in values) + "\n")
    print("wrote", len(rows), "series to", OUT)


if __name__ == "__main__":
    main()
