#!/usr/bin/env python3
"""Generate PyTorch golden LBFGS trajectories for the vecopt Java tests.

Run from the repository root with the Debian interpreter (python3-torch):

    /usr/bin/python3 bench/src/test/resources/golden/generate_lbfgs_golden.py

Output: torch_lbfgs_golden.json.gz next to this script, a gzipped JSON array of objects

    {"name": str, "objective": str, "hyper": {...}, "steps": int,
     "shapes": [[ints] per parameter], "init": [[floats] per parameter],
     "params": [[[floats] per parameter] per step],      # after each opt.step(closure)
     "loss": [float per step],                           # what opt.step(closure) returned
     "func_evals": [int per step], "n_iter": [int per step],   # state after each step
     "data": {"x": [[floats] per example], "y": [floats]}}    # logistic regression only

torch.optim.LBFGS needs a closure that re-evaluates the objective, so unlike the other optimizers'
fixtures (torch_golden.json.gz, recorded gradients) these record the objective by name. The closure
computes the loss and gradient in float64 from the float32 parameters, as vecopt's convergence suite
does (bench/.../convergence/TestFunctions.java, with the same order of operations), and hands torch
the gradient rounded to float32 and the loss as a Python float. So both sides see the same objective
to the last bit (up to libm's exp and log1p for the logistic regression), and what the Java test
compares is the optimizer: the two-loop recursion, the line search and the stopping tests.

"hyper" holds exactly the constructor kwargs passed (line_search_fn as "strong_wolfe" or null).
Parameters are float32; every float32 is written as the shortest decimal that reads back as it.
"""

import gzip
import json
import math
import os

import numpy as np
import torch

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_lbfgs_golden.json.gz")
DTYPE = torch.float32


def short_float(x):
    """The double whose repr is the shortest decimal that reads back as the float32 x."""
    f = np.float32(x)
    text = np.format_float_scientific(f, unique=True, trim="-")
    d = float(text)
    if np.float32(d).tobytes() != f.tobytes():
        d = float(x)
    assert np.float32(d).tobytes() == f.tobytes(), x
    return d


# --------------------------------------------------------------------------
# Objectives in float64, written exactly as TestFunctions.java writes them
# --------------------------------------------------------------------------

def rosenbrock(x, y):
    a = 1 - x
    b = y - x * x
    return a * a + 100 * b * b, [-2 * (1 - x) - 400 * x * b, 200 * b]


def beale(x, y):
    A, B, C = 1.5, 2.25, 2.625
    y2 = y * y
    y3 = y2 * y
    # the value as TestFunctions.value writes it (x * y * y, not x * y2), the gradient as gradient does
    v1 = A - x + x * y
    v2 = B - x + x * y * y
    v3 = C - x + x * y * y * y
    value = v1 * v1 + v2 * v2 + v3 * v3
    t1 = A - x + x * y
    t2 = B - x + x * y2
    t3 = C - x + x * y3
    gx = 2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y3 - 1)
    gy = 2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y2
    return value, [gx, gy]


RAVINE_KAPPA = 25.0
RAVINE_ANGLE = 30.0


def ravine(x, y):
    c = math.cos(math.radians(RAVINE_ANGLE))
    s = math.sin(math.radians(RAVINE_ANGLE))
    u = c * x + s * y
    v = -s * x + c * y
    value = 0.5 * (u * u + RAVINE_KAPPA * v * v)
    h0 = c * c + RAVINE_KAPPA * s * s
    h1 = c * s - RAVINE_KAPPA * s * c
    h3 = s * s + RAVINE_KAPPA * c * c
    return value, [h0 * x + h1 * y, h1 * x + h3 * y]


TWO_D = {"rosenbrock": (rosenbrock, [-1.2, 1.0]),
         "beale": (beale, [1.0, 1.5]),
         "ravine": (ravine, [-4.0, -1.5])}


def logistic_data():
    """40 examples, 4 features, labels 0/1 from a noisy linear rule (not separable)."""
    gen = torch.Generator().manual_seed(20261201)
    x = torch.randn(40, 4, generator=gen, dtype=torch.float64)
    w = torch.tensor([1.5, -2.0, 0.5, 1.0], dtype=torch.float64)
    noise = torch.randn(40, generator=gen, dtype=torch.float64)
    y = ((x @ w + 0.3 + 1.5 * noise) > 0).to(torch.float64)
    # rounded to 12 significant digits so that the JSON text is the data, not an approximation of it
    return [[float("%.12g" % v) for v in row] for row in x.tolist()], [float(v) for v in y.tolist()]


def logistic(weight, bias, xs, ys):
    """Mean logistic loss of p = sigmoid(w.x + b) and its gradient, in float64, in LbfgsGoldenTest's order."""
    m = len(ys)
    loss = 0.0
    gw = [0.0] * len(weight)
    gb = 0.0
    for xi, yi in zip(xs, ys):
        z = bias
        for wj, xj in zip(weight, xi):
            z += wj * xj
        # softplus(z) - y z, written to neither overflow nor cancel
        loss += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - yi * z
        e = math.exp(-abs(z))
        sigmoid = 1 / (1 + e) if z >= 0 else e / (1 + e)
        r = sigmoid - yi
        for j, xj in enumerate(xi):
            gw[j] += r * xj
        gb += r
    return loss / m, [g / m for g in gw], gb / m


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

# (objective, label, kwargs, steps): several step() calls each, so that the history, d, t and the
# counters carry over from one call to the next as they do in training.
CASES = []
for fn in ["rosenbrock", "beale", "ravine"]:
    CASES += [
        (fn, "defaults", {}, 3),
        (fn, "lr0.1_maxiter5", {"lr": 0.1, "max_iter": 5}, 6),
        (fn, "wolfe", {"line_search_fn": "strong_wolfe"}, 3),
        (fn, "wolfe_maxiter4_history3", {"line_search_fn": "strong_wolfe", "max_iter": 4, "history_size": 3}, 8),
    ]
CASES += [
    ("rosenbrock", "wolfe_maxeval7", {"line_search_fn": "strong_wolfe", "max_eval": 7}, 6),
    ("rosenbrock", "wolfe_lr0.5_tolerances",
     {"line_search_fn": "strong_wolfe", "lr": 0.5, "tolerance_grad": 1e-5, "tolerance_change": 1e-7}, 4),
    ("beale", "maxiter1_history2", {"lr": 0.5, "max_iter": 1, "history_size": 2}, 25),
    ("logistic", "defaults", {}, 3),
    ("logistic", "lr0.5_maxiter6_history4", {"lr": 0.5, "max_iter": 6, "history_size": 4}, 6),
    ("logistic", "wolfe", {"line_search_fn": "strong_wolfe"}, 3),
    ("logistic", "wolfe_maxiter3_history2", {"line_search_fn": "strong_wolfe", "max_iter": 3, "history_size": 2}, 8),
]


def run_case(objective, label, hyper, steps):
    data = None
    if objective == "logistic":
        xs, ys = logistic_data()
        data = {"x": xs, "y": ys}
        params = [torch.nn.Parameter(torch.zeros(1, 4, dtype=DTYPE)), torch.nn.Parameter(torch.zeros(1, dtype=DTYPE))]

        def evaluate():
            loss, gw, gb = logistic([float(v) for v in params[0].detach().view(-1).tolist()],
                                    float(params[1].detach()[0]), xs, ys)
            return loss, [gw, [gb]]
    else:
        fn, start = TWO_D[objective]
        params = [torch.nn.Parameter(torch.tensor(start, dtype=DTYPE))]

        def evaluate():
            xy = params[0].detach().tolist()
            loss, g = fn(float(xy[0]), float(xy[1]))
            return loss, [g]

    init = [[short_float(v) for v in p.detach().view(-1).tolist()] for p in params]
    opt = torch.optim.LBFGS(params, **hyper)

    def closure():
        opt.zero_grad()
        loss, grads = evaluate()
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float64).to(DTYPE).view_as(p)
        return loss

    after, losses, evals, iters = [], [], [], []
    for _ in range(steps):
        loss = opt.step(closure)
        after.append([[short_float(v) for v in p.detach().view(-1).tolist()] for p in params])
        losses.append(float(loss))
        state = opt.state[params[0]]
        evals.append(int(state["func_evals"]))
        iters.append(int(state["n_iter"]))
    case = {"name": objective + "/" + label, "objective": objective, "hyper": hyper, "steps": steps,
            "shapes": [list(p.shape) for p in params], "init": init, "params": after, "loss": losses,
            "func_evals": evals, "n_iter": iters}
    if data is not None:
        case["data"] = data
    return case


def main():
    torch.set_num_threads(1)
    print("torch", torch.__version__)
    cases = [run_case(*c) for c in CASES]
    text = json.dumps(cases, allow_nan=False, separators=(",", ":"))
    with gzip.GzipFile(OUT_PATH, "wb", mtime=0) as f:
        f.write(text.encode("utf-8"))
    print("wrote %d cases to %s (%d bytes)" % (len(cases), OUT_PATH, os.path.getsize(OUT_PATH)))
    for c in cases:
        print("  %-40s n_iter %3d  func_evals %3d  loss %.6g" % (c["name"], c["n_iter"][-1], c["func_evals"][-1],
                                                                   c["loss"][-1]))


if __name__ == "__main__":
    main()
