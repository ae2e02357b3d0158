#!/usr/bin/env python3
"""Records chained torch.optim.lr_scheduler values for vecopt's ChainingTest.

Run from the repository root with Debian's python3-torch:
    /usr/bin/python3 engine/src/test/resources/schedules/generate_chaining.py

Writes torch_chaining.tsv beside this script: one line per series,
"<name>\t<v0> <v1> ...", v_t being the learning rate after t steps of every
scheduler of the series (v0: right after the last scheduler was built).
Schedulers are built and stepped in the order listed, either one after the
other ("separate") or through one ChainedScheduler ("chained").  Values are
printed with repr(), so Java's Double.parseDouble gives back the exact double.
"""
import os
import warnings

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_chaining.tsv")
S = torch.optim.lr_scheduler


def series(makers, steps, lr, chained=False):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    schedulers = [make(opt) for make in makers]
    chain = S.ChainedScheduler(schedulers) if chained else None
    values = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        if chain is not None:
            chain.step()
        else:
            for s in schedulers:
                s.step()
        values.append(opt.param_groups[0]["lr"])
    return values


def main():
    warnings.simplefilter("ignore")
    step_then_exp = [lambda o: S.StepLR(o, step_size=1, gamma=0.5), lambda o: S.ExponentialLR(o, gamma=0.9)]
    rows = {
        "separate_step_1_0.5_exponential_0.9": series(step_then_exp, 5, 1.0),
        "chained_step_1_0.5_exponential_0.9": series(step_then_exp, 5, 1.0, chained=True),
        "chained_linear_0.25_4_exponential_0.9": series(
            [lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4), lambda o: S.ExponentialLR(o, gamma=0.9)],
            10, 0.1, chained=True),
        "chained_cosine_10_0.001_multiplicative_0.95": series(
            [lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
             lambda o: S.MultiplicativeLR(o, lambda t: 0.95)], 25, 0.1, chained=True),
        "separate_multistep_2_4_0.5_polynomial_6_2": series(
            [lambda o: S.MultiStepLR(o, milestones=[2, 4], gamma=0.5),
             lambda o: S.PolynomialLR(o, total_iters=6, power=2.0)], 8, 0.1),
        "chained_step_2_0.5_lambda_1_over_1_plus_t": series(
            [lambda o: S.StepLR(o, step_size=2, gamma=0.5), lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + t))],
            6, 0.1, chained=True),
        "lambda_half_every_3": series([lambda o: S.LambdaLR(o, lambda t: 0.5 ** (t // 3))], 10, 0.1),
        "multiplicative_1_over_1_plus_0.1t": series(
            [lambda o: S.MultiplicativeLR(o, lambda t: 1.0 / (1.0 + 0.1 * t))], 10, 0.1),
    }
    with open(OUT, "w") as f:
        f.write("# torch %s chained lr_scheduler values, from generate_chaining.py\n" % torch.__version__)
        for name, values in rows.items():
            f.write(name + "\t" + " ".join(repr(float(v)) for v in values) + "\n")
    print("wrote", len(rows), "series to", OUT)


if __name__ == "__main__":
    main()
